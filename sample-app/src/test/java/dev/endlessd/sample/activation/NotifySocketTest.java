package dev.endlessd.sample.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotifySocketTest {

    @Test
    void unsetOrEmptyMeansNobodyListens() {
        assertEquals(Optional.empty(), NotifySocket.fromEnvironment(Map.of()));
        assertEquals(Optional.empty(), NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", "")));
    }

    @Test
    void pathIsUsedAsIs() {
        NotifySocket socket = NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", "/run/endlessd/7.sock"))
                .orElseThrow();

        assertFalse(socket.isAbstract());
        assertEquals("/run/endlessd/7.sock", socket.address().path());
        assertEquals("/run/endlessd/7.sock", socket.toString());
    }

    @Test
    void atSignNamesAnAbstractSocketSpelledWithALeadingNul() {
        NotifySocket socket = NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", "@endlessd/7")).orElseThrow();

        assertTrue(socket.isAbstract());
        assertEquals("\0endlessd/7", socket.address().path());
        assertEquals("@endlessd/7", socket.toString());
    }

    @Test
    void relativePathIsRejectedWithTheExpectation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", "notify.sock")));

        assertEquals("NOTIFY_SOCKET: 'notify.sock' (expected: an absolute socket path or @abstract-name)",
                e.getMessage());
    }

    @Test
    void bareAtSignIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> NotifySocket.fromEnvironment(Map.of("NOTIFY_SOCKET", "@")));
    }
}
