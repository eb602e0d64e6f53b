package dev.endlessd.agent.bridge;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Never loaded under this name: {@link BridgeInstaller} renames it into {@code sun.nio.ch} and defines
 * it there, so that the JDK's own classes can call it (java.base sees only its own and the boot
 * loader's classes) while the agent stays on the class path, where the JVM's class data sharing keeps
 * working. Each method forwards to the agent's hook of the same signature through a handle the
 * installer left in the system properties for the class initializer to take (and remove) at once.
 *
 * <p>Refers to java.base types only, and to no nested class of its own.
 */
public final class JdkBridge {
    private static final MethodHandle CHANNEL_BIND;
    private static final MethodHandle SERVER_SOCKET_BIND;
    private static final MethodHandle ASYNC_BIND;
    private static final MethodHandle LISTEN;
    private static final MethodHandle ACCEPT;
    private static final MethodHandle CONFIGURE_BLOCKING;
    private static final MethodHandle INTEREST_OPS;
    private static final MethodHandle SELECTING;
    private static final MethodHandle CLOSING;

    static {
        MethodHandle[] hooks = (MethodHandle[]) System.getProperties().remove("dev.endlessd.agent.bridge.jdk");
        CHANNEL_BIND = hooks[0];
        SERVER_SOCKET_BIND = hooks[1];
        ASYNC_BIND = hooks[2];
        LISTEN = hooks[3];
        ACCEPT = hooks[4];
        CONFIGURE_BLOCKING = hooks[5];
        INTEREST_OPS = hooks[6];
        SELECTING = hooks[7];
        CLOSING = hooks[8];
    }

    private JdkBridge() {
    }

    public static void channelBind(ProtocolFamily family, FileDescriptor fd, InetAddress host, int port) throws IOException {
        try {
            CHANNEL_BIND.invokeExact(family, fd, host, port);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void serverSocketBind(FileDescriptor fd, InetAddress host, int port) throws IOException {
        try {
            SERVER_SOCKET_BIND.invokeExact(fd, host, port);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void asyncBind(FileDescriptor fd, InetAddress host, int port) throws IOException {
        try {
            ASYNC_BIND.invokeExact(fd, host, port);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void listen(FileDescriptor fd, int backlog) throws IOException {
        try {
            LISTEN.invokeExact(fd, backlog);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static int accept(FileDescriptor fd, FileDescriptor newfd, InetSocketAddress[] address) throws IOException {
        try {
            return (int) ACCEPT.invokeExact(fd, newfd, address);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void configureBlocking(FileDescriptor fd, boolean blocking) throws IOException {
        try {
            CONFIGURE_BLOCKING.invokeExact(fd, blocking);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void interestOps(SelectionKey key, int ops) {
        try {
            INTEREST_OPS.invokeExact(key, ops);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void selecting(Selector selector, Consumer<SelectionKey> action, long timeout) {
        try {
            SELECTING.invokeExact(selector, action, timeout);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void closing(SocketChannel channel) {
        try {
            CLOSING.invokeExact(channel);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * Throws {@code e} as it is: a handle throws only what its method declares, which the caller
     * declares too, so no checked exception is hidden.
     */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException rethrow(Throwable e) throws T {
        throw (T) e;
    }
}
