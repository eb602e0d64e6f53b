package dev.endlessd.sample.http;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;

/**
 * The accepted connections, and whether the server is draining.
 *
 * <p>Connections are added on the accepting event loop at the moment {@code accept()} returns, before
 * they are registered anywhere: once the listeners are closed, no connection can appear here that a
 * drain would miss. Each connection's own {@link HttpConnection} reacts to the drain on its own loop.
 */
final class Connections {

    /** User event fired on each connection's pipeline when the drain starts. */
    static final Object DRAIN_STARTED = new Object() {
        @Override
        public String toString() {
            return "DRAIN_STARTED";
        }
    };

    private final ChannelGroup open;
    private volatile boolean draining;

    Connections(EventExecutor owner) {
        this.open = new DefaultChannelGroup("connections", owner);
    }

    void add(Channel connection) {
        open.add(connection);
    }

    boolean isDraining() {
        return draining;
    }

    /**
     * Tells every connection to drain. A connection that is not registered yet is skipped: the flag is
     * set first, and {@link HttpConnection} reads it when the connection becomes active.
     */
    void startDraining() {
        draining = true;
        for (Channel connection : open) {
            if (connection.isRegistered()) {
                connection.pipeline().fireUserEventTriggered(DRAIN_STARTED);
            }
        }
    }

    int size() {
        return open.size();
    }

    boolean isEmpty() {
        return open.isEmpty();
    }

    ChannelGroupFuture closeAll() {
        return open.close();
    }
}
