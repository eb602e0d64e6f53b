package dev.endlessd.socket;

import java.nio.file.Path;
import java.util.Objects;

/** Where a listening socket lives: a TCP host and port, or a unix socket path. */
public sealed interface ListenAddress permits ListenAddress.Tcp, ListenAddress.Unix {

    /** A short name for {@code LISTEN_FDNAMES} when the user gave none. */
    String defaultName();

    /**
     * @param host null for every local address (dual-stack where IPv6 is available)
     * @param port 0 asks the kernel for a free port
     */
    record Tcp(String host, int port) implements ListenAddress {
        @Override
        public String defaultName() {
            return "tcp-" + port;
        }

        @Override
        public String toString() {
            if (host == null) {
                return ":" + port;
            }
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        // Written out, here and in Unix, with the meaning the record's own would have: the duplicate --listen
        // check hashes addresses, and a record's generated equals/hashCode spin method-handle classes, which
        // the interpreted, CDS-less daemon keeps resident (0.35 MiB, bench/RESULTS.md).
        @Override
        public boolean equals(Object other) {
            return other instanceof Tcp tcp && port == tcp.port && Objects.equals(host, tcp.host);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(host) + port;
        }
    }

    /** Unix stream socket; {@link #MAX_PATH_BYTES} is the kernel's {@code sun_path} limit. */
    record Unix(Path path) implements ListenAddress {
        public static final int MAX_PATH_BYTES = 107;

        @Override
        public String defaultName() {
            return "unix-" + path.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Unix unix && path.equals(unix.path);
        }

        @Override
        public int hashCode() {
            return path.hashCode();
        }
    }

    /** Parses {@code :8080}, {@code 127.0.0.1:8080}, {@code [::1]:8080} or {@code unix:/run/app.sock}. */
    static ListenAddress parse(String text) {
        return AddressParser.parse(text);
    }
}
