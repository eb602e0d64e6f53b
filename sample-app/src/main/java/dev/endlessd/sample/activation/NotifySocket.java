package dev.endlessd.sample.activation;

import io.netty.channel.unix.DomainSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code sd_notify} datagrams go: the unix datagram socket named by {@code NOTIFY_SOCKET}, either a
 * filesystem path ({@code /run/...}) or, with a leading {@code @}, a Linux abstract address.
 *
 * <p>Immutable and thread-safe.
 */
public final class NotifySocket {

    private final String value;

    private NotifySocket(String value) {
        this.value = value;
    }

    /** Reads this process's environment; see {@link #fromEnvironment(Map)}. */
    public static Optional<NotifySocket> fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Parses {@code NOTIFY_SOCKET}.
     *
     * @return the socket, or empty when the variable is unset or empty (nobody is listening)
     * @throws IllegalArgumentException when the value is neither an absolute path nor {@code @name}
     */
    public static Optional<NotifySocket> fromEnvironment(Map<String, String> env) {
        String value = env.get("NOTIFY_SOCKET");
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (!value.startsWith("/") && !(value.startsWith("@") && value.length() > 1)) {
            throw new IllegalArgumentException("NOTIFY_SOCKET: '" + value
                    + "' (expected: an absolute socket path or @abstract-name)");
        }
        return Optional.of(new NotifySocket(value));
    }

    /** {@code true} for a Linux abstract address ({@code @name}), which has no file in the filesystem. */
    public boolean isAbstract() {
        return value.charAt(0) == '@';
    }

    /**
     * The address to send to. An abstract name becomes a path starting with NUL, which is how the kernel
     * spells it; see {@link SdNotifier} for why Netty then reaches the right socket.
     */
    public DomainSocketAddress address() {
        return new DomainSocketAddress(isAbstract() ? '\0' + value.substring(1) : value);
    }

    /** The value as written in {@code NOTIFY_SOCKET}. */
    @Override
    public String toString() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NotifySocket && ((NotifySocket) other).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
