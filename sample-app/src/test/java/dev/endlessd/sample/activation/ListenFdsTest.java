package dev.endlessd.sample.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListenFdsTest {

    private static final long OWN_PID = 4242;

    @Test
    void noVariablesMeansNoSocketsAndNothingToExplain() {
        ListenFds fds = ListenFds.fromEnvironment(Map.of(), OWN_PID);

        assertTrue(fds.isEmpty());
        assertEquals(Optional.empty(), fds.ignoredBecause());
    }

    @Test
    void socketsAddressedToUsStartAtFd3InOrderWithTheirNames() {
        ListenFds fds = ListenFds.fromEnvironment(
                Map.of("LISTEN_FDS", "3", "LISTEN_PID", "4242", "LISTEN_FDNAMES", "http:admin:sock"), OWN_PID);

        assertEquals(List.of(new ListenFd(3, "http"), new ListenFd(4, "admin"), new ListenFd(5, "sock")),
                fds.sockets());
    }

    @Test
    void socketsWithoutNamesAreCalledUnknownAsSystemdDoes() {
        ListenFds fds = ListenFds.fromEnvironment(Map.of("LISTEN_FDS", "2", "LISTEN_PID", "4242"), OWN_PID);

        assertEquals(List.of(new ListenFd(3, "unknown"), new ListenFd(4, "unknown")), fds.sockets());
    }

    @Test
    void socketsMeantForAnotherProcessAreIgnoredWithTheReason() {
        ListenFds fds = ListenFds.fromEnvironment(
                Map.of("LISTEN_FDS", "1", "LISTEN_PID", "17", "LISTEN_FDNAMES", "http"), OWN_PID);

        assertTrue(fds.isEmpty());
        assertEquals(Optional.of("LISTEN_PID=17 is not this process (pid 4242): the sockets were meant for another"
                + " process"), fds.ignoredBecause());
    }

    @Test
    void socketsWithoutListenPidAreIgnored() {
        ListenFds fds = ListenFds.fromEnvironment(Map.of("LISTEN_FDS", "1"), OWN_PID);

        assertTrue(fds.isEmpty());
        assertTrue(fds.ignoredBecause().orElseThrow().contains("LISTEN_PID is not"));
    }

    @Test
    void zeroSocketsIsValidAndEmpty() {
        assertTrue(ListenFds.fromEnvironment(Map.of("LISTEN_FDS", "0", "LISTEN_PID", "4242"), OWN_PID).isEmpty());
    }

    @Test
    void malformedCountNamesTheVariableAndTheExpectation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ListenFds.fromEnvironment(Map.of("LISTEN_FDS", "two", "LISTEN_PID", "4242"), OWN_PID));

        assertEquals("LISTEN_FDS: 'two' (expected: a count >= 0)", e.getMessage());
    }

    @Test
    void negativeCountIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> ListenFds.fromEnvironment(Map.of("LISTEN_FDS", "-1", "LISTEN_PID", "4242"), OWN_PID));
    }

    @Test
    void malformedPidIsRejectedEvenBeforeComparingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ListenFds.fromEnvironment(Map.of("LISTEN_FDS", "1", "LISTEN_PID", "me"), OWN_PID));

        assertEquals("LISTEN_PID: 'me' (expected: a process id)", e.getMessage());
    }

    @Test
    void oneNamePerSocketIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenFds.fromEnvironment(
                Map.of("LISTEN_FDS", "2", "LISTEN_PID", "4242", "LISTEN_FDNAMES", "http"), OWN_PID));

        assertEquals("LISTEN_FDNAMES: 'http' (expected: 2 colon-separated names, one per socket in LISTEN_FDS)",
                e.getMessage());
    }
}
