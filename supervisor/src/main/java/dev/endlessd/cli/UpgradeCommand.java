package dev.endlessd.cli;

import dev.endlessd.control.ControlClient;
import dev.endlessd.control.ControlException;
import dev.endlessd.control.ControlReply;
import dev.endlessd.control.ControlRequest;
import picocli.CommandLine.Command;

/** {@code endlessd upgrade}: the endlessd on disk replaces the running one in its own process. */
@Command(name = "upgrade", versionProvider = Version.class, sortOptions = false, usageHelpAutoWidth = true,
        descriptionHeading = "%n",
        description = {
            "Execute the endlessd installed now in the running daemon's place, keeping its pid, its sockets and its workers.",
            "",
            "The daemon first runs the new code in a check mode (the same launcher, its jar and JDK as they are on disk"
                    + " now): it must load, read the state the daemon hands over and accept the daemon's command line."
                    + " Then the daemon executes it in its own process: same pid and parent, listeners, control socket"
                    + " and lock kept open, workers still its children and still serving. Waits until the new code"
                    + " serves the control socket. A part the new code cannot take over is reported, and the new code"
                    + " serves on with the rest. Reloads asked for meanwhile run after it. SIGUSR1 to the daemon does"
                    + " the same without waiting.",
            ""},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:the new code serves and took over everything",
            "1:the upgrade was refused (the check failed, with the reason) and the running code goes on; or the new"
                    + " code serves but could not take over a part (it says which, and so does status)",
            "2:usage error",
            "3:no daemon answers at the control socket (not running, or another --name)",
            "4:the daemon refused the request (another user)"})
final class UpgradeCommand extends ClientCommand {

    @Override
    int talk(ControlClient client) throws ControlException {
        ControlReply reply = client.request(ControlRequest.UPGRADE, null);
        if (!reply.ok()) {
            return refused(reply);
        }
        out().println(reply.text());
        return EXIT_OK;
    }
}
