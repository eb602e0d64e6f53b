package dev.endlessd.control;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The upgrade that started the code now running, as {@code status} shows it. Fixed when the new
 * code serves the control socket, except for the problems of the take-over, which the supervisor's
 * thread adds while it takes the workers back; safe to read on any thread.
 */
public final class LastUpgrade {
    private final Instant at;
    private final String from;
    private final int number;
    private final Duration took;
    private final Optional<String> failure;
    private final List<String> problems = new CopyOnWriteArrayList<>();

    /**
     * @param at     when the previous code began the upgrade
     * @param from   the version of the previous code
     * @param number how many upgrades this process has gone through, this one included
     * @param took    from the beginning of the upgrade to the new code serving the control socket (after a
     *                failure: to this code, the previous one, serving it again)
     * @param failure why the new code failed, when it went back to this code, which ran before it
     */
    public LastUpgrade(Instant at, String from, int number, Duration took, Optional<String> failure) {
        this.at = at;
        this.from = from;
        this.number = number;
        this.took = took;
        this.failure = failure;
    }

    public Instant at() {
        return at;
    }

    public String from() {
        return from;
    }

    public int number() {
        return number;
    }

    public Duration took() {
        return took;
    }

    /** Why the upgrade failed, as the new code said before it went back to this code; empty when it succeeded. */
    public Optional<String> failure() {
        return failure;
    }

    /** A part the new code could not take over, in one sentence that says what to do. */
    public void problem(String problem) {
        problems.add(problem);
    }

    /** Empty when the new code took over everything. */
    public List<String> problems() {
        return List.copyOf(problems);
    }
}
