package dev.endlessd.agent.jdk;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;

/**
 * The few JDK internals the agent needs, as method handles into {@code sun.nio.ch}: the natives
 * behind {@code bind}, {@code listen}, {@code accept} and {@code fcntl(O_NONBLOCK)}, and the
 * {@code dup2} and socket probes of {@code sun.nio.ch.InheritedChannel} (which the JDK itself uses for
 * {@link System#inheritedChannel()}). They are the same in JDK 17, 21 and 25.
 *
 * <p>Usable only after {@link Modules#open} opened {@code sun.nio.ch} to the agent: the class
 * initializer looks every handle up and fails as a whole if the JDK differs, before any class is
 * transformed, so a JDK without them gets no hook at all instead of a broken one.
 */
public final class Internals {
    private static final MethodHandle NET_BIND_FAMILY;
    private static final MethodHandle NET_BIND;
    private static final MethodHandle NET_LISTEN;
    private static final MethodHandle NET_ACCEPT;
    private static final MethodHandle NET_LOCAL_ADDRESS;
    private static final MethodHandle CONFIGURE_BLOCKING;
    private static final MethodHandle NEW_FD;
    private static final MethodHandle FD_VAL;
    private static final MethodHandle DUP2;
    private static final MethodHandle SO_TYPE;
    private static final MethodHandle ADDRESS_FAMILY;
    private static final MethodHandle IS_CONNECTED;
    private static final MethodHandle GET_FD;
    private static final MethodHandle DUP;
    private static final MethodHandle CLOSE;
    private static final MethodHandle NET_REMOTE_ADDRESS;
    private static final MethodHandle NEW_SOCKET_CHANNEL;
    private static final Class<?> SEL_CH_IMPL;
    private static final int SOCK_STREAM;
    private static final int AF_INET;
    private static final int AF_INET6;

    static {
        try {
            MethodHandles.Lookup net = lookup("sun.nio.ch.Net");
            MethodHandles.Lookup io = lookup("sun.nio.ch.IOUtil");
            MethodHandles.Lookup inherited = lookup("sun.nio.ch.InheritedChannel");
            Class<?> netClass = net.lookupClass();
            Class<?> ioClass = io.lookupClass();
            Class<?> inheritedClass = inherited.lookupClass();
            NET_BIND_FAMILY = net.findStatic(netClass, "bind", MethodType.methodType(void.class,
                    ProtocolFamily.class, FileDescriptor.class, InetAddress.class, int.class));
            NET_BIND = net.findStatic(netClass, "bind",
                    MethodType.methodType(void.class, FileDescriptor.class, InetAddress.class, int.class));
            NET_LISTEN = net.findStatic(netClass, "listen", MethodType.methodType(void.class, FileDescriptor.class, int.class));
            NET_ACCEPT = net.findStatic(netClass, "accept", MethodType.methodType(int.class,
                    FileDescriptor.class, FileDescriptor.class, InetSocketAddress[].class));
            NET_LOCAL_ADDRESS = net.findStatic(netClass, "localAddress",
                    MethodType.methodType(InetSocketAddress.class, FileDescriptor.class));
            CONFIGURE_BLOCKING = io.findStatic(ioClass, "configureBlocking",
                    MethodType.methodType(void.class, FileDescriptor.class, boolean.class));
            NEW_FD = io.findStatic(ioClass, "newFD", MethodType.methodType(FileDescriptor.class, int.class));
            FD_VAL = io.findStatic(ioClass, "fdVal", MethodType.methodType(int.class, FileDescriptor.class));
            DUP2 = inherited.findStatic(inheritedClass, "dup2", MethodType.methodType(void.class, int.class, int.class));
            SO_TYPE = inherited.findStatic(inheritedClass, "soType0", MethodType.methodType(int.class, int.class));
            ADDRESS_FAMILY = inherited.findStatic(inheritedClass, "addressFamily", MethodType.methodType(int.class, int.class));
            IS_CONNECTED = inherited.findStatic(inheritedClass, "isConnected", MethodType.methodType(boolean.class, int.class));
            SEL_CH_IMPL = Class.forName("sun.nio.ch.SelChImpl");
            GET_FD = net.findVirtual(SEL_CH_IMPL, "getFD", MethodType.methodType(FileDescriptor.class))
                    .asType(MethodType.methodType(FileDescriptor.class, Object.class));
            DUP = inherited.findStatic(inheritedClass, "dup", MethodType.methodType(int.class, int.class));
            CLOSE = inherited.findStatic(inheritedClass, "close0", MethodType.methodType(void.class, int.class));
            NET_REMOTE_ADDRESS = net.findStatic(netClass, "remoteAddress",
                    MethodType.methodType(InetSocketAddress.class, FileDescriptor.class));
            Class<?> socketChannelImpl = Class.forName("sun.nio.ch.SocketChannelImpl");
            NEW_SOCKET_CHANNEL = net.findConstructor(socketChannelImpl, MethodType.methodType(void.class,
                            SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, SocketAddress.class))
                    .asType(MethodType.methodType(SocketChannel.class, SelectorProvider.class, ProtocolFamily.class,
                            FileDescriptor.class, SocketAddress.class));
            SOCK_STREAM = (int) inherited.findStaticGetter(inheritedClass, "SOCK_STREAM", int.class).invokeExact();
            AF_INET = (int) inherited.findStaticGetter(inheritedClass, "AF_INET", int.class).invokeExact();
            AF_INET6 = (int) inherited.findStaticGetter(inheritedClass, "AF_INET6", int.class).invokeExact();
        } catch (Throwable e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Internals() {
    }

    private static MethodHandles.Lookup lookup(String className) throws ReflectiveOperationException {
        return MethodHandles.privateLookupIn(Class.forName(className), MethodHandles.lookup());
    }

    /** Loads every handle now: throws (an {@link ExceptionInInitializerError}) if this JDK lacks one. */
    public static void check() {
        // the class initializer did the work
    }

    public static void bind(ProtocolFamily family, FileDescriptor fd, InetAddress address, int port) throws IOException {
        try {
            NET_BIND_FAMILY.invokeExact(family, fd, address, port);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void bind(FileDescriptor fd, InetAddress address, int port) throws IOException {
        try {
            NET_BIND.invokeExact(fd, address, port);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static void listen(FileDescriptor fd, int backlog) throws IOException {
        try {
            NET_LISTEN.invokeExact(fd, backlog);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static int accept(FileDescriptor fd, FileDescriptor newfd, InetSocketAddress[] address) throws IOException {
        try {
            return (int) NET_ACCEPT.invokeExact(fd, newfd, address);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    public static InetSocketAddress localAddress(FileDescriptor fd) throws IOException {
        try {
            return (InetSocketAddress) NET_LOCAL_ADDRESS.invokeExact(fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** {@code fcntl} on the open file description behind {@code fd}: shared with every process that holds it. */
    public static void configureBlocking(FileDescriptor fd, boolean blocking) throws IOException {
        try {
            CONFIGURE_BLOCKING.invokeExact(fd, blocking);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** A {@link FileDescriptor} for {@code fd}, which it does not own: nothing closes it on collection. */
    public static FileDescriptor fileDescriptor(int fd) {
        try {
            return (FileDescriptor) NEW_FD.invokeExact(fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** The number behind {@code fd}, -1 once it is closed. */
    public static int fdVal(FileDescriptor fd) {
        try {
            return (int) FD_VAL.invokeExact(fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Makes {@code target} refer to the open file description of {@code source}, closing what it referred to. */
    public static void dup2(int source, int target) throws IOException {
        try {
            DUP2.invokeExact(source, target);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** Whether {@code fd} is a TCP socket (IPv4 or IPv6) that is not connected: a listener. */
    public static boolean isTcpListener(int fd) {
        try {
            if ((int) SO_TYPE.invokeExact(fd) != SOCK_STREAM) {
                return false;
            }
            int family = (int) ADDRESS_FAMILY.invokeExact(fd);
            return (family == AF_INET || family == AF_INET6) && !(boolean) IS_CONNECTED.invokeExact(fd);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /**
     * A second channel on the connected TCP socket behind {@code fd} (its own fd, from {@code dup}), so
     * that the socket outlives the closing of {@code fd}. Null if {@code fd} is not a connected TCP socket.
     */
    public static SocketChannel duplicateConnection(FileDescriptor fd) throws IOException {
        try {
            int number = (int) FD_VAL.invokeExact(fd);
            if (number < 0 || (int) SO_TYPE.invokeExact(number) != SOCK_STREAM
                    || !(boolean) IS_CONNECTED.invokeExact(number)) {
                return null;
            }
            int family = (int) ADDRESS_FAMILY.invokeExact(number);
            if (family != AF_INET && family != AF_INET6) {
                return null;
            }
            InetSocketAddress remote = (InetSocketAddress) NET_REMOTE_ADDRESS.invokeExact(fd);
            int copy = (int) DUP.invokeExact(number);
            FileDescriptor twin = (FileDescriptor) NEW_FD.invokeExact(copy);
            try {
                return (SocketChannel) NEW_SOCKET_CHANNEL.invokeExact(SelectorProvider.provider(),
                        (ProtocolFamily) (family == AF_INET6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET),
                        twin, (SocketAddress) remote);
            } catch (Throwable e) {
                CLOSE.invokeExact(copy);
                throw e;
            }
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** The socket of a JDK channel ({@code sun.nio.ch.SelChImpl}); null for channels of other providers. */
    public static FileDescriptor fdOf(Channel channel) {
        if (!SEL_CH_IMPL.isInstance(channel)) {
            return null;
        }
        try {
            return (FileDescriptor) GET_FD.invokeExact((Object) channel);
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
