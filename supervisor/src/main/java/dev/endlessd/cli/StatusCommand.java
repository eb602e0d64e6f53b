package dev.endlessd.cli;

import dev.endlessd.control.ControlClient;
import dev.endlessd.control.ControlException;
import dev.endlessd.control.ControlReply;
import dev.endlessd.control.ControlRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code endlessd status [--json | --check]}: what the daemon is doing. */
@Command(name = "status", versionProvider = Version.class, sortOptions = false, usageHelpAutoWidth = true,
        descriptionHeading = "%n",
        description = {
            "Show the daemon, its workers and the last reload.",
            "",
            "Shows the daemon's pid and state, its listeners, each worker (generation, pid, state, uptime, "
                    + "last STATUS= text) and the outcome and duration of the last reload.",
            "",
            "With --check, for probes (a Kubernetes exec probe, a container HEALTHCHECK): one line, and an exit "
                    + "status that says whether a worker serves.",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:status printed; with --check: a worker serves (also while a reload starts the next one)",
            "2:usage error",
            "3:no daemon answers at the control socket (not running, or another --name)",
            "4:the daemon refused the request (another user)",
            "5:with --check: the first worker is starting, nothing serves yet",
            "6:with --check: no worker serves (a crashed one is being restarted, or endlessd is stopping)"})
final class StatusCommand extends ClientCommand {

    @ArgGroup(exclusive = true)
    private Format format = new Format();

    /** What to print instead of the text for a terminal; one at most. */
    static final class Format {
        @Option(names = "--json", order = 1,
                description = "Print one JSON object instead: durations in *_ms fields, times in ISO-8601 UTC.")
        private boolean json;

        @Option(names = Probe.OPTION, order = 2,
                description = "Print one line (serving, reloading, starting or no-worker, and the workers) and exit 0"
                        + " only when a worker serves: for exec probes. About 0.3 s of CPU per call.")
        private boolean check;
    }

    @Override
    int talk(ControlClient client) throws ControlException {
        if (format.check) {
            ControlReply answer = client.request(ControlRequest.CHECK, ANSWER_WITHIN);
            return answer.ok() ? Probe.report(answer, out()) : refused(answer);
        }
        ControlReply reply = client.request(format.json ? ControlRequest.STATUS_JSON : ControlRequest.STATUS, ANSWER_WITHIN);
        if (!reply.ok()) {
            return refused(reply);
        }
        out().print(client.body(ANSWER_WITHIN));
        return EXIT_OK;
    }
}
