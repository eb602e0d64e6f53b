package dev.endlessd.agent.socket;

import dev.endlessd.agent.Log;
import dev.endlessd.agent.WorkerSettings;
import dev.endlessd.agent.jdk.Internals;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The TCP listeners at fd 3 .. 3+{@code LISTEN_FDS}-1, found once at start, and the choice of the one
 * an app's bind asks for. Unix sockets and anything that is not a TCP listener are named in the log
 * and left alone.
 *
 * <p>Immutable after {@link #discover}; safe from any thread.
 */
public final class InheritedSockets {
    private final List<InheritedSocket> sockets;

    public InheritedSockets(List<InheritedSocket> sockets) {
        this.sockets = List.copyOf(sockets);
    }

    public static InheritedSockets discover(WorkerSettings settings) {
        List<InheritedSocket> found = new ArrayList<>();
        for (int fd = WorkerSettings.FIRST_FD; fd < WorkerSettings.FIRST_FD + settings.listenFds(); fd++) {
            try {
                if (Internals.isTcpListener(fd)) {
                    found.add(new InheritedSocket(fd, Internals.localAddress(Internals.fileDescriptor(fd))));
                } else {
                    Log.info("fd " + fd + " is not a TCP listener (a unix socket?): left to the app");
                }
            } catch (IOException | RuntimeException e) {
                Log.info("fd " + fd + " cannot be inspected, left to the app: " + e);
            }
        }
        return new InheritedSockets(found);
    }

    public boolean isEmpty() {
        return sockets.isEmpty();
    }

    public boolean hasPort(int port) {
        for (InheritedSocket socket : sockets) {
            if (socket.address().getPort() == port) {
                return true;
            }
        }
        return false;
    }

    /** The listener a bind to {@code host:port} takes over, or null when the bind should go through. */
    public InheritedSocket match(InetAddress host, int port) {
        if (port == 0) {
            return null;
        }
        for (InheritedSocket socket : sockets) {
            if (socket.serves(host, port)) {
                return socket;
            }
        }
        return null;
    }

    /**
     * Why a bind to {@code host:port} that no listener serves goes through, and how to fix it if that
     * was meant to be the served port: binding another port than {@code --listen} is the commonest
     * mistake. Null for binds that concern no listener (port 0, or no inherited socket at all).
     */
    public String explainMiss(InetAddress host, int port) {
        if (port == 0 || sockets.isEmpty()) {
            return null;
        }
        String bind = InheritedSocket.describe(host, port);
        for (InheritedSocket socket : sockets) {
            if (socket.address().getPort() == port) {
                return "bind to " + bind + " not adopted: endlessd's socket on that port is " + socket
                        + ", another address, so the bind goes through and will fail with 'address already in use';"
                        + " make the app bind the wildcard address (or " + InheritedSocket.describe(socket.address().getAddress(), port)
                        + "), or give endlessd --listen " + bind;
            }
        }
        return "bind to " + bind + " not adopted: no socket endlessd passed has port " + port + " (it passed " + this
                + "); the bind goes through. If this is the port the app serves on, make it listen on "
                + sockets.get(0).address().getPort() + " (e.g. server.port=" + sockets.get(0).address().getPort()
                + ") or run endlessd --listen " + bind + "; a management or JMX port is fine as it is";
    }

    @Override
    public String toString() {
        List<String> described = new ArrayList<>();
        for (InheritedSocket socket : sockets) {
            described.add(socket.toString());
        }
        return String.join(", ", described);
    }
}
