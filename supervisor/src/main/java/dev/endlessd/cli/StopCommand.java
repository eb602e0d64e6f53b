package dev.endlessd.cli;

import dev.endlessd.control.ControlClient;
import dev.endlessd.control.ControlException;
import dev.endlessd.control.ControlReply;
import dev.endlessd.control.ControlRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;

/** {@code endlessd stop}: the graceful shutdown, waited for. */
@Command(name = "stop", versionProvider = Version.class, sortOptions = false, usageHelpAutoWidth = true,
        descriptionHeading = "%n",
        description = {
            "Stop the daemon gracefully and wait until it has exited.",
            "",
            "Stops the daemon like SIGTERM does: every worker drains (SIGKILL after --drain-timeout), then "
                    + "the daemon exits. Waits until it has.",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the daemon has exited",
            "1:the daemon closed its control socket but did not exit",
            "2:usage error",
            "3:no daemon answers at the control socket (not running, or another --name)",
            "4:the daemon refused the request (another user)"})
final class StopCommand extends ClientCommand {
    private static final Pattern PID = Pattern.compile("\\bpid=(\\d+)");

    /** After the control socket closes, the JVM still has to exit; this is how long that may take. */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(10);

    @Override
    int talk(ControlClient client) throws ControlException {
        ControlReply reply = client.request(ControlRequest.STOP, ANSWER_WITHIN);
        if (!reply.ok()) {
            return refused(reply);
        }
        Matcher pid = PID.matcher(reply.text());
        Optional<ProcessHandle> daemon = pid.find() ? ProcessHandle.of(Long.parseLong(pid.group(1))) : Optional.empty();
        client.body(null);
        if (daemon.isPresent() && !exited(daemon.get())) {
            err().println("endlessd: pid " + daemon.get().pid() + " closed its control socket but is still running after "
                    + EXIT_WITHIN.toSeconds() + "s (see its log)");
            return EXIT_FAILED;
        }
        out().println(reply.text().replace("stopping", "stopped"));
        return EXIT_OK;
    }

    /** A process that is not our child can only be polled; the connection's end said it is nearly gone. */
    private static boolean exited(ProcessHandle daemon) {
        long deadline = System.nanoTime() + EXIT_WITHIN.toNanos();
        while (daemon.isAlive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
