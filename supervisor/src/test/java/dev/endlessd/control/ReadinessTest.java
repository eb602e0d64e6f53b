package dev.endlessd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.endlessd.daemon.Phase;
import dev.endlessd.daemon.SupervisorSnapshot;
import dev.endlessd.daemon.WorkerSnapshot;
import dev.endlessd.daemon.WorkerState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    private static final WorkerSnapshot READY = worker(3, 4242, WorkerState.READY);
    private static final WorkerSnapshot STARTING = worker(4, 4343, WorkerState.STARTING);
    private static final WorkerSnapshot DRAINING = worker(2, 4141, WorkerState.DRAINING);

    private static WorkerSnapshot worker(long generation, int pid, WorkerState state) {
        return new WorkerSnapshot(generation, pid, state, Duration.ofSeconds(1), "", Duration.ZERO);
    }

    private static String describe(Phase phase, WorkerSnapshot... workers) {
        return Readiness.describe(new SupervisorSnapshot(phase, List.of(workers), Optional.empty()));
    }

    @Test
    void aReadyWorkerServes() {
        assertEquals("serving gen=3 pid=4242", describe(Phase.SERVING, DRAINING, READY));
    }

    @Test
    void aReloadStillServesAndNamesTheWorkerThatStarts() {
        assertEquals("reloading gen=3 pid=4242; gen=4 pid=4343 starting",
                describe(Phase.RELOADING, READY, STARTING));
    }

    @Test
    void theFirstWorkerIsStartingBeforeItIsReady() {
        assertEquals("starting gen=1 pid=40 not ready yet",
                describe(Phase.LAUNCHING, worker(1, 40, WorkerState.STARTING)));
        assertEquals("starting", describe(Phase.NEW));
    }

    @Test
    void noWorkerServesWhileACrashedOneIsRestartedOrEndlessdStops() {
        assertEquals("no-worker (endlessd is backing-off)", describe(Phase.BACKING_OFF));
        assertEquals("no-worker (endlessd is restarting)", describe(Phase.RESTARTING, STARTING));
        assertEquals("no-worker (endlessd is reloading)", describe(Phase.RELOADING, STARTING));
        assertEquals("no-worker (endlessd is stopping)", describe(Phase.STOPPING, DRAINING));
    }

    @Test
    void theAnswerIsReadBackByItsFirstWord() throws ControlException {
        assertEquals(Readiness.RELOADING, Readiness.read("reloading gen=3 pid=4242; gen=4 pid=4343 starting"));
        assertEquals(Readiness.NO_WORKER, Readiness.read("no-worker (endlessd is stopping)"));
        ControlException unknown = assertThrows(ControlException.class, () -> Readiness.read("sleeping gen=1"));
        assertEquals(ControlException.Problem.NOT_UNDERSTOOD, unknown.problem());
    }
}
