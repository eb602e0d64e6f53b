package dev.endlessd.control;

import dev.endlessd.daemon.SupervisorSnapshot;
import dev.endlessd.daemon.WorkerSnapshot;
import dev.endlessd.daemon.WorkerState;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a worker serves, the way an exec probe (a Kubernetes readiness or liveness probe, a
 * container HEALTHCHECK) asks it: the answer to the control request {@code check}, one word and the
 * workers it is about, e.g. {@code serving gen=3 pid=4242}.
 *
 * <p>A reload is not a reason to take the instance out of a load balancer: the old worker serves
 * until the new one is ready, so {@link #RELOADING} counts as serving.
 */
public enum Readiness {
    /** A worker serves and nothing is starting. */
    SERVING,
    /** A worker serves while a new one starts to replace it. */
    RELOADING,
    /** The first worker is starting: nothing has served yet. */
    STARTING,
    /** No worker serves: the last one died and its replacement is not ready yet, or endlessd is stopping. */
    NO_WORKER;

    /** "no-worker": the word on the wire and on the probe's output. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Reads the answer to {@code check}.
     *
     * @throws ControlException when its first word is none of ours (a daemon of another version)
     */
    public static Readiness read(String answer) throws ControlException {
        String word = answer.split(" ", 2)[0];
        return Arrays.stream(values())
                .filter(readiness -> readiness.word().equals(word))
                .findFirst()
                .orElseThrow(() -> new ControlException(ControlException.Problem.NOT_UNDERSTOOD, "unexpected answer to"
                        + " check: \"" + ControlRequest.printable(answer) + "\" (is the daemon of the same version as"
                        + " this command?)"));
    }

    /** The answer's text: the word, then the workers it is about. */
    static String describe(SupervisorSnapshot snapshot) {
        Readiness readiness = of(snapshot);
        Optional<WorkerSnapshot> starting = snapshot.workers().stream()
                .filter(worker -> worker.state() == WorkerState.STARTING || worker.state() == WorkerState.PROBATION)
                .findFirst();
        String serving = snapshot.serving().map(Readiness::worker).orElse("");
        return switch (readiness) {
            case SERVING -> readiness.word() + " " + serving;
            case RELOADING -> readiness.word() + " " + serving + starting.map(w -> "; " + worker(w) + " "
                    + (w.state() == WorkerState.PROBATION ? "on probation" : "starting")).orElse("");
            case STARTING -> readiness.word() + starting.map(w -> " " + worker(w) + " not ready yet").orElse("");
            case NO_WORKER -> readiness.word() + " (endlessd is " + snapshot.phase().label() + ")";
        };
    }

    static Readiness of(SupervisorSnapshot snapshot) {
        boolean serves = snapshot.serving().isPresent();
        return switch (snapshot.phase()) {
            case NEW, LAUNCHING -> STARTING;
            case SERVING, UPGRADING -> serves ? SERVING : NO_WORKER;
            case RELOADING -> serves ? RELOADING : NO_WORKER;
            case BACKING_OFF, RESTARTING, STOPPING, STOPPED -> NO_WORKER;
        };
    }

    private static String worker(WorkerSnapshot worker) {
        return "gen=" + worker.generation() + " pid=" + worker.pid();
    }
}
