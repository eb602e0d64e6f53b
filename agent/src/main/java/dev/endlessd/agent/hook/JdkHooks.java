package dev.endlessd.agent.hook;

import dev.endlessd.agent.Log;
import dev.endlessd.agent.Readiness;
import dev.endlessd.agent.jdk.Internals;
import dev.endlessd.agent.socket.Adoptions;
import dev.endlessd.agent.socket.LingeringClose;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * What the JDK's server sockets call instead of {@code sun.nio.ch.Net} and {@code IOUtil} once the
 * agent rewrote their call sites (see {@code transform.Plan}). Each hook has the exact signature of the
 * call it replaces, does the agent's part, and otherwise makes the original call.
 *
 * <p>Called from any thread, often under the channel's own locks: the hooks take no lock of their own
 * on the accept path and log once per decision.
 */
public final class JdkHooks {
    private static volatile boolean blockingRefusalLogged;

    private JdkHooks() {
    }

    /** {@code ServerSocketChannelImpl.netBind}: NIO servers (Tomcat NIO, Jetty, Undertow, Netty NIO, HttpServer). */
    public static void channelBind(ProtocolFamily family, FileDescriptor fd, InetAddress host, int port)
            throws IOException {
        if (!Adoptions.adopt(fd, host, port, "ServerSocketChannel")) {
            Internals.bind(family, fd, host, port);
        }
    }

    /** {@code NioSocketImpl.bind}: {@code java.net.ServerSocket}. */
    public static void serverSocketBind(FileDescriptor fd, InetAddress host, int port) throws IOException {
        if (!Adoptions.adopt(fd, host, port, "ServerSocket")) {
            Internals.bind(fd, host, port);
        }
    }

    /** {@code AsynchronousServerSocketChannelImpl.bind}: Tomcat's NIO2 connector. */
    public static void asyncBind(FileDescriptor fd, InetAddress host, int port) throws IOException {
        if (!Adoptions.adopt(fd, host, port, "AsynchronousServerSocketChannel")) {
            Internals.bind(fd, host, port);
        }
    }

    /** An adopted socket is listening already, with endlessd's backlog. */
    public static void listen(FileDescriptor fd, int backlog) throws IOException {
        if (!Adoptions.isAdopted(fd)) {
            Internals.listen(fd, backlog);
        }
    }

    /**
     * Every accept on an adopted socket first puts O_NONBLOCK back (a neighbour generation may have
     * cleared it on the shared description), so that a connection another worker took costs EAGAIN,
     * which the JDK's blocking accept answers by polling, instead of a hang in the kernel.
     */
    public static int accept(FileDescriptor fd, FileDescriptor newfd, InetSocketAddress[] address) throws IOException {
        if (Adoptions.isAdopted(fd)) {
            Internals.configureBlocking(fd, false);
            Readiness.accepting("the server accepts on the adopted socket");
        }
        return Internals.accept(fd, newfd, address);
    }

    /**
     * The shared socket stays non-blocking, whatever mode the app's channel is in (Tomcat and Jetty
     * ask for blocking): the flag belongs to the description every worker shares.
     */
    public static void configureBlocking(FileDescriptor fd, boolean blocking) throws IOException {
        if (blocking && Adoptions.isAdopted(fd)) {
            if (!blockingRefusalLogged) {
                blockingRefusalLogged = true;
                Log.info("the app set its adopted channel to blocking mode: O_NONBLOCK stays on the shared socket"
                        + " (the JDK's blocking accept polls and retries on EAGAIN)");
            }
            return;
        }
        Internals.configureBlocking(fd, blocking);
    }

    /** {@code SocketChannelImpl.implCloseSelectableChannel()}, on entry: see {@link LingeringClose}. */
    public static void closing(SocketChannel channel) {
        if (Adoptions.draining()) {
            LingeringClose.closing(channel);
        }
    }

    /** {@code SelectionKeyImpl.interestOps(int)}, on entry. */
    public static void interestOps(SelectionKey key, int ops) {
        if ((ops & SelectionKey.OP_ACCEPT) != 0 && Readiness.watching()) {
            FileDescriptor fd = Internals.fdOf(key.channel());
            if (fd != null && Adoptions.isAdopted(fd)) {
                Readiness.acceptInterest(key.selector());
            }
        }
    }

    /** {@code SelectorImpl.lockAndDoSelect}, on entry. */
    public static void selecting(Selector selector, Consumer<SelectionKey> action, long timeout) {
        if (Readiness.watching()) {
            Readiness.selecting(selector);
        }
    }
}
