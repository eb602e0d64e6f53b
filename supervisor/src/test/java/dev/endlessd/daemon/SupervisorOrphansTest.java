package dev.endlessd.daemon;

import static dev.endlessd.daemon.Drive.killedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.spawn.ExitStatus;
import dev.endlessd.spawn.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the supervisor asks of the processes workers leave behind, and how they weigh on a stop and
 * its exit code: orphans of a generation are swept once it no longer serves, a stop waits for them,
 * and a stop that had to kill anything exits 1.
 */
class SupervisorOrphansTest {
    private final ManualTimers timers = new ManualTimers();
    private final FakeStarter starter = new FakeStarter();
    private final List<Integer> exitCodes = new ArrayList<>();
    private final List<LongPredicate> sweeps = new ArrayList<>();
    private OrphanSweeper.Result answer = new OrphanSweeper.Result(0, 0);
    private Supervisor supervisor;

    @BeforeEach
    void startSupervisor() {
        supervisor = Drive.supervisor(Drive.SETTINGS, starter, timers, exitCodes::add, (phase, status) -> { });
        supervisor.orphans(serving -> {
            sweeps.add(serving);
            return answer;
        });
    }

    @Test
    void aReloadSweepsTheOrphansOfTheGenerationItReplacedAndSparesTheServingOne() {
        Drive.serving(supervisor, starter);
        supervisor.reload("test", outcome -> { });
        Drive.ready(supervisor, starter.last());

        LongPredicate serving = sweeps.get(sweeps.size() - 1);
        assertFalse(serving.test(1), "gen=1 drains: its orphans go");
        assertTrue(serving.test(2), "gen=2 serves: its orphans stay");
    }

    @Test
    void aStopWaitsForTheOrphansAndExitsZeroWhenTheyLeftOnSigterm() {
        Worker first = Drive.serving(supervisor, starter);
        answer = new OrphanSweeper.Result(1, 0);
        supervisor.stop("SIGTERM");
        supervisor.exited(first, ExitStatus.exited(0));
        timers.advance(Duration.ofMillis(200));
        assertEquals(List.of(), exitCodes, "an orphan of gen=1 still runs");

        answer = new OrphanSweeper.Result(0, 0);
        timers.advance(Duration.ofMillis(200));

        assertEquals(List.of(0), exitCodes);
        assertFalse(sweeps.get(sweeps.size() - 1).test(1));
    }

    @Test
    void aStopThatHadToKillAnOrphanExitsOne() {
        Worker first = Drive.serving(supervisor, starter);
        answer = new OrphanSweeper.Result(1, 0);
        supervisor.stop("SIGTERM");
        supervisor.exited(first, ExitStatus.exited(0));

        answer = new OrphanSweeper.Result(0, 1);
        timers.advance(Duration.ofMillis(200));

        assertEquals(List.of(1), exitCodes);
    }

    @Test
    void anOrphanKilledOnAReloadDoesNotMakeALaterCleanStopFail() {
        Drive.serving(supervisor, starter);
        answer = new OrphanSweeper.Result(0, 1);
        supervisor.reload("test", outcome -> { });
        Worker second = starter.last();
        Drive.ready(supervisor, second);
        answer = new OrphanSweeper.Result(0, 0);
        supervisor.exited(starter.started.get(0), ExitStatus.exited(0));

        supervisor.stop("SIGTERM");
        supervisor.exited(second, ExitStatus.exited(0));

        assertEquals(List.of(0), exitCodes);
    }

    @Test
    void aStopThatHadToKillAWorkerExitsOne() {
        Worker stubborn = Drive.serving(supervisor, starter);
        supervisor.stop("SIGTERM");
        timers.advance(Drive.SETTINGS.drainTimeout());
        assertEquals(List.of(Signals.SIGTERM, Signals.SIGKILL), starter.signalsTo(stubborn));

        supervisor.exited(stubborn, killedBy(Signals.SIGKILL));

        assertEquals(List.of(1), exitCodes);
    }

    @Test
    void aSecondSigintExitsOne() {
        Worker first = Drive.serving(supervisor, starter);
        supervisor.stop("SIGINT");
        supervisor.kill("second SIGINT");

        supervisor.exited(first, killedBy(Signals.SIGKILL));

        assertEquals(List.of(1), exitCodes);
    }
}
