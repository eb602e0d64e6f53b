package dev.endlessd.control;

import dev.endlessd.log.ThrottledWarning;
import io.netty.channel.Channel;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Bounds the control connections open at once, so that a client that opens connections and never
 * sends a request (a leaking monitoring script, a hostile process of our uid) cannot use up the
 * daemon's descriptors and memory. Over the limit, the connection that has waited longest without a
 * complete request is closed to make room: a real client sends its line at once and so is never the
 * oldest for long, while a staller always is. Only when every open connection carries a request that
 * waits for its answer (reload, stop) is a newcomer turned away. Confined to the event loop.
 */
final class ConnectionLimit {
    static final int MAX_CONNECTIONS = 64;

    private final Deque<Channel> withoutRequest = new ArrayDeque<>();
    private final ThrottledWarning shed;
    private int open;

    ConnectionLimit(ThrottledWarning shed) {
        this.shed = shed;
    }

    /**
     * Counts a new connection in, making room if needed.
     *
     * @return false when the connection must be turned away
     */
    boolean admit(Channel channel) {
        open++;
        channel.closeFuture().addListener(closed -> {
            open--;
            withoutRequest.remove(channel);
        });
        if (open > MAX_CONNECTIONS) {
            Channel oldest = withoutRequest.poll();
            if (oldest == null) {
                shed.warn("control: {} connections are open, each waiting for an answer: turned a new one away",
                        MAX_CONNECTIONS);
                return false;
            }
            shed.warn("control: {} connections are open: closed the one that waited longest without sending a"
                    + " request, to make room", MAX_CONNECTIONS);
            oldest.close();
        }
        withoutRequest.add(channel);
        return true;
    }

    /** The connection's request arrived: it is no longer a candidate for eviction. */
    void requestArrived(Channel channel) {
        withoutRequest.remove(channel);
    }
}
