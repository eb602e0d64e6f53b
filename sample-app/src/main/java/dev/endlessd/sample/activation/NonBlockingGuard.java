package dev.endlessd.sample.activation;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@code O_NONBLOCK} back on an inherited listening socket after each connection Netty accepts
 * from it, so that its next {@code accept()} cannot block the event loop.
 *
 * <p>Why: the flag lives on the open file description that the supervisor and every worker share,
 * and a neighbour may clear it (Tomcat switches its socket to blocking mode). Netty calls
 * {@code accept()} whenever epoll reports the socket readable and again after each connection it got;
 * another worker may have taken the connection in between, and on a blocking socket this worker's
 * event loop would then sit in {@code accept()} until some later connection arrived, unable even to
 * close the listener on SIGTERM. Netty offers no hook before its first {@code accept()} of a wake-up,
 * so a neighbour that clears the flag between two connections can still catch one; this narrows that
 * to the first accept after each change. Setting the flag when it is already set is one
 * {@code fcntl}.
 *
 * <p>Added by {@link InheritedListeners} to the listener's own pipeline. Runs on the listener's event loop.
 */
final class NonBlockingGuard extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(NonBlockingGuard.class);

    private final ListenFd listenFd;
    private boolean failed;

    NonBlockingGuard(ListenFd listenFd) {
        this.listenFd = listenFd;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object connection) {
        if (!failed) {
            try {
                NonBlockingMode.enable(listenFd.fd());
            } catch (IOException | UnsupportedOperationException e) {
                failed = true;
                LOG.warn("{}: cannot keep O_NONBLOCK set ({}); a neighbour that clears it can stall this worker's"
                        + " accept loop", listenFd, e.getMessage());
            }
        }
        ctx.fireChannelRead(connection);
    }
}
