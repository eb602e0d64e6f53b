package dev.endlessd.sample.activation;

import io.netty.channel.ChannelException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps inherited listening sockets in Netty epoll server channels.
 *
 * <p>The returned channel is already bound and listening: hand it to
 * {@code ServerBootstrap.channelFactory(() -> channel).register()}, never {@code bind()}. Closing it
 * later closes only this process's descriptor; the socket itself lives on in the supervisor and in any
 * other worker that holds it, and the connections still queued on it are theirs to accept.
 *
 * <p>Stateless and thread-safe. Linux only (epoll).
 */
public final class InheritedListeners {

    private static final Logger LOG = LoggerFactory.getLogger(InheritedListeners.class);

    // <sys/socket.h> on Linux; the same on every architecture Netty's epoll transport runs on.
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_DOMAIN = 39;
    private static final int SOCK_STREAM = 1;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private InheritedListeners() {
    }

    /**
     * Checks that {@code listenFd} is a listening stream socket and wraps it: TCP (IPv4 or IPv6) in an
     * {@link EpollServerSocketChannel}, a unix stream socket in an {@link EpollServerDomainSocketChannel}.
     *
     * <p>Non-blocking mode: endlessd hands its sockets out with {@code O_NONBLOCK} set; a launcher that
     * does not (systemd without {@code NonBlocking=yes}) gets it set here, and the channel carries a
     * {@link NonBlockingGuard} that sets it again after every accepted connection. Netty leaves a wrapped
     * descriptor's mode alone but calls {@code accept()} each time epoll reports it readable, and when
     * several processes watch one socket they are all woken for each connection: in blocking mode the
     * losers would sit in {@code accept()} with their event loop stuck until some later connection
     * arrives, unable even to close the listener on SIGTERM. {@code O_NONBLOCK} lives on the open file
     * description, which the supervisor and every worker holding this socket share, so this sets it for
     * all of them, as endlessd's contract has it; a worker that accepts in blocking mode must take
     * {@code EAGAIN} and poll again (the JDK does).
     *
     * @throws IOException when the descriptor is not open, not a socket, not listening, or not a stream
     *                     socket; the message names the fd and what was found
     */
    public static InheritedListener open(ListenFd listenFd) throws IOException {
        Epoll.ensureAvailability();
        int fd = listenFd.fd();
        Socket socket = view(listenFd);
        int domain = option(listenFd, socket, SO_DOMAIN);
        if (option(listenFd, socket, SO_TYPE) != SOCK_STREAM) {
            throw new IOException(listenFd + " is not a stream socket: this server speaks HTTP over TCP or unix"
                    + " stream sockets only");
        }
        if (option(listenFd, socket, SO_ACCEPTCONN) == 0) {
            throw new IOException(listenFd + " is a socket but not listening: the supervisor must pass sockets"
                    + " after listen(2)");
        }
        boolean nonBlocking = enableNonBlocking(listenFd);
        InheritedListener listener;
        switch (domain) {
            case AF_INET:
            case AF_INET6:
                listener = new InheritedListener(listenFd, new EpollServerSocketChannel(fd), socket.localAddress());
                break;
            case AF_UNIX:
                // Without active=true Netty waits for a bind() that never comes and the channel never accepts.
                listener = new InheritedListener(listenFd, new EpollServerDomainSocketChannel(fd, true),
                        socket.localDomainSocketAddress());
                break;
            default:
                throw new IOException(listenFd + " has address family " + domain
                        + ": expected AF_INET, AF_INET6 or AF_UNIX");
        }
        if (nonBlocking) {
            // First in the pipeline, before whatever ServerBootstrap adds when the channel is registered.
            listener.channel().pipeline().addFirst(new NonBlockingGuard(listenFd));
        }
        return listener;
    }

    // For getsockopt only: the view is never closed, so the descriptor stays open.
    private static Socket view(ListenFd listenFd) throws IOException {
        try {
            return new Socket(listenFd.fd());
        } catch (ChannelException e) {
            throw notASocket(listenFd, e.getCause() == null ? e : e.getCause());
        }
    }

    private static int option(ListenFd listenFd, Socket socket, int name) throws IOException {
        try {
            return socket.getIntOpt(SOL_SOCKET, name);
        } catch (IOException e) {
            throw notASocket(listenFd, e);
        }
    }

    private static IOException notASocket(ListenFd listenFd, Throwable cause) {
        return new IOException(listenFd + " is not an open socket (" + cause.getMessage()
                + "): check LISTEN_FDS against the descriptors actually passed", cause);
    }

    /** @return false when this JDK would not let us (then it is logged) */
    private static boolean enableNonBlocking(ListenFd listenFd) throws IOException {
        try {
            NonBlockingMode.enable(listenFd.fd());
            return true;
        } catch (UnsupportedOperationException e) {
            LOG.warn("{}: cannot set O_NONBLOCK ({}): should another process sharing this socket clear it, an"
                    + " accept() can stall this worker's event loop; launch with java -jar, or add {}",
                    listenFd, e.getMessage(), NonBlockingMode.ADD_EXPORTS_FLAG);
            return false;
        }
    }
}
