package dev.endlessd.daemon;

import static dev.endlessd.daemon.Event.ALL_GONE;
import static dev.endlessd.daemon.Event.CANDIDATE_FAILED;
import static dev.endlessd.daemon.Event.CANDIDATE_READY;
import static dev.endlessd.daemon.Event.KILL;
import static dev.endlessd.daemon.Event.PROBATION_PASSED;
import static dev.endlessd.daemon.Event.RELOAD;
import static dev.endlessd.daemon.Event.RESTART_DUE;
import static dev.endlessd.daemon.Event.SERVING_EXITED;
import static dev.endlessd.daemon.Event.START;
import static dev.endlessd.daemon.Event.STOP;
import static dev.endlessd.daemon.Event.RESUME;
import static dev.endlessd.daemon.Event.UPGRADE_REFUSED;
import static dev.endlessd.daemon.Event.UPGRADE_CHECKED;
import static dev.endlessd.daemon.Event.UPGRADE;
import static dev.endlessd.daemon.Phase.BACKING_OFF;
import static dev.endlessd.daemon.Phase.LAUNCHING;
import static dev.endlessd.daemon.Phase.NEW;
import static dev.endlessd.daemon.Phase.RELOADING;
import static dev.endlessd.daemon.Phase.RESTARTING;
import static dev.endlessd.daemon.Phase.SERVING;
import static dev.endlessd.daemon.Phase.STOPPED;
import static dev.endlessd.daemon.Phase.STOPPING;
import static dev.endlessd.daemon.Phase.UPGRADING;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The supervisor's lifecycle, whole: for each {@link Phase} (a row), what each {@link Event} (a
 * column) does. A cell either moves the service to one of the phases it names, lets the phase
 * handle the event without leaving it ({@code STAY}: a reload queued behind the one running, a
 * second stop), refuses it ({@code REFUSE}: a reload before the first worker started or while
 * stopping), or says the event cannot happen there ({@code NEVER}: a bug if it does).
 * {@link Supervisor} checks every event against its cell before acting on it, and every change of
 * phase against the cell of the event being handled, so code and table cannot drift apart.
 *
 * <p>To add a phase or an event: add the constant, then its row or column here (the builder refuses
 * a table with a missing cell), then the handling in {@link Supervisor}; the exhaustive test walks
 * every cell, new ones included. Immutable and thread-safe.
 */
final class Transitions {

    /** What one event does in one phase. */
    record Rule(Kind kind, Set<Phase> targets) {
        enum Kind { MOVE, STAY, REFUSE, NEVER }

        boolean allows(Phase next) {
            return kind == Kind.MOVE && targets.contains(next);
        }

        @Override
        public String toString() {
            return kind == Kind.MOVE ? "-> " + targets : kind.name();
        }
    }

    private static final Rule STAY = new Rule(Rule.Kind.STAY, Set.of());
    private static final Rule REFUSE = new Rule(Rule.Kind.REFUSE, Set.of());
    private static final Rule NEVER = new Rule(Rule.Kind.NEVER, Set.of());

    private static final List<Event> COLUMNS = List.of(
            START, RELOAD, STOP, KILL, CANDIDATE_READY, CANDIDATE_FAILED, SERVING_EXITED, RESTART_DUE, ALL_GONE,
            UPGRADE, UPGRADE_CHECKED, UPGRADE_REFUSED, RESUME, PROBATION_PASSED);

    private static final Map<Phase, Map<Event, Rule>> TABLE = new EnumMap<>(Phase.class);

    static {
        // A queued reload (STAY) runs once the worker starting is ready or has failed; CANDIDATE_READY always
        // lands in SERVING first, from where that queued reload is a RELOAD of its own. An upgrade asked for while
        // a worker starts (STAY) waits until one serves; reloads asked for while UPGRADING wait for its end, in the
        // new code when the exec succeeds; a serving worker lost meanwhile is restarted there too (STAY).
        // A reloaded worker on probation (--probation) keeps the service RELOADING: its READY re-enters RELOADING,
        // and the reload settles when it passes (PROBATION_PASSED) or exits (CANDIDATE_FAILED); the serving worker's
        // exit meanwhile does not end the probation (STAY). No other phase has a worker on probation.
        // Last five columns: UPGRADE, UPGRADE_CHECKED, UPGRADE_REFUSED, RESUME, PROBATION_PASSED.
        //             START          RELOAD         STOP           KILL           CANDIDATE_READY         CANDIDATE_FAILED                      SERVING_EXITED    RESTART_DUE     ALL_GONE
        row(NEW,       to(LAUNCHING), REFUSE,        to(STOPPING),  to(STOPPING),  NEVER,                  NEVER,                                NEVER,            NEVER,          NEVER,
                REFUSE, NEVER, NEVER, to(SERVING, RESTARTING), NEVER);
        row(LAUNCHING, REFUSE,        STAY,          to(STOPPING),  to(STOPPING),  to(SERVING),            to(STOPPING),                         NEVER,            NEVER,          NEVER,
                STAY, NEVER, NEVER, NEVER, NEVER);
        row(SERVING,   REFUSE,        to(RELOADING), to(STOPPING),  to(STOPPING),  NEVER,                  NEVER,                                to(BACKING_OFF),  NEVER,          NEVER,
                to(UPGRADING), NEVER, NEVER, NEVER, NEVER);
        row(RELOADING, REFUSE,        STAY,          to(STOPPING),  to(STOPPING),  to(SERVING, RELOADING), to(SERVING, RELOADING, BACKING_OFF),  STAY,             NEVER,          NEVER,
                STAY, NEVER, NEVER, NEVER, to(SERVING));
        row(BACKING_OFF, REFUSE,      to(RELOADING), to(STOPPING),  to(STOPPING),  NEVER,                  NEVER,                                NEVER,            to(RESTARTING), NEVER,
                STAY, NEVER, NEVER, NEVER, NEVER);
        row(RESTARTING, REFUSE,       STAY,          to(STOPPING),  to(STOPPING),  to(SERVING),            to(RELOADING, BACKING_OFF),           NEVER,            NEVER,          NEVER,
                STAY, NEVER, NEVER, NEVER, NEVER);
        row(UPGRADING, REFUSE,        STAY,          to(STOPPING),  to(STOPPING),  NEVER,                  NEVER,                                STAY,             NEVER,          NEVER,
                STAY, to(SERVING, BACKING_OFF), to(SERVING, BACKING_OFF), NEVER, NEVER);
        row(STOPPING,  STAY,          REFUSE,        STAY,          STAY,          NEVER,                  NEVER,                                NEVER,            NEVER,          to(STOPPED),
                REFUSE, STAY, STAY, NEVER, NEVER);
        row(STOPPED,   STAY,          REFUSE,        STAY,          STAY,          NEVER,                  NEVER,                                NEVER,            NEVER,          NEVER,
                REFUSE, STAY, STAY, NEVER, NEVER);
        if (!TABLE.keySet().equals(EnumSet.allOf(Phase.class)) || !EnumSet.copyOf(COLUMNS).equals(EnumSet.allOf(Event.class))) {
            throw new IllegalStateException("the transition table needs one row per phase and one column per event");
        }
    }

    private Transitions() {
    }

    /** The cell of {@code event} in the row of {@code phase}. */
    static Rule rule(Phase phase, Event event) {
        return TABLE.get(phase).get(event);
    }

    private static Rule to(Phase... targets) {
        return new Rule(Rule.Kind.MOVE, Set.copyOf(Arrays.asList(targets)));
    }

    private static void row(Phase phase, Rule... cells) {
        if (cells.length != COLUMNS.size() || TABLE.containsKey(phase)) {
            throw new IllegalStateException("row " + phase + ": " + cells.length + " cells (expected: one per event, "
                    + COLUMNS + ", and one row per phase)");
        }
        Map<Event, Rule> row = new EnumMap<>(Event.class);
        for (int i = 0; i < cells.length; i++) {
            row.put(COLUMNS.get(i), cells[i]);
        }
        TABLE.put(phase, row);
    }
}
