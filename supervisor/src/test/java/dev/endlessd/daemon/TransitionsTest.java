package dev.endlessd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.endlessd.notify.NotifyMessage;
import dev.endlessd.spawn.ExitStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks every cell of the table in {@link Transitions}: the supervisor is driven into each phase,
 * given each event through the same door production uses, and must do what the cell says: enter
 * one of its phases first (MOVE), change no phase (STAY), change no phase and answer no (REFUSE),
 * or, for an event that cannot happen there (NEVER), throw before acting.
 */
class TransitionsTest {
    private static final Duration PROBATION = Duration.ofSeconds(3);
    private static final SupervisorSettings SETTINGS = new SupervisorSettings(Drive.SETTINGS.readyTimeout(),
            Drive.SETTINGS.readyAfter(), Drive.SETTINGS.drainTimeout(), Drive.SETTINGS.restartBackoff(),
            Drive.SETTINGS.restartBackoffMax(), Drive.SETTINGS.restartBackoffReset(), PROBATION);

    /**
     * RELOADING is walked twice: with its new worker starting, and with it ready and on probation. An
     * event that cannot arise in one of the two (READY from a worker already on probation; the end of a
     * probation that has not begun) must change nothing there.
     */
    @TestFactory
    Stream<DynamicTest> everyEventInEveryPhaseDoesWhatItsCellSays() {
        Stream<DynamicTest> phases = Arrays.stream(Phase.values()).flatMap(phase -> Arrays.stream(Event.values())
                .map(event -> dynamicTest(phase.label() + " x " + event + ": " + Transitions.rule(phase, event),
                        () -> new Walk(false).check(phase, event))));
        Stream<DynamicTest> probation = Arrays.stream(Event.values())
                .map(event -> dynamicTest("reloading, on probation x " + event + ": "
                        + Transitions.rule(Phase.RELOADING, event), () -> new Walk(true).check(Phase.RELOADING, event)));
        return Stream.concat(phases, probation);
    }

    @Test
    void everyCellIsDecided() {
        for (Phase phase : Phase.values()) {
            for (Event event : Event.values()) {
                Transitions.Rule rule = Transitions.rule(phase, event);
                assertEquals(rule.kind() == Transitions.Rule.Kind.MOVE, !rule.targets().isEmpty(), phase + " x " + event);
            }
        }
    }

    /** One supervisor, driven into one phase, given one event. */
    private static final class Walk {
        final ManualTimers timers = new ManualTimers();
        final FakeStarter starter = new FakeStarter();
        final List<Phase> entered = new ArrayList<>();
        final List<ReloadOutcome> outcomes = new ArrayList<>();
        final Supervisor supervisor = Drive.supervisor(SETTINGS, starter, timers, code -> { },
                (phase, status) -> entered.add(phase));
        final List<String> refusals = new ArrayList<>();
        /** The pre-flight check under way: it ends when the test says so. */
        java.util.function.Consumer<dev.endlessd.upgrade.Preflight.Result> check;
        /** Whether RELOADING is reached with the new worker on probation rather than starting. */
        final boolean onProbation;

        Walk(boolean onProbation) {
            this.onProbation = onProbation;
            supervisor.upgrader(new Upgrader() {
                @Override
                public void check(dev.endlessd.upgrade.Handoff.Supervision state,
                                  java.util.function.Consumer<dev.endlessd.upgrade.Preflight.Result> done) {
                    check = done;
                }

                @Override
                public String exec(dev.endlessd.upgrade.Handoff.Supervision state, List<Integer> upgradeWaiters,
                                   List<Integer> reloadWaiters) {
                    return "no exec in a unit test";
                }
            });
        }

        void check(Phase phase, Event event) {
            reach(phase);
            assertEquals(phase, supervisor.phase(), "reached");
            entered.clear();
            Transitions.Rule rule = Transitions.rule(phase, event);
            if (phase == Phase.RELOADING && event == (onProbation ? Event.CANDIDATE_READY : Event.PROBATION_PASSED)) {
                fire(event);
                assertEquals(List.of(), entered, event + " cannot arise here, and what would look like it changes nothing");
                return;
            }
            switch (rule.kind()) {
                case NEVER -> {
                    assertThrows(IllegalStateException.class,
                            () -> supervisor.handle(event, kind -> fail("acted on an event that cannot happen")));
                    assertEquals(List.of(), entered);
                }
                case REFUSE -> {
                    refused(event);
                    assertEquals(List.of(), entered, "a refusal changes no phase");
                }
                case STAY -> {
                    fire(event);
                    assertEquals(List.of(), entered, "handled without leaving " + phase.label());
                }
                case MOVE -> {
                    fire(event);
                    assertTrue(!entered.isEmpty() && rule.targets().contains(entered.get(0)),
                            "expected a move to one of " + rule.targets() + ", entered " + entered);
                }
            }
            assertTrue(rule.kind() == Transitions.Rule.Kind.MOVE || supervisor.phase() == phase, "still " + phase);
        }

        private void reach(Phase phase) {
            switch (phase) {
                case NEW -> { }
                case LAUNCHING -> supervisor.start();
                case SERVING -> serving();
                case RELOADING -> {
                    serving();
                    supervisor.reload("test", outcomes::add);
                    if (onProbation) {
                        Drive.ready(supervisor, starter.last());
                        assertEquals(WorkerState.PROBATION, starter.last().state());
                    }
                }
                case BACKING_OFF -> backingOff();
                case RESTARTING -> {
                    backingOff();
                    timers.advance(SETTINGS.restartBackoff());
                }
                case UPGRADING -> {
                    serving();
                    supervisor.upgrade("test", refusals::add);
                }
                case STOPPING -> {
                    serving();
                    supervisor.upgrade("test", refusals::add);
                    supervisor.stop("test");
                }
                case STOPPED -> {
                    serving();
                    supervisor.upgrade("test", refusals::add);
                    supervisor.stop("test");
                    supervisor.exited(starter.last(), ExitStatus.exited(0));
                }
            }
        }

        private void serving() {
            Drive.serving(supervisor, starter);
        }

        private void backingOff() {
            serving();
            supervisor.exited(starter.last(), ExitStatus.exited(1));
        }

        private void fire(Event event) {
            switch (event) {
                case START -> supervisor.start();
                case RELOAD -> supervisor.reload("test", outcomes::add);
                case STOP -> supervisor.stop("test");
                case KILL -> supervisor.kill("test");
                case CANDIDATE_READY -> supervisor.notified(starter.last(), NotifyMessage.parse("READY=1"));
                case CANDIDATE_FAILED -> supervisor.exited(starter.last(), ExitStatus.exited(3));
                case SERVING_EXITED -> supervisor.exited(worker(WorkerState.READY), ExitStatus.exited(4));
                case RESTART_DUE -> timers.advance(SETTINGS.restartBackoffMax());
                case PROBATION_PASSED -> timers.advance(PROBATION);
                case ALL_GONE -> starter.started.stream().filter(Worker::alive).toList()
                        .forEach(worker -> supervisor.exited(worker, ExitStatus.exited(0)));
                case UPGRADE -> supervisor.upgrade("test", refusals::add);
                case UPGRADE_CHECKED -> check.accept(new dev.endlessd.upgrade.Preflight.Result(true, "2", ""));
                case UPGRADE_REFUSED -> check.accept(new dev.endlessd.upgrade.Preflight.Result(false, "", "broken"));
                case RESUME -> supervisor.resume(new dev.endlessd.upgrade.Handoff.Supervision(1, List.of(
                        new dev.endlessd.upgrade.Handoff.CarriedWorker(1, 4242, dev.endlessd.upgrade.Handoff.CarriedState.READY,
                                0, 1, 0, "", -1, "")), List.of(), java.util.Optional.empty(), 0), List.of());
            }
        }

        private void refused(Event event) {
            switch (event) {
                case START -> assertThrows(IllegalStateException.class, supervisor::start);
                case RELOAD -> {
                    int spawned = starter.started.size();
                    supervisor.reload("test", outcomes::add);
                    ReloadOutcome.Failed failed = assertInstanceOf(ReloadOutcome.Failed.class,
                            outcomes.get(outcomes.size() - 1));
                    assertEquals(0, failed.generation(), "no worker was started for it");
                    assertEquals(spawned, starter.started.size());
                }
                case UPGRADE -> {
                    int before = refusals.size();
                    supervisor.upgrade("test", refusals::add);
                    assertEquals(before + 1, refusals.size(), "refused at once");
                }
                default -> fail(event + " has no refusal: only requests from outside can be refused");
            }
        }

        private Worker worker(WorkerState state) {
            return starter.started.stream().filter(worker -> worker.state() == state).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + state.label() + " worker"));
        }
    }
}
