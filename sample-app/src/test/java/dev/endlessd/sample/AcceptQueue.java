package dev.endlessd.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** How many connections wait to be accepted on a listening IPv4 socket, as the kernel counts them. */
final class AcceptQueue {
    private static final String LISTEN = "0A";

    private AcceptQueue() {
    }

    /**
     * Reads {@code /proc/net/tcp}, where a listening socket's {@code rx_queue} is the length of its
     * accept queue.
     */
    static int length(InetSocketAddress listening) {
        if (!(listening.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("address: " + listening + " (expected: IPv4)");
        }
        byte[] ip = listening.getAddress().getAddress();
        // the address in the kernel's byte order (little-endian on every platform this runs on), then the port
        String local = String.format(Locale.ROOT, "%02X%02X%02X%02X:%04X", ip[3], ip[2], ip[1], ip[0],
                listening.getPort());
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/net/tcp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields[1].equals(local) && fields[3].equals(LISTEN)) {
                return Integer.parseInt(fields[4].split(":")[1], 16);
            }
        }
        throw new AssertionError("no listening socket " + local + " in /proc/net/tcp");
    }
}
