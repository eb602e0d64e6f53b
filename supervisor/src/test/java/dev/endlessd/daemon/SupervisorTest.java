package dev.endlessd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.notify.NotifyMessage;
import dev.endlessd.spawn.ExitStatus;
import dev.endlessd.spawn.Signals;
import dev.endlessd.spawn.SpawnException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's decisions, driven by feeding it events with a fake process table and a
 * manual clock: no process is started and nothing sleeps.
 */
class SupervisorTest {
    private final ManualTimers timers = new ManualTimers();
    private final FakeStarter starter = new FakeStarter();
    private final List<Integer> exitCodes = new ArrayList<>();
    private Supervisor supervisor;

    @BeforeEach
    void startSupervisor() {
        supervisor = supervisorWith(Drive.SETTINGS);
    }

    private final List<String> phases = new ArrayList<>();

    private Supervisor supervisorWith(SupervisorSettings settings) {
        return Drive.supervisor(settings, starter, timers, exitCodes::add,
                (phase, status) -> phases.add(phase.label() + ": " + status));
    }

    @Test
    void firstWorkerServesOnceItSendsReady() {
        supervisor.start();
        Worker first = starter.last();
        assertEquals(WorkerState.STARTING, first.state());
        assertEquals(Phase.LAUNCHING, supervisor.phase());

        ready(first);

        assertEquals(WorkerState.READY, first.state());
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    @Test
    void reloadStartsTheNewWorkerBesideTheOldAndDrainsTheOldOnlyOnceTheNewIsReady() {
        Worker old = serving();
        List<ReloadOutcome> outcomes = new ArrayList<>();

        supervisor.reload("test", outcomes::add);
        Worker fresh = starter.last();
        timers.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), starter.signalsTo(old), "old worker must not be touched before the new one is ready");
        assertEquals(List.of(), outcomes);

        ready(fresh);

        assertEquals(List.of(old, fresh), starter.promoted, "each gets its CPU priority back once ready");
        assertEquals(List.of(Signals.SIGTERM), starter.signalsTo(old));
        assertEquals(WorkerState.DRAINING, old.state());
        assertEquals(List.of(new ReloadOutcome.Succeeded(fresh.generation(), fresh.pid(), Duration.ofSeconds(5))), outcomes);
    }

    @Test
    void reloadFailsWhenTheNewWorkerExitsBeforeReadyAndTheOldOneKeepsServing() {
        Worker old = serving();
        List<ReloadOutcome> outcomes = new ArrayList<>();

        supervisor.reload("test", outcomes::add);
        Worker broken = starter.last();
        supervisor.exited(broken, ExitStatus.exited(3));

        ReloadOutcome.Failed failed = assertInstanceOf(ReloadOutcome.Failed.class, outcomes.get(0));
        assertEquals("worker exited with exit status 3 before it was ready", failed.reason());
        assertEquals(List.of(), starter.signalsTo(old));
        assertEquals(WorkerState.READY, old.state());
        assertEquals(Phase.SERVING, supervisor.phase());
        assertTrue(starter.released.contains(broken));
    }

    @Test
    void reloadFailsAtTheReadyTimeoutAndTheSilentWorkerIsToldToStop() {
        Worker old = serving();
        List<ReloadOutcome> outcomes = new ArrayList<>();

        supervisor.reload("test", outcomes::add);
        Worker silent = starter.last();
        timers.advance(Duration.ofSeconds(59));
        assertEquals(List.of(), outcomes);
        timers.advance(Duration.ofSeconds(1));

        ReloadOutcome.Failed failed = assertInstanceOf(ReloadOutcome.Failed.class, outcomes.get(0));
        assertEquals("worker not ready within 1m (--ready-timeout)", failed.reason());
        assertEquals(List.of(Signals.SIGTERM), starter.signalsTo(silent));
        assertEquals(List.of(), starter.signalsTo(old));

        ready(silent);
        assertEquals(WorkerState.DRAINING, silent.state(), "a READY after the deadline changes nothing");
        assertEquals(WorkerState.READY, old.state());
    }

    @Test
    void reloadsDuringAReloadAreServedByOneFollowUpThatRunsTheNewestCommand() {
        serving();
        List<ReloadOutcome> first = new ArrayList<>();
        List<ReloadOutcome> queued = new ArrayList<>();

        supervisor.reload("a", first::add);
        Worker second = starter.last();
        supervisor.reload("b", queued::add);
        supervisor.reload("c", queued::add);
        assertEquals(2, starter.started.size(), "no second spawn while one is starting");

        ready(second);
        assertInstanceOf(ReloadOutcome.Succeeded.class, first.get(0));
        assertEquals(List.of(), queued);
        assertEquals(3, starter.started.size(), "the queued reloads run as one follow-up");

        Worker third = starter.last();
        ready(third);
        ReloadOutcome expected = new ReloadOutcome.Succeeded(third.generation(), third.pid(), Duration.ZERO);
        assertEquals(List.of(expected, expected), queued);
        assertEquals(3, starter.started.size());
        assertEquals(List.of(Signals.SIGTERM), starter.signalsTo(second));
    }

    @Test
    void aFailedReloadStillRunsTheReloadQueuedBehindIt() {
        serving();
        List<ReloadOutcome> queued = new ArrayList<>();
        supervisor.reload("a", outcome -> { });
        Worker broken = starter.last();
        supervisor.reload("b", queued::add);

        supervisor.exited(broken, ExitStatus.exited(1));

        assertEquals(3, starter.started.size());
        ready(starter.last());
        assertInstanceOf(ReloadOutcome.Succeeded.class, queued.get(0));
    }

    @Test
    void aWorkerThatIgnoresSigtermIsKilledWithItsProcessGroupAfterTheDrainTimeout() {
        Worker old = serving();
        supervisor.reload("test", outcome -> { });
        ready(starter.last());

        timers.advance(Duration.ofSeconds(29));
        assertEquals(List.of(Signals.SIGTERM), starter.signalsTo(old));
        timers.advance(Duration.ofSeconds(1));

        assertEquals(List.of(Signals.SIGTERM, Signals.SIGKILL), starter.signalsTo(old));
        assertTrue(starter.groupSignals.contains(old.pid()), "SIGKILL goes to the whole process group");
    }

    @Test
    void aWorkerThatDrainsInTimeIsNotKilled() {
        Worker old = serving();
        supervisor.reload("test", outcome -> { });
        ready(starter.last());
        supervisor.exited(old, ExitStatus.exited(0));

        timers.advance(Duration.ofMinutes(1));

        assertEquals(List.of(Signals.SIGTERM), starter.signalsTo(old));
    }

    @Test
    void aCrashedWorkerIsRestartedAfterABackoffThatDoublesWhileItKeepsCrashing() {
        Worker first = serving();
        supervisor.exited(first, killedBy(11));
        assertEquals(Phase.BACKING_OFF, supervisor.phase());
        assertEquals(1, starter.started.size(), "no restart before the backoff delay");

        timers.advance(Duration.ofMillis(100));
        assertEquals(2, starter.started.size());
        Worker second = starter.last();
        ready(second);
        assertEquals(Phase.SERVING, supervisor.phase());

        supervisor.exited(second, ExitStatus.exited(1));
        timers.advance(Duration.ofMillis(199));
        assertEquals(2, starter.started.size());
        timers.advance(Duration.ofMillis(1));
        assertEquals(3, starter.started.size());
    }

    @Test
    void aRestartThatFailsBeforeReadyBacksOffAgain() {
        Worker first = serving();
        supervisor.exited(first, ExitStatus.exited(1));
        timers.advance(Duration.ofMillis(100));
        supervisor.exited(starter.last(), ExitStatus.exited(1));

        assertEquals(Phase.BACKING_OFF, supervisor.phase());
        timers.advance(Duration.ofMillis(199));
        assertEquals(2, starter.started.size());
        timers.advance(Duration.ofMillis(1));
        assertEquals(3, starter.started.size());
    }

    @Test
    void aWorkerThatStayedUpLongEnoughIsRestartedWithoutTheEarlierBackoff() {
        Worker first = serving();
        supervisor.exited(first, ExitStatus.exited(1));
        timers.advance(Duration.ofMillis(100));
        Worker second = starter.last();
        ready(second);
        timers.advance(Duration.ofSeconds(30));

        supervisor.exited(second, ExitStatus.exited(1));
        timers.advance(Duration.ofMillis(100));

        assertEquals(3, starter.started.size());
    }

    @Test
    void aReloadDuringTheRestartBackoffStartsAWorkerAtOnce() {
        Worker first = serving();
        supervisor.exited(first, ExitStatus.exited(1));
        supervisor.exited(starter.last(), ExitStatus.exited(1));

        supervisor.reload("test", outcome -> { });

        assertEquals(2, starter.started.size());
        assertEquals(Phase.RELOADING, supervisor.phase());
        timers.advance(Duration.ofSeconds(1));
        assertEquals(2, starter.started.size(), "the cancelled restart timer must not spawn as well");
    }

    @Test
    void whenTheFirstWorkerNeverGetsReadyTheDaemonStopsWithExitCode1() {
        supervisor.start();
        Worker first = starter.last();

        supervisor.exited(first, ExitStatus.exited(127));

        assertEquals(Phase.STOPPED, supervisor.phase());
        assertEquals(List.of(1), exitCodes);
    }

    @Test
    void whenTheFirstWorkerTimesOutTheDaemonStopsOnceItHasExited() {
        supervisor.start();
        Worker first = starter.last();
        timers.advance(Duration.ofSeconds(60));
        assertEquals(Phase.STOPPING, supervisor.phase());
        assertEquals(List.of(), exitCodes);

        supervisor.exited(first, killedBy(Signals.SIGTERM));

        assertEquals(List.of(1), exitCodes);
    }

    @Test
    void stopDrainsEveryWorkerFailsPendingReloadsAndExitsZeroWhenTheLastIsGone() {
        Worker old = serving();
        List<ReloadOutcome> outcomes = new ArrayList<>();
        supervisor.reload("test", outcomes::add);
        Worker starting = starter.last();

        supervisor.stop("SIGTERM");

        assertEquals(List.of(Signals.SIGTERM), starter.signalsTo(old));
        assertEquals(List.of(Signals.SIGTERM), starter.signalsTo(starting));
        assertEquals(List.of(new ReloadOutcome.Failed(starting.generation(), "endlessd is stopping")), outcomes);
        supervisor.exited(old, ExitStatus.exited(0));
        assertEquals(List.of(), exitCodes);
        supervisor.exited(starting, ExitStatus.exited(0));
        assertEquals(List.of(0), exitCodes);
    }

    @Test
    void noRestartAfterStop() {
        Worker first = serving();
        supervisor.stop("SIGTERM");
        supervisor.exited(first, ExitStatus.exited(0));
        timers.advance(Duration.ofMinutes(1));
        assertEquals(1, starter.started.size());
        assertEquals(Phase.STOPPED, supervisor.phase());
    }

    @Test
    void processesAWorkerLeftInItsGroupGetSigtermThenSigkillAndStopWaitsForThem() {
        Worker shell = serving();
        starter.liveGroups.add(shell.pid());
        supervisor.stop("SIGTERM");

        supervisor.exited(shell, killedBy(Signals.SIGTERM));

        assertEquals(List.of(Signals.SIGTERM, Signals.SIGTERM), starter.signalsTo(shell), "the worker, then its group");
        assertEquals(List.of(), exitCodes, "endlessd waits for the leftovers");
        timers.advance(Duration.ofSeconds(30));
        assertEquals(List.of(Signals.SIGTERM, Signals.SIGTERM, Signals.SIGKILL), starter.signalsTo(shell));
        starter.liveGroups.clear();
        timers.advance(Duration.ofMillis(200));
        assertEquals(List.of(0), exitCodes);
    }

    @Test
    void leftoversThatLeaveOnSigtermAreNotKilled() {
        Worker shell = serving();
        supervisor.reload("test", outcome -> { });
        ready(starter.last());
        starter.liveGroups.add(shell.pid());
        supervisor.exited(shell, killedBy(Signals.SIGTERM));
        starter.liveGroups.clear();

        timers.advance(Duration.ofMinutes(1));

        assertEquals(List.of(Signals.SIGTERM, Signals.SIGTERM), starter.signalsTo(shell));
    }

    @Test
    void killSendsSigkillToEveryProcessGroupAtOnce() {
        Worker old = serving();
        supervisor.stop("SIGINT");
        supervisor.kill("second SIGINT");
        assertEquals(List.of(Signals.SIGTERM, Signals.SIGKILL), starter.signalsTo(old));
        assertTrue(starter.groupSignals.contains(old.pid()));
    }

    @Test
    void aStopBeforeTheFirstWorkerStartsEndsItAllCleanly() {
        supervisor.stop("SIGTERM");
        supervisor.start();
        assertEquals(List.of(0), exitCodes);
        assertEquals(List.of(), starter.started);
    }

    @Test
    void reloadWhileStoppingIsRefused() {
        serving();
        supervisor.stop("SIGTERM");
        List<ReloadOutcome> outcomes = new ArrayList<>();
        supervisor.reload("test", outcomes::add);
        assertEquals(List.of(new ReloadOutcome.Failed(0, "endlessd is stopping, not reloading")), outcomes);
    }

    @Test
    void readyAfterFallbackTrustsAWorkerThatStaysAlive() {
        supervisor = supervisorWith(new SupervisorSettings(Duration.ofSeconds(60), Optional.of(Duration.ofSeconds(2)),
                Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ZERO));
        supervisor.start();
        timers.advance(Duration.ofMillis(1999));
        assertEquals(WorkerState.STARTING, starter.last().state());
        timers.advance(Duration.ofMillis(1));
        assertEquals(WorkerState.READY, starter.last().state());
    }

    @Test
    void extendTimeoutMovesTheReadyDeadline() {
        supervisor.start();
        Worker slow = starter.last();
        timers.advance(Duration.ofSeconds(50));
        supervisor.notified(slow, NotifyMessage.parse("EXTEND_TIMEOUT_USEC=30000000"));
        timers.advance(Duration.ofSeconds(20));
        assertEquals(WorkerState.STARTING, slow.state());
        timers.advance(Duration.ofSeconds(10));
        assertEquals(WorkerState.DRAINING, slow.state());
    }

    /** sd_notify(3): EXTEND_TIMEOUT_USEC extends; one shorter than what is left changes nothing. */
    @Test
    void anExtensionShorterThanWhatIsLeftNeverShortensTheReadyTimeout() {
        supervisor.start();
        Worker slow = starter.last();
        supervisor.notified(slow, NotifyMessage.parse("EXTEND_TIMEOUT_USEC=2000000"));
        timers.advance(Duration.ofSeconds(59));
        assertEquals(WorkerState.STARTING, slow.state(), "the 60s ready timeout still runs");
        supervisor.notified(slow, NotifyMessage.parse("EXTEND_TIMEOUT_USEC=500000"));
        timers.advance(Duration.ofMillis(999));
        assertEquals(WorkerState.STARTING, slow.state());
        timers.advance(Duration.ofMillis(1));
        assertEquals(WorkerState.DRAINING, slow.state(), "and ends at 60s, set by --ready-timeout");
    }

    private static final Duration PROBATION = Duration.ofSeconds(3);

    private Supervisor supervisorOnProbation() {
        SupervisorSettings base = Drive.SETTINGS;
        return supervisorWith(new SupervisorSettings(base.readyTimeout(), base.readyAfter(), base.drainTimeout(),
                base.restartBackoff(), base.restartBackoffMax(), base.restartBackoffReset(), PROBATION));
    }

    @Test
    void aReloadedWorkerServesBesideTheOldOneThroughItsProbationAndReplacesItAfter() {
        supervisor = supervisorOnProbation();
        Worker old = serving();
        List<ReloadOutcome> outcomes = new ArrayList<>();
        supervisor.reload("test", outcomes::add);
        Worker fresh = starter.last();
        timers.advance(Duration.ofSeconds(1));
        ready(fresh);

        assertEquals(WorkerState.PROBATION, fresh.state());
        assertEquals(WorkerState.READY, old.state());
        assertEquals(Phase.RELOADING, supervisor.phase());
        assertEquals(List.of(), starter.signalsTo(old));
        assertEquals(List.of(), outcomes, "the reload is not settled before the probation passed");
        assertTrue(starter.promoted.contains(fresh), "it takes connections: its start-up CPU priority is over");
        timers.advance(Duration.ofMillis(1200));
        WorkerSnapshot onProbation = supervisor.snapshot().workers().get(1);
        assertEquals(Duration.ofMillis(1800), onProbation.probationLeft());
        assertEquals(Duration.ZERO, supervisor.snapshot().workers().get(0).probationLeft());

        timers.advance(Duration.ofMillis(1800));

        assertEquals(WorkerState.READY, fresh.state());
        assertEquals(WorkerState.DRAINING, old.state());
        assertEquals(List.of(Signals.SIGTERM), starter.signalsTo(old));
        assertEquals(Phase.SERVING, supervisor.phase());
        assertEquals(List.of(new ReloadOutcome.Succeeded(fresh.generation(), fresh.pid(), Duration.ofSeconds(1))), outcomes);
        assertEquals(Duration.ofSeconds(4), supervisor.snapshot().lastReload().orElseThrow().took());
    }

    /** A supervisor with a probation, whose gen=1 serves and whose gen=2, reloaded for {@code outcomes}, is on it. */
    private Worker onProbation(List<ReloadOutcome> outcomes) {
        supervisor = supervisorOnProbation();
        serving();
        supervisor.reload("test", outcomes::add);
        Worker fresh = starter.last();
        ready(fresh);
        assertEquals(WorkerState.PROBATION, fresh.state());
        return fresh;
    }

    @Test
    void aWorkerThatExitsDuringItsProbationFailsTheReloadKeepsTheOldOneAndIsNotRestarted() {
        List<ReloadOutcome> outcomes = new ArrayList<>();
        Worker bad = onProbation(outcomes);
        Worker old = starter.started.get(0);
        timers.advance(Duration.ofMillis(900));

        supervisor.exited(bad, ExitStatus.exited(4));

        assertEquals(List.of(new ReloadOutcome.Failed(2, "gen=2 pid=" + bad.pid() + " exited with exit status 4 900 ms"
                + " after READY, inside the probation of 3s")), outcomes);
        assertEquals(WorkerState.READY, old.state());
        assertEquals(List.of(), starter.signalsTo(old));
        assertEquals(Phase.SERVING, supervisor.phase());
        timers.advance(Duration.ofMinutes(5));
        assertEquals(2, starter.started.size(), "nothing is started again");
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    @Test
    void theFirstWorkerAndARestartServeAtReadyWithoutProbation() {
        supervisor = supervisorOnProbation();
        Worker first = serving();
        assertEquals(WorkerState.READY, first.state(), "no older generation to protect");

        supervisor.exited(first, ExitStatus.exited(1));
        timers.advance(Drive.SETTINGS.restartBackoff());
        Worker restarted = starter.last();
        ready(restarted);
        assertEquals(WorkerState.READY, restarted.state());
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    @Test
    void aReloadAskedForDuringProbationRunsOnceItHasPassed() {
        List<ReloadOutcome> first = new ArrayList<>();
        List<ReloadOutcome> second = new ArrayList<>();
        Worker probation = onProbation(first);

        supervisor.reload("test", second::add);
        assertEquals(2, starter.started.size(), "queued, not started beside the worker on probation");

        timers.advance(PROBATION);
        assertInstanceOf(ReloadOutcome.Succeeded.class, first.get(0));
        assertEquals(3, starter.started.size());
        assertEquals(Phase.RELOADING, supervisor.phase());
        ready(starter.last());
        timers.advance(PROBATION);
        assertEquals(List.of(new ReloadOutcome.Succeeded(3, starter.last().pid(), Duration.ZERO)), second);
        assertEquals(WorkerState.DRAINING, probation.state());
    }

    @Test
    void theServingWorkerDyingDuringAProbationLeavesTheNewOneToFinishIt() {
        List<ReloadOutcome> outcomes = new ArrayList<>();
        Worker fresh = onProbation(outcomes);
        Worker old = starter.started.get(0);

        supervisor.exited(old, ExitStatus.exited(1));
        assertEquals(Phase.RELOADING, supervisor.phase());
        assertEquals(2, starter.started.size(), "no restart: the worker on probation serves");
        timers.advance(PROBATION);

        assertEquals(WorkerState.READY, fresh.state());
        assertEquals(Phase.SERVING, supervisor.phase());
        assertInstanceOf(ReloadOutcome.Succeeded.class, outcomes.get(0));
    }

    @Test
    void stoppingDuringAProbationDrainsBothAndTellsTheWaiter() {
        List<ReloadOutcome> outcomes = new ArrayList<>();
        Worker fresh = onProbation(outcomes);
        Worker old = starter.started.get(0);

        supervisor.stop("SIGTERM");

        assertEquals(WorkerState.DRAINING, old.state());
        assertEquals(WorkerState.DRAINING, fresh.state());
        assertEquals(List.of(new ReloadOutcome.Failed(2, "endlessd is stopping")), outcomes);
        timers.advance(PROBATION);
        assertEquals(Phase.STOPPING, supervisor.phase(), "the probation timer is gone with it");
    }

    @Test
    void aReloadThatRunsOutOfItsExtensionSaysSoNotTheReadyTimeout() {
        serving();
        List<ReloadOutcome> outcomes = new ArrayList<>();
        supervisor.reload("test", outcomes::add);
        Worker slow = starter.last();
        supervisor.notified(slow, NotifyMessage.parse("EXTEND_TIMEOUT_USEC=90000000"));

        timers.advance(Duration.ofSeconds(90));

        ReloadOutcome.Failed failed = assertInstanceOf(ReloadOutcome.Failed.class, outcomes.get(0));
        assertEquals("worker not ready within 1m30s (EXTEND_TIMEOUT_USEC)", failed.reason());
    }

    @Test
    void statusTextIsKeptForStatusOutput() {
        Worker first = serving();
        supervisor.notified(first, NotifyMessage.parse("STATUS=42 connections"));
        assertEquals("42 connections", supervisor.snapshot().workers().get(0).status());
    }

    @Test
    void aSpawnFailureFailsTheReloadAndKeepsTheOldWorker() {
        Worker old = serving();
        starter.failNextStart = new SpawnException("no more processes");
        List<ReloadOutcome> outcomes = new ArrayList<>();
        supervisor.reload("test", outcomes::add);
        assertEquals(new ReloadOutcome.Failed(2, "cannot start worker: no more processes"), outcomes.get(0));
        assertEquals(WorkerState.READY, old.state());
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    @Test
    void everyPhaseIsToldWithAStatusLine() {
        Worker first = serving();
        supervisor.reload("test", outcome -> { });
        supervisor.exited(starter.last(), ExitStatus.exited(3));
        supervisor.exited(first, killedBy(Signals.SIGKILL));
        timers.advance(Duration.ofMillis(100));
        ready(starter.last());
        supervisor.stop("SIGTERM");
        supervisor.exited(starter.last(), ExitStatus.exited(0));

        assertEquals(List.of(
                "launching: starting gen=1",
                "serving: serving: gen=1 pid=1000",
                "reloading: reloading: starting gen=2",
                "serving: serving: gen=1 pid=1000; reload of gen=2 failed: worker exited with exit status 3 before it was ready",
                "backing-off: no worker serves: restarting in 100 ms",
                "restarting: no worker serves: starting gen=3",
                "serving: serving: gen=3 pid=1002",
                "stopping: stopping: draining 1 worker(s)",
                "stopped: stopped"), phases);
    }

    @Test
    void lastReloadIsRecorded() {
        serving();
        assertEquals("start", supervisor.snapshot().lastReload().orElseThrow().kind());
        supervisor.reload("test", outcome -> { });
        supervisor.exited(starter.last(), ExitStatus.exited(2));
        ReloadRecord last = supervisor.snapshot().lastReload().orElseThrow();
        assertEquals("reload", last.kind());
        assertInstanceOf(ReloadOutcome.Failed.class, last.outcome());
        assertNull(supervisor.snapshot().workers().stream().filter(w -> w.generation() == 2).findAny().orElse(null));
    }

    private static ExitStatus killedBy(int signal) {
        return Drive.killedBy(signal);
    }

    private Worker serving() {
        return Drive.serving(supervisor, starter);
    }

    private void ready(Worker worker) {
        Drive.ready(supervisor, worker);
    }
}
