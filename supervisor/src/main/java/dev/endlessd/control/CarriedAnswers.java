package dev.endlessd.control;

import dev.endlessd.daemon.ReloadOutcome;
import dev.endlessd.daemon.Supervisor;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers on control connections that the previous code of this process accepted and carried
 * across an upgrade's exec, as bare descriptors: the answer is one short line, written at once,
 * then the connection is closed. Called on the supervisor's thread.
 */
public final class CarriedAnswers {
    private static final Logger log = LoggerFactory.getLogger(CarriedAnswers.class);

    private CarriedAnswers() {
    }

    /** Tells the client that asked for the upgrade that the new code serves. */
    public static void upgraded(int fd, String text) {
        answer(fd, ControlReply.ok(text));
    }

    /** Tells the client that asked for the upgrade that the new code serves, but did not take over everything. */
    public static void upgradedIncompletely(int fd, String text) {
        answer(fd, ControlReply.error(ControlReply.Kind.FAILED, text));
    }

    /** The waiter of a reload asked for during the upgrade, which the new code runs. */
    public static Consumer<ReloadOutcome> reloadWaiter(int fd, Supervisor supervisor) {
        return outcome -> answer(fd, RequestDispatcher.reloadReply(outcome, supervisor.snapshot()));
    }

    private static void answer(int fd, ControlReply reply) {
        byte[] line = (reply.line() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Posix.writeFully(fd, line, line.length);
        } catch (IOException e) {
            log.info("control: a client waiting since before the upgrade is gone ({})", e.getMessage());
        } finally {
            Posix.close(fd);
        }
    }
}
