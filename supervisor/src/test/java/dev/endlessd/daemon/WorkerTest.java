package dev.endlessd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerTest {
    private final Worker worker = new Worker(7, 1_000);

    @Test
    void walksTheLifecycleInOrder() {
        worker.spawned(4242);
        worker.markReady(5_000);
        worker.markDraining(9_000);
        worker.markExited();

        assertEquals(WorkerState.EXITED, worker.state());
        assertEquals(Duration.ofNanos(4_000), worker.timeToReady());
        assertFalse(worker.alive());
        assertEquals("gen=7 pid=4242", worker.toString());
    }

    @Test
    void aWorkerThatNeverGotReadyMayBeToldToDrain() {
        worker.markDraining(2_000);
        assertEquals(WorkerState.DRAINING, worker.state());
    }

    @Test
    void transitionsDoNotGoBackwards() {
        worker.markReady(2_000);
        assertThrows(IllegalStateException.class, () -> worker.markReady(3_000));
        worker.markDraining(3_000);
        assertThrows(IllegalStateException.class, () -> worker.markReady(4_000));
        worker.markExited();
        assertThrows(IllegalStateException.class, () -> worker.markExited());
        assertThrows(IllegalStateException.class, () -> worker.markDraining(5_000));
    }

    @Test
    void cancelsItsTimersWhenItLeavesTheirState() {
        boolean[] cancelled = new boolean[2];
        worker.readyTimer(() -> cancelled[0] = true);
        worker.markReady(2_000);
        worker.markDraining(3_000);
        worker.drainTimer(() -> cancelled[1] = true);
        worker.markExited();
        assertEquals("[true, true]", java.util.Arrays.toString(cancelled));
    }
}
