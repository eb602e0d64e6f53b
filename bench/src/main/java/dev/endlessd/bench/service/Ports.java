package dev.endlessd.bench.service;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the port for one scenario, at run time, above the kernel's ephemeral range: an ephemeral port
 * could be taken as the source port of some client connection while a naive restart has the port
 * unbound (then the new server cannot bind it, or a client connects to itself).
 */
public final class Ports {
    private Ports() {
    }

    /** A port free right now on every address, outside the ephemeral range when there is room. */
    public static int pickFree() throws IOException {
        int low = ephemeralHigh() + 1;
        if (low > 65000) {
            return bindable(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(low, 65536);
            if (bindable(port) == port) {
                return port;
            }
        }
        throw new IOException("no free port in " + low + "-65535 after 200 tries");
    }

    private static int ephemeralHigh() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Integer.parseInt(range[1]);
        } catch (IOException | RuntimeException e) {
            return 60999;
        }
    }

    /** Binds {@code port} without SO_REUSEADDR (so a port with connections in TIME_WAIT counts as taken). */
    private static int bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return socket.getLocalPort();
        } catch (IOException e) {
            return -1;
        }
    }
}
