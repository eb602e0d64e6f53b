package dev.endlessd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.spawn.ExitStatus;
import dev.endlessd.spawn.Signals;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever the supervisor's collaborators throw, each event ends in a state the table knows: the
 * attempt that could not be started fails cleanly and says why, the old worker keeps serving,
 * later reloads and crash restarts still happen, and nothing is left half-registered. The failures
 * are the ones found in 0.1.0: out of descriptors for the notify socket (Netty throws an unchecked
 * ChannelException), no thread for the reaper (an Error), a timer the event loop will not take, a
 * control client whose answer throws, a service manager notifier that throws.
 */
class SupervisorFailuresTest {
    private static final SupervisorSettings SETTINGS = Drive.SETTINGS;
    private static final RuntimeException OUT_OF_DESCRIPTORS = new IllegalStateException(
            "newSocketDomainDgram(..) failed: Too many open files");
    private static final Error NO_THREAD = new OutOfMemoryError(
            "unable to create native thread: possibly out of memory or process/resource limits reached");

    private final ManualTimers timers = new ManualTimers();
    private final FakeStarter starter = new FakeStarter();
    private final List<Integer> exitCodes = new ArrayList<>();
    private final List<String> phases = new ArrayList<>();
    private RuntimeException listenerFailure;
    private final Supervisor supervisor = Drive.supervisor(SETTINGS, starter, timers, exitCodes::add, (phase, status) -> {
                phases.add(phase.label());
                if (listenerFailure != null) {
                    throw listenerFailure;
                }
            });

    static Stream<Throwable> failuresToStart() {
        return Stream.of(OUT_OF_DESCRIPTORS, NO_THREAD);
    }

    @ParameterizedTest
    @MethodSource("failuresToStart")
    void anUncheckedFailureToStartFailsTheReloadAndTheOldWorkerKeepsServing(Throwable failure) {
        Worker old = serving();
        starter.failNextStart = failure;
        List<ReloadOutcome> outcomes = new ArrayList<>();

        supervisor.reload("test", outcomes::add);

        assertEquals(List.of(new ReloadOutcome.Failed(2, "cannot start worker: " + failure)), outcomes);
        assertEquals(Phase.SERVING, supervisor.phase());
        assertEquals(WorkerState.READY, old.state());
        assertEquals(List.of(), starter.signalsTo(old));
        assertEquals(1, supervisor.snapshot().workers().size(), "no half-registered worker");
        assertReloadsAndRestartsStillWork(old);
    }

    @Test
    void aQueuedReloadWhoseStartFailsIsAnsweredAndTheOldWorkerKeepsServing() {
        Worker old = serving();
        supervisor.reload("first", outcome -> { });
        Worker silent = starter.last();
        List<ReloadOutcome> queued = new ArrayList<>();
        supervisor.reload("second", queued::add);
        supervisor.reload("third", queued::add);
        starter.failNextStart = OUT_OF_DESCRIPTORS;

        supervisor.exited(silent, ExitStatus.exited(1));

        ReloadOutcome.Failed failed = new ReloadOutcome.Failed(3, "cannot start worker: " + OUT_OF_DESCRIPTORS);
        assertEquals(List.of(failed, failed), queued);
        assertEquals(Phase.SERVING, supervisor.phase());
        assertReloadsAndRestartsStillWork(old);
    }

    @Test
    void aRestartThatCannotBeStartedBacksOffAndTriesAgain() {
        Worker first = serving();
        supervisor.exited(first, ExitStatus.exited(1));
        starter.failNextStart = NO_THREAD;

        timers.advance(Duration.ofMillis(100));

        assertEquals(Phase.BACKING_OFF, supervisor.phase());
        timers.advance(Duration.ofMillis(200));
        assertEquals(Phase.RESTARTING, supervisor.phase());
        ready(starter.last());
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    @Test
    void aFirstWorkerThatCannotBeStartedEndsTheDaemonWithExit1() {
        starter.failNextStart = OUT_OF_DESCRIPTORS;

        supervisor.start();

        assertEquals(Phase.STOPPED, supervisor.phase());
        assertEquals(List.of(1), exitCodes);
    }

    @Test
    void aReadyTimeoutTheLoopWillNotTakeKillsTheNewWorkerAndFailsTheReload() {
        Worker old = serving();
        timers.refuseNext = 1;
        List<ReloadOutcome> outcomes = new ArrayList<>();

        supervisor.reload("test", outcomes::add);

        Worker untimed = starter.last();
        assertEquals(List.of(new ReloadOutcome.Failed(2, "cannot arm its ready timeout; killed")), outcomes);
        assertEquals(List.of(Signals.SIGKILL), starter.signalsTo(untimed));
        assertTrue(starter.groupSignals.contains(untimed.pid()), "SIGKILL to its whole group");
        assertEquals(Phase.SERVING, supervisor.phase());

        supervisor.exited(untimed, Drive.killedBy(Signals.SIGKILL));
        assertEquals(Phase.SERVING, supervisor.phase());
        assertEquals(List.of(old), servingWorkers());
        assertTrue(starter.released.contains(untimed));
        assertReloadsAndRestartsStillWork(old);
    }

    @Test
    void aDrainTimeoutTheLoopWillNotTakeKillsTheOldWorkerAtOnce() {
        Worker old = serving();
        supervisor.reload("test", outcome -> { });
        timers.refuseNext = 1;

        ready(starter.last());

        assertEquals(List.of(Signals.SIGTERM, Signals.SIGKILL), starter.signalsTo(old));
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    @Test
    void aRestartTimerTheLoopWillNotTakeLeavesAReloadPossible() {
        Worker first = serving();
        timers.refuseNext = 1;
        supervisor.exited(first, ExitStatus.exited(1));
        assertEquals(Phase.BACKING_OFF, supervisor.phase());

        List<ReloadOutcome> outcomes = new ArrayList<>();
        supervisor.reload("test", outcomes::add);
        ready(starter.last());

        assertInstanceOf(ReloadOutcome.Succeeded.class, outcomes.get(0));
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    @Test
    void aWaiterThatThrowsDoesNotKeepTheOthersOrTheQueuedReloadWaiting() {
        serving();
        List<ReloadOutcome> told = new ArrayList<>();
        Consumer<ReloadOutcome> throwing = outcome -> {
            throw new IllegalStateException("the client's channel is gone");
        };
        supervisor.reload("throws", throwing);
        supervisor.reload("queued", told::add);
        supervisor.reload("queued too", throwing);
        supervisor.reload("queued three", told::add);

        ready(starter.last());
        assertEquals(Phase.RELOADING, supervisor.phase(), "the queued reload runs although a waiter threw");
        ready(starter.last());

        assertEquals(2, told.size());
        told.forEach(outcome -> assertInstanceOf(ReloadOutcome.Succeeded.class, outcome));
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    @Test
    void aWaiterThatThrowsOnAFailureDoesNotStopTheNextAttempt() {
        Worker old = serving();
        supervisor.reload("throws", outcome -> {
            throw new IllegalStateException("the client's channel is gone");
        });
        List<ReloadOutcome> queued = new ArrayList<>();
        supervisor.reload("queued", queued::add);

        supervisor.exited(starter.last(), ExitStatus.exited(3));

        assertEquals(Phase.RELOADING, supervisor.phase());
        ready(starter.last());
        assertInstanceOf(ReloadOutcome.Succeeded.class, queued.get(0));
        assertEquals(WorkerState.DRAINING, old.state());
    }

    @Test
    void aPhaseListenerThatThrowsChangesNothingInTheDecisions() {
        listenerFailure = new IllegalStateException("the service manager's socket is gone");
        Worker first = serving();
        List<ReloadOutcome> outcomes = new ArrayList<>();

        supervisor.reload("test", outcomes::add);
        ready(starter.last());

        assertInstanceOf(ReloadOutcome.Succeeded.class, outcomes.get(0));
        assertEquals(WorkerState.DRAINING, first.state());
        assertEquals(List.of("launching", "serving", "reloading", "serving"), phases);
    }

    @Test
    void aWorkerThatCannotBeGivenItsPriorityBackStillServes() {
        serving();
        starter.failReady = new IllegalStateException("setpriority: no such process");
        List<ReloadOutcome> outcomes = new ArrayList<>();

        supervisor.reload("test", outcomes::add);
        ready(starter.last());

        assertInstanceOf(ReloadOutcome.Succeeded.class, outcomes.get(0));
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    @Test
    void anExitWhoseStatusIsUnknownStillRestartsTheServingWorker() {
        Worker first = serving();

        supervisor.exited(first, ExitStatus.unknown());
        timers.advance(Duration.ofMillis(100));

        assertEquals(Phase.RESTARTING, supervisor.phase());
        assertEquals(2, starter.started.size());
    }

    @Test
    void theExitOfAWorkerThatIsNotOursIsIgnoredAndSignalsNobody() {
        serving();
        Worker stranger = new Worker(99, 0);

        supervisor.exited(stranger, ExitStatus.exited(0));

        assertEquals(Phase.SERVING, supervisor.phase());
        assertEquals(List.of(), starter.signals);
    }

    /** A reload succeeds after the failure, and a crash of the worker it made is restarted. */
    private void assertReloadsAndRestartsStillWork(Worker old) {
        List<ReloadOutcome> outcomes = new ArrayList<>();
        supervisor.reload("after the failure", outcomes::add);
        Worker fresh = starter.last();
        ready(fresh);
        assertInstanceOf(ReloadOutcome.Succeeded.class, outcomes.get(0));
        assertEquals(WorkerState.DRAINING, old.state());

        supervisor.exited(fresh, ExitStatus.exited(4));
        assertEquals(Phase.BACKING_OFF, supervisor.phase());
        timers.advance(SETTINGS.restartBackoffMax());
        assertEquals(Phase.RESTARTING, supervisor.phase());
        ready(starter.last());
        assertEquals(Phase.SERVING, supervisor.phase());
    }

    private Worker serving() {
        return Drive.serving(supervisor, starter);
    }

    private void ready(Worker worker) {
        Drive.ready(supervisor, worker);
    }

    private List<Worker> servingWorkers() {
        return starter.started.stream().filter(worker -> worker.state() == WorkerState.READY).toList();
    }
}
