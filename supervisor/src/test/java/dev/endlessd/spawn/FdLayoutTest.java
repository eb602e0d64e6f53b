package dev.endlessd.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.endlessd.os.PosixSpawn.Dup2;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FdLayoutTest {

    /** Runs the dup2 steps on a model fd table and returns what ends up at 3, 4, ... */
    private static List<String> placed(List<Integer> sources, Map<Integer, String> table) {
        FdLayout layout = FdLayout.of(sources);
        Map<Integer, String> fds = new HashMap<>(table);
        for (Dup2 dup : layout.steps()) {
            fds.put(dup.to(), fds.get(dup.from()));
        }
        return java.util.stream.IntStream.range(0, sources.size()).boxed().map(i -> fds.get(dev.endlessd.socket.SystemdSockets.FIRST_FD + i)).toList();
    }

    @Test
    void sourcesAboveTheRangeAreCopiedStraightIntoPlace() {
        FdLayout layout = FdLayout.of(List.of(41, 17));
        assertEquals(List.of(new Dup2(41, 3), new Dup2(17, 4)), layout.steps());
        assertEquals(5, layout.firstUnusedFd());
    }

    @Test
    void sourcesInsideTheRangeAreMovedOutBeforeAnythingIsOverwritten() {
        Map<Integer, String> table = Map.of(4, "web", 3, "admin", 9, "metrics");
        assertEquals(List.of("web", "admin", "metrics"), placed(List.of(4, 3, 9), table));
    }

    @Test
    void socketsAdoptedFromSystemdKeepTheirOrder() {
        Map<Integer, String> table = Map.of(3, "first", 4, "second");
        assertEquals(List.of("first", "second"), placed(List.of(3, 4), table));
    }

    @Test
    void temporariesLieAboveEverySourceSoTheyAreClosedAfterwards() {
        FdLayout layout = FdLayout.of(List.of(3, 40));
        int highestTemporary = layout.steps().stream().mapToInt(Dup2::to).max().orElseThrow();
        assertEquals(41, highestTemporary);
        assertEquals(5, layout.firstUnusedFd());
    }

    @Test
    void noListenersMeansNothingButClosing() {
        FdLayout layout = FdLayout.of(List.of());
        assertEquals(List.of(), layout.steps());
        assertEquals(3, layout.firstUnusedFd());
    }

    @Test
    void negativeFdIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> FdLayout.of(List.of(-1)));
    }

    @Test
    void relayedOutputGoesToOneAndTwo() {
        FdLayout layout = FdLayout.of(List.of(41), OptionalInt.of(50), OptionalInt.of(51));
        assertEquals(List.of(new Dup2(50, 1), new Dup2(51, 2), new Dup2(41, 3)), layout.steps());
        assertEquals(4, layout.firstUnusedFd());
    }

    @Test
    void aSourceSittingAtOneOrTwoIsMovedBeforeTheOutputIsPlaced() {
        // endlessd started with stdout closed: a listener may have been given fd 1
        FdLayout layout = FdLayout.of(List.of(1), OptionalInt.of(7), OptionalInt.empty());
        Map<Integer, String> fds = new HashMap<>(Map.of(1, "listener", 7, "pipe"));
        for (Dup2 dup : layout.steps()) {
            fds.put(dup.to(), fds.get(dup.from()));
        }
        assertEquals("pipe", fds.get(1));
        assertEquals("listener", fds.get(3));
    }
}
