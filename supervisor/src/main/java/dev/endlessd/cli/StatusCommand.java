package dev.endlessd.cli;

import dev.endlessd.control.ControlClient;
import dev.endlessd.control.ControlException;
import dev.endlessd.control.ControlReply;
import dev.endlessd.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code endlessd status [--json]}: what the daemon is doing. */
@Command(name = "status", versionProvider = Version.class, sortOptions = false, usageHelpAutoWidth = true,
        descriptionHeading = "%n",
        description = {
            "Show the daemon, its workers and the last reload.",
            "",
            "Shows the daemon's pid and state, its listeners, each worker (generation, pid, state, uptime, "
                    + "last STATUS= text) and the outcome and duration of the last reload.",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:status printed",
            "2:usage error",
            "3:no daemon answers at the control socket (not running, or another --name)",
            "4:the daemon refused the request (another user)"})
final class StatusCommand extends ClientCommand {

    @Option(names = "--json", order = 1,
            description = "Print one JSON object instead: durations in *_ms fields, times in ISO-8601 UTC.")
    private boolean json;

    @Override
    int talk(ControlClient client) throws ControlException {
        ControlReply reply = client.request(json ? ControlRequest.STATUS_JSON : ControlRequest.STATUS, ANSWER_WITHIN);
        if (!reply.ok()) {
            return refused(reply);
        }
        out().print(client.body(ANSWER_WITHIN));
        return EXIT_OK;
    }
}
