package dev.endlessd.cli;

import dev.endlessd.control.ControlException;
import dev.endlessd.control.ControlReply;
import dev.endlessd.control.Readiness;
import java.io.PrintWriter;

/**
 * {@code endlessd status --check}: turns the daemon's answer to {@code check} into the exit code an
 * exec probe understands. Free of picocli, so that {@link ProbeFastPath} can use it without building
 * the command line's model.
 */
final class Probe {
    static final String OPTION = "--check";
    /** A worker serves, or one serves while the next one starts: take traffic. */
    static final int EXIT_SERVING = 0;
    /** The first worker has not said it is ready yet. */
    static final int EXIT_STARTING = 5;
    /** No worker serves: a crashed one is being restarted, or endlessd is stopping. */
    static final int EXIT_NO_WORKER = 6;

    private Probe() {
    }

    /** Prints the answer (an {@code ok} reply to {@code check}) and returns what it means as an exit code. */
    static int report(ControlReply answer, PrintWriter out) throws ControlException {
        Readiness readiness = Readiness.read(answer.text());
        out.println(answer.text());
        return switch (readiness) {
            case SERVING, RELOADING -> EXIT_SERVING;
            case STARTING -> EXIT_STARTING;
            case NO_WORKER -> EXIT_NO_WORKER;
        };
    }
}
