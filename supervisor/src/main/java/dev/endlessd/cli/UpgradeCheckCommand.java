package dev.endlessd.cli;

import dev.endlessd.upgrade.Handoff;
import dev.endlessd.upgrade.HandoffCodec;
import dev.endlessd.upgrade.HandoffException;
import dev.endlessd.upgrade.Preflight;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code endlessd upgrade-check}, run by a running endlessd before it executes this code in its
 * place: reads the handoff state on stdin and checks that this code can take it over, without
 * binding, locking or starting anything. Not for humans, hence hidden.
 */
@Command(name = Preflight.COMMAND, hidden = true, mixinStandardHelpOptions = false,
        description = "Checks, without serving, that this endlessd can take over the handoff state on stdin.")
final class UpgradeCheckCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            Handoff state = HandoffCodec.decode(System.in.readNBytes(HandoffCodec.MAX_BYTES + 1));
            CommandLine daemon = Main.commandLine();
            daemon.parseArgs(state.arguments().toArray(String[]::new));
            ((EndlessdCommand) daemon.getCommand()).config();
            // The classes the take-over runs first, loaded and initialised from this jar now.
            Class.forName(dev.endlessd.daemon.Supervisor.class.getName());
            Class.forName(dev.endlessd.upgrade.HandoffFile.class.getName());
            spec.commandLine().getOut().println(Preflight.PASSED + Version.VALUE);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (HandoffException e) {
            return refuse(e.getMessage());
        } catch (CommandLine.ParameterException e) {
            return refuse("endlessd " + Version.VALUE + " does not accept the running command line: " + e.getMessage());
        } catch (IOException | ClassNotFoundException | RuntimeException | LinkageError e) {
            return refuse("endlessd " + Version.VALUE + " cannot start: " + e);
        }
    }

    private int refuse(String reason) {
        spec.commandLine().getErr().println("endlessd: upgrade refused: " + reason);
        spec.commandLine().getErr().flush();
        return 1;
    }
}
