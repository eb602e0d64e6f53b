package dev.endlessd.agent.hook;

import dev.endlessd.agent.Readiness;
import dev.endlessd.agent.jdk.Internals;
import dev.endlessd.agent.socket.Adoptions;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.BooleanSupplier;

/**
 * Netty's native epoll transport (Vert.x, Quarkus and Micronaut with native transport), which binds
 * through JNI and so past the JDK: its {@code io.netty.channel.unix.Socket} adopts like the JDK's
 * sockets do. One more step is Netty's own: the channel is registered with epoll before it binds, and
 * {@code dup2} over its fd drops that registration with the old socket, so the first
 * {@code epoll_ctl(MOD)} on an adopted fd that finds nothing registered adds it instead.
 *
 * <p>Called from Netty's event loop threads.
 */
public final class NettyHooks {
    private static final int EPOLLIN = 0x001;
    private static final int ENOENT = 2;

    private NettyHooks() {
    }

    /** {@code io.netty.channel.unix.Socket.bind(SocketAddress)}, on entry: true skips Netty's bind. */
    public static boolean bind(Object socket, SocketAddress address) throws IOException {
        if (!(address instanceof InetSocketAddress inet)) {
            return false;
        }
        return Adoptions.adoptNative(fd(socket), isOpen(socket), inet.getAddress(), inet.getPort(), "Netty epoll");
    }

    /** {@code io.netty.channel.unix.Socket.listen(int)}, on entry: an adopted socket listens already. */
    public static boolean listen(Object socket, int backlog) {
        return Adoptions.isAdoptedNative(fd(socket));
    }

    /**
     * {@code io.netty.channel.unix.Socket.accept(byte[])}, on entry: O_NONBLOCK back on an adopted socket
     * (a neighbour generation may have cleared it), or Netty's accept loop, which accepts until EAGAIN,
     * would block its event loop in the kernel once the queue is empty.
     */
    public static void accepting(Object socket, byte[] address) throws IOException {
        int fd = fd(socket);
        if (Adoptions.isAdoptedNative(fd)) {
            Internals.configureBlocking(Internals.fileDescriptor(fd), false);
        }
    }

    /** {@code io.netty.channel.epoll.Native.epollCtlMod(int, int, int)}, on entry: true skips Netty's call. */
    public static boolean epollCtlMod(Class<?> nativeClass, int epollFd, int fd, int flags) throws IOException {
        if (!Adoptions.isAdoptedNative(fd)) {
            return false;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(nativeClass, MethodHandles.lookup());
            MethodType type = MethodType.methodType(int.class, int.class, int.class, int.class);
            int result = (int) lookup.findStatic(nativeClass, "epollCtlMod0", type).invokeExact(epollFd, fd, flags);
            if (result == -ENOENT) {
                result = (int) lookup.findStatic(nativeClass, "epollCtlAdd0", type).invokeExact(epollFd, fd, flags);
            }
            if (result < 0) {
                throw new IOException("epoll_ctl() of the adopted fd " + fd + " failed: errno " + -result);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e);
        }
        if ((flags & EPOLLIN) != 0) {
            Readiness.accepting("Netty's epoll waits for connections on the adopted socket");
        }
        return true;
    }

    private static int fd(Object socket) {
        try {
            return (int) socket.getClass().getMethod("intValue").invoke(socket);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    private static BooleanSupplier isOpen(Object socket) {
        return new BooleanSupplier() {
            @Override
            public boolean getAsBoolean() {
                try {
                    return (boolean) socket.getClass().getMethod("isOpen").invoke(socket);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
            }
        };
    }
}
