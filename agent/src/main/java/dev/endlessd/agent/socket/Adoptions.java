package dev.endlessd.agent.socket;

import dev.endlessd.agent.Log;
import dev.endlessd.agent.Readiness;
import dev.endlessd.agent.jdk.Internals;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The app's server sockets that took over an inherited listener, and the two things done to them:
 * adopting at bind time, and, when the drain starts, pointing them at a private idle listener so this
 * process accepts nothing more while endlessd's socket goes on serving the other workers.
 *
 * <p>Adoption {@code dup2}s the inherited fd over the fd of the app's fresh, unbound socket: the app's
 * channel keeps its own fd number, but that number now refers to endlessd's listening socket, with
 * endlessd's address and backlog, and closing the channel closes only this process's reference.
 *
 * <p>Thread-safe: adopting and the drain synchronize on the class (so no adoption slips past the
 * drain); readers on the accept path read one volatile array.
 */
public final class Adoptions {
    private static volatile InheritedSockets inherited = new InheritedSockets(List.of());
    private static volatile FileDescriptor[] channels = new FileDescriptor[0];
    /** Sockets of other runtimes (Netty's native transport): their fd numbers count while they say they are open. */
    private static volatile NativeSocket[] nativeSockets = new NativeSocket[0];
    private static volatile boolean draining;
    private static ServerSocketChannel idleListener;

    private Adoptions() {
    }

    public static void init(InheritedSockets sockets) {
        inherited = sockets;
    }

    /**
     * Instead of binding {@code fd} to {@code host:port}: takes over the inherited listener that serves
     * that address, if any. Returns false when the bind must go through as the app asked.
     *
     * @param what the kind of server socket, for the log
     */
    public static synchronized boolean adopt(FileDescriptor fd, InetAddress host, int port, String what)
            throws IOException {
        InheritedSocket socket = match(host, port);
        if (socket == null) {
            return false;
        }
        int target = Internals.fdVal(fd);
        Internals.dup2(socket.fd(), target);
        Internals.configureBlocking(fd, false);
        FileDescriptor[] grown = Arrays.copyOf(channels, channels.length + 1);
        grown[channels.length] = fd;
        channels = grown;
        adopted(socket, target, what, host, port);
        return true;
    }

    /** Like {@link #adopt} for a socket the JDK does not know, given by its fd number. */
    public static synchronized boolean adoptNative(int target, BooleanSupplier open, InetAddress host, int port,
                                                   String what) throws IOException {
        InheritedSocket socket = match(host, port);
        if (socket == null) {
            return false;
        }
        Internals.dup2(socket.fd(), target);
        Internals.configureBlocking(Internals.fileDescriptor(target), false);
        NativeSocket[] grown = Arrays.copyOf(nativeSockets, nativeSockets.length + 1);
        grown[nativeSockets.length] = new NativeSocket(target, open);
        nativeSockets = grown;
        adopted(socket, target, what, host, port);
        return true;
    }

    private static InheritedSocket match(InetAddress host, int port) {
        InheritedSocket socket = inherited.match(host, port);
        if (socket == null) {
            String miss = inherited.explainMiss(host, port);
            if (miss != null) {
                Log.info(miss);
            }
            return null;
        }
        if (draining) {
            Log.info("bind to " + InheritedSocket.describe(host, port) + " after the drain started: not adopted");
            return null;
        }
        return socket;
    }

    private static void adopted(InheritedSocket socket, int target, String what, InetAddress host, int port) {
        Log.info("adopted " + socket + " for the app's " + what + " bind to " + InheritedSocket.describe(host, port)
                + ": its fd " + target + " now shares endlessd's listening socket (no bind, no listen, O_NONBLOCK kept)");
        Readiness.adopted();
    }

    /** Whether this process adopted any socket: only then is the drain the agent's business. */
    public static boolean any() {
        return channels.length > 0 || nativeSockets.length > 0;
    }

    public static boolean isAdopted(FileDescriptor fd) {
        for (FileDescriptor adopted : channels) {
            if (adopted == fd) {
                return true;
            }
        }
        return false;
    }

    public static boolean isAdoptedNative(int fd) {
        for (NativeSocket socket : nativeSockets) {
            if (socket.fd() == fd && socket.open().getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes every adopted fd of this process refer to a private listener nobody connects to, so that
     * acceptors of this process, blocked or polling, never take another connection from endlessd's
     * socket; the other workers' references are untouched. Tomcat's paused acceptor, which would
     * otherwise take a connection and drop it, then waits on the idle listener until Tomcat closes it.
     */
    public static synchronized void stopAccepting() {
        draining = true;
        List<String> replaced = new ArrayList<>();
        try {
            for (FileDescriptor fd : channels) {
                replace(Internals.fdVal(fd), replaced);
            }
            for (NativeSocket socket : nativeSockets) {
                replace(socket.open().getAsBoolean() ? socket.fd() : -1, replaced);
            }
        } catch (IOException | RuntimeException e) {
            Log.info("could not stop accepting on every adopted fd (" + e + "): this worker may still take"
                    + " connections while it drains");
            return;
        }
        if (!replaced.isEmpty()) {
            Log.info("stopped accepting: fd " + String.join(", ", replaced) + " now refer to an idle private listener"
                    + " (" + InheritedSocket.describe(idleAddress().getAddress(), idleAddress().getPort())
                    + "); endlessd's socket goes on serving the other workers");
        }
    }

    private static void replace(int fd, List<String> replaced) throws IOException {
        if (fd < 0) {
            return;  // closed by the app already
        }
        if (idleListener == null) {
            idleListener = ServerSocketChannel.open();
            idleListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            idleListener.configureBlocking(false);
        }
        Internals.dup2(Internals.fdVal(Internals.fdOf(idleListener)), fd);
        replaced.add(Integer.toString(fd));
    }

    private static InetSocketAddress idleAddress() {
        try {
            return (InetSocketAddress) idleListener.getLocalAddress();
        } catch (IOException e) {
            return new InetSocketAddress(0);
        }
    }

    private record NativeSocket(int fd, BooleanSupplier open) {
    }

    /** Whether {@code port} is the port of an inherited listener: a connection to it is a client of this worker. */
    static boolean servesPort(int port) {
        return inherited.hasPort(port);
    }

    public static boolean draining() {
        return draining;
    }
}
