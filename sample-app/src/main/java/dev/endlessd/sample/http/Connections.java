package dev.endlessd.sample.http;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The accepted connections, whether the server is draining, and over how long the drain hands
 * keep-alive connections over.
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
    private final LongUnaryOperator pickBelow;
    // Written before `draining`, so a thread that sees draining sees the spread too.
    private volatile Duration spread = Duration.ZERO;
    private volatile boolean draining;

    Connections(EventExecutor owner) {
        this(owner, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /**
     * @param pickBelow given a bound in nanoseconds (&gt; 0), returns a value from 0 up to, not including,
     *                  the bound; random in production, fixed in tests
     */
    Connections(EventExecutor owner, LongUnaryOperator pickBelow) {
        this.open = new DefaultChannelGroup("connections", owner);
        this.pickBelow = pickBelow;
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
     *
     * @param spread how long into the drain keep-alive connections may go on being served; each picks
     *               its own moment within it
     */
    void startDraining(Duration spread) {
        this.spread = spread;
        draining = true;
        for (Channel connection : open) {
            if (connection.isRegistered()) {
                connection.pipeline().fireUserEventTriggered(DRAIN_STARTED);
            }
        }
    }

    /**
     * For a connection that has just learnt of the drain: how much longer, in nanoseconds, its responses
     * may keep it alive. Uniform over the spread, so that clients reconnect one after another rather than
     * all at once; 0 when the spread is 0.
     */
    long keepAliveNanos() {
        long bound = spread.toNanos();
        return bound == 0 ? 0 : pickBelow.applyAsLong(bound);
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
