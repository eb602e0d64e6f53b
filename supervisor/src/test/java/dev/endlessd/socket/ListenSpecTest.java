package dev.endlessd.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListenSpecTest {

    @Test
    void portAloneListensOnEveryAddress() {
        assertEquals(new ListenSpec("tcp-8080", new ListenAddress.Tcp(null, 8080)), ListenSpec.parse(":8080"));
        assertEquals(new ListenAddress.Tcp(null, 8080), ListenSpec.parse("*:8080").address());
    }

    @Test
    void hostAndPort() {
        assertEquals(new ListenAddress.Tcp("127.0.0.1", 8080), ListenSpec.parse("127.0.0.1:8080").address());
        assertEquals(new ListenAddress.Tcp("localhost", 0), ListenSpec.parse("localhost:0").address());
    }

    @Test
    void ipv6InBrackets() {
        assertEquals(new ListenAddress.Tcp("::1", 8443), ListenSpec.parse("[::1]:8443").address());
        assertEquals("[::1]:8443", ListenSpec.parse("[::1]:8443").address().toString());
    }

    @Test
    void unixSocketPathIsMadeAbsolute() {
        ListenSpec spec = ListenSpec.parse("unix:/run/app/app.sock");
        assertEquals(new ListenAddress.Unix(Path.of("/run/app/app.sock")), spec.address());
        assertEquals("unix-app.sock", spec.name());
        assertEquals(Path.of("rel.sock").toAbsolutePath(), ((ListenAddress.Unix) ListenSpec.parse("unix:rel.sock").address()).path());
    }

    @Test
    void aNameGoesToLISTEN_FDNAMES() {
        assertEquals(new ListenSpec("web", new ListenAddress.Tcp(null, 80)), ListenSpec.parse("web=:80"));
        assertEquals(new ListenSpec("admin", new ListenAddress.Unix(Path.of("/run/a.sock"))),
                ListenSpec.parse("admin=unix:/run/a.sock"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:http       | listen: 127.0.0.1:http (port \"http\" is not a number; expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH)",
        ":70000               | listen: :70000 (port 70000 is out of range 0-65535; expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH)",
        "localhost            | listen: localhost (no port: write localhost:PORT; expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH)",
        "[::1]                | listen: [::1] (no port: write [::1]:PORT; expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH)",
        "8080                 | listen: 8080 (a port without an address: write :8080 for every address, or 127.0.0.1:8080 for this machine only; expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH)",
        "::1:80               | listen: ::1:80 (an IPv6 address needs brackets, e.g. [::1]:8080; expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH)",
        "tcp://0.0.0.0:80     | listen: tcp://0.0.0.0:80 (unknown scheme \"tcp\"; expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH)",
        "unix:                | listen: unix: (empty path; expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH)",
        "unix:@abstract       | listen: unix:@abstract (abstract sockets are reachable by every local user; use a path in a private directory; expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH)",
    })
    void malformedAddressesAreRefusedWithTheFormsAccepted(String text, String message) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ListenSpec.parse(text));
        assertEquals(message, error.getMessage());
    }

    @Test
    void unixPathsLongerThanTheKernelAllowsAreRefused() {
        String tooLong = "unix:/" + "a".repeat(110);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ListenSpec.parse(tooLong));
        assertEquals(true, error.getMessage().contains("longer than 107 bytes"), error.getMessage());
    }
}
