package dev.endlessd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.endlessd.daemon.Phase;
import dev.endlessd.daemon.ReloadOutcome;
import dev.endlessd.daemon.SupervisorSnapshot;
import dev.endlessd.daemon.WorkerSnapshot;
import dev.endlessd.daemon.WorkerState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestDispatcherTest {
    private static final WorkerSnapshot OLD = new WorkerSnapshot(7, 4141, WorkerState.READY, Duration.ofMinutes(5), "", Duration.ZERO);

    private static SupervisorSnapshot snapshot(Phase phase, WorkerSnapshot... workers) {
        return new SupervisorSnapshot(phase, List.of(workers), Optional.empty());
    }

    @Test
    void successNamesGenerationPidAndTimeToReady() {
        ControlReply reply = RequestDispatcher.reloadReply(
                new ReloadOutcome.Succeeded(8, 4242, Duration.ofMillis(123)), snapshot(Phase.SERVING));
        assertEquals("ok reloaded gen=8 pid=4242 time_to_ready=123ms", reply.line());
    }

    @Test
    void failureGivesTheReasonAndTheWorkerThatKeepsServing() {
        ControlReply reply = RequestDispatcher.reloadReply(
                new ReloadOutcome.Failed(8, "worker exited with exit status 3 before it was ready"),
                snapshot(Phase.SERVING, OLD));
        assertEquals("error failed reload gen=8 failed: worker exited with exit status 3 before it was ready; "
                + "gen=7 pid=4141 keeps serving", reply.line());
    }

    @Test
    void failureWithoutAServingWorkerSaysSo() {
        ControlReply reply = RequestDispatcher.reloadReply(new ReloadOutcome.Failed(3, "worker not ready within 1m"),
                snapshot(Phase.RESTARTING));
        assertEquals("error failed reload gen=3 failed: worker not ready within 1m; no worker is serving, "
                + "endlessd keeps trying", reply.line());
    }

    @Test
    void reloadRefusedWhileStoppingDoesNotClaimAnythingKeepsServing() {
        ControlReply reply = RequestDispatcher.reloadReply(new ReloadOutcome.Failed(0, "endlessd is stopping, not reloading"),
                snapshot(Phase.STOPPING, OLD));
        assertEquals("error failed reload failed: endlessd is stopping, not reloading", reply.line());
    }
}
