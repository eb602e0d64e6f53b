package dev.endlessd.cli;

import dev.endlessd.control.ControlClient;
import dev.endlessd.control.ControlException;
import dev.endlessd.control.ControlReply;
import dev.endlessd.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code endlessd reload}: a new worker, and the answer whether it made it. */
@Command(name = "reload", versionProvider = Version.class, sortOptions = false, usageHelpAutoWidth = true,
        descriptionHeading = "%n",
        description = {
            "Start a new worker and wait until it serves, or has failed.",
            "",
            "Starts a new worker beside the serving one and waits for the outcome. When the new worker is "
                    + "ready, has stayed alive through the daemon's --probation, and the old ones were told to "
                    + "drain, prints its generation, pid and time to ready. When it exits or is not ready within "
                    + "--ready-timeout, or exits during its probation, prints why; the old worker keeps serving. "
                    + "SIGHUP to the daemon does the same without waiting.",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the new worker is ready and serves",
            "1:the reload failed; the old worker keeps serving",
            "2:usage error",
            "3:no daemon answers at the control socket (not running, or another --name)",
            "4:the daemon refused the request (another user)"})
final class ReloadCommand extends ClientCommand {

    @Option(names = "--no-wait", order = 1,
            description = "Return once the daemon accepted the reload; the outcome goes to its log and to 'endlessd status'.")
    private boolean noWait;

    @Override
    int talk(ControlClient client) throws ControlException {
        ControlReply reply = noWait
                ? client.request(ControlRequest.RELOAD_NOWAIT, ANSWER_WITHIN)
                : client.request(ControlRequest.RELOAD, null);
        if (!reply.ok()) {
            return refused(reply);
        }
        out().println(reply.text());
        return EXIT_OK;
    }
}
