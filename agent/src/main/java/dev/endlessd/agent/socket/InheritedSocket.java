package dev.endlessd.agent.socket;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A TCP listener endlessd passed to this worker: its fd and its own local address (what
 * {@code getsockname} says, not what {@code --listen} said).
 */
public record InheritedSocket(int fd, InetSocketAddress address) {

    /**
     * Whether an app's bind to {@code host:port} asks for this socket: the same port, and the same
     * host unless the app binds the wildcard address (then any one listener on that port serves).
     */
    public boolean serves(InetAddress host, int port) {
        return port == address.getPort()
                && (host == null || host.isAnyLocalAddress() || host.equals(address.getAddress()));
    }

    @Override
    public String toString() {
        return "fd " + fd + " (" + describe(address.getAddress(), address.getPort()) + ")";
    }

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code *:8080} for the wildcard. */
    public static String describe(InetAddress host, int port) {
        if (host == null || host.isAnyLocalAddress()) {
            return "*:" + port;
        }
        String text = host.getHostAddress();
        return (host instanceof Inet6Address ? "[" + compress(text) + "]" : text) + ":" + port;
    }

    /** {@code 0:0:0:0:0:0:0:1} as {@code ::1}: the longest run of two or more zero groups becomes {@code ::}. */
    static String compress(String ipv6) {
        String[] groups = ipv6.split(":", -1);
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int length = 0;
            while (i + length < groups.length && groups[i + length].equals("0")) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        if (bestStart < 0) {
            return ipv6;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
