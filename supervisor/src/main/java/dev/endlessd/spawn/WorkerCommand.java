package dev.endlessd.spawn;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The user's {@code --cmd}, run through {@code /bin/sh -c} so that quoting, variables and
 * redirections work.
 *
 * <p>The shell sets {@code LISTEN_PID=$$} and then {@code exec}s the command: a server checks
 * {@code LISTEN_PID == getpid()}, {@code posix_spawn} cannot know the pid before the child exists,
 * and {@code exec} keeps the shell's pid. A command that needs setup steps therefore has to end in an
 * {@code exec} of its own, for example {@code sh -c 'cd /srv && exec java -jar app.jar'}.
 *
 * <p>Wrappers ({@code nice}, {@code setpriv}) run before the shell, each exec'ing the next, so the
 * shell and nothing else interprets the command line: a command the shell cannot run fails with the
 * shell's own message, not with that of a wrapper the user never asked for.
 */
public record WorkerCommand(String commandLine) {
    public static final String SHELL = "/bin/sh";

    private static final Pattern LEADING_EXEC = Pattern.compile("^\\s*exec\\s+");
    private static final String PRELUDE = "LISTEN_PID=$$; export LISTEN_PID; ";

    public WorkerCommand {
        if (commandLine == null || commandLine.isBlank()) {
            throw new IllegalArgumentException("cmd: \"" + (commandLine == null ? "" : commandLine)
                    + "\" (expected: a command line, e.g. --cmd \"java -jar app.jar\")");
        }
    }

    /** {@code wrapper}'s words, then the shell with its script. */
    public List<String> argv(ExecWrapper wrapper) {
        List<String> argv = new ArrayList<>(wrapper.words());
        argv.addAll(List.of(SHELL, "-c", PRELUDE + "exec " + LEADING_EXEC.matcher(commandLine).replaceFirst("")));
        return argv;
    }

    @Override
    public String toString() {
        return commandLine;
    }
}
