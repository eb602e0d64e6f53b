package dev.endlessd.cli;

import dev.endlessd.control.ControlClient;
import dev.endlessd.control.ControlException;
import dev.endlessd.control.ControlReply;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A command that talks to a running daemon over its control socket: connects, lets the subclass
 * ask, and turns what went wrong into a message and an exit code.
 */
abstract class ClientCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_NO_DAEMON = 3;
    static final int EXIT_REFUSED = 4;

    /** How long a daemon may take to answer a request that needs no waiting. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    InstanceOptions instance;

    @Mixin
    ControlSocketOption controlSocket;

    @Mixin
    HelpOptions help;

    @Override
    public final Integer call() {
        takeOptionsWrittenBeforeTheCommand();
        Path socket = controlSocket.resolve(instance);
        try (ControlClient client = ControlClient.connect(socket)) {
            return talk(client);
        } catch (ControlException e) {
            err().println("endlessd: " + e.getMessage());
            if (e.problem() != ControlException.Problem.NO_DAEMON) {
                return EXIT_REFUSED;
            }
            if (!controlSocket.given()) {
                suggestRunningInstances(socket.getParent());
            }
            return EXIT_NO_DAEMON;
        } finally {
            out().flush();
            err().flush();
        }
    }

    /**
     * {@code endlessd --name web status} is parsed by the daemon's command until the command's name:
     * the options that pick an instance carry over (unless written again after it, differently: that is
     * refused), and a daemon option such as {@code --cmd} is refused rather than silently ignored.
     */
    private void takeOptionsWrittenBeforeTheCommand() {
        CommandLine daemonLine = spec.commandLine().getParent();
        CommandLine.ParseResult before = daemonLine.getParseResult();
        CommandLine.ParseResult after = spec.commandLine().getParseResult();
        for (CommandLine.Model.OptionSpec option : before.matchedOptions()) {
            String name = option.longestName();
            if (!InstanceOptions.SELECTING.contains(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(), name + " is an option of the daemon"
                        + " (endlessd --cmd ...), not of '" + spec.name() + "': drop it");
            }
            if (after.hasMatchedOption(name)
                    && !before.matchedOption(name).stringValues().equals(after.matchedOption(name).stringValues())) {
                throw new CommandLine.ParameterException(spec.commandLine(), name + " is given twice, "
                        + before.matchedOption(name).stringValues() + " before '" + spec.name() + "' and "
                        + after.matchedOption(name).stringValues() + " after it: keep one");
            }
        }
        EndlessdCommand daemon = daemonLine.getCommand();
        instance.takeUnsetFrom(daemon.instance(), after);
        controlSocket.takeUnsetFrom(daemon.controlSocket(), after);
    }

    /** After a wrong {@code --name}: the names that would have answered. */
    private void suggestRunningInstances(Path instanceDirectory) {
        List<String> running = RunningInstances.besides(instanceDirectory);
        if (!running.isEmpty()) {
            err().println("endlessd: running in " + instanceDirectory.getParent() + ": " + String.join(", ", running)
                    + " (pass --name " + running.get(0) + (running.size() > 1 ? ", or another of them" : "") + ")");
        }
    }

    /** Sends the request and prints the outcome; returns the exit code. */
    abstract int talk(ControlClient client) throws ControlException;

    /** Prints an error answer; a failed attempt exits 1, a refused request 4. */
    int refused(ControlReply reply) {
        err().println("endlessd: " + reply.text());
        return reply.kind() == ControlReply.Kind.FAILED ? EXIT_FAILED : EXIT_REFUSED;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
