package dev.endlessd.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Answers a usage error with the problem and a pointer to {@code --help}, not the whole usage. */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    /** What other servers call their listen option; too unlike "--listen" for picocli's own suggestions. */
    private static final java.util.Set<String> OTHER_NAMES_OF_LISTEN = java.util.Set.of(
            "--port", "-p", "--bind", "-b", "--address", "--addr", "--host");

    /**
     * {@code commandLine}, answering usage errors this way. Here rather than in {@link Main}, whose
     * verification would then load picocli on {@link ProbeFastPath}'s way.
     */
    static CommandLine answeredBriefly(CommandLine commandLine) {
        return commandLine.setParameterExceptionHandler(new UsageErrors());
    }

    @Override
    public int handleParseException(CommandLine.ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("endlessd: " + error.getMessage());
        if (meantListen(error)) {
            err.println("Did you mean --listen? e.g. --listen 127.0.0.1:8080 (this machine) or --listen :8080 (every address)");
        } else {
            CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
        }
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static boolean meantListen(CommandLine.ParameterException error) {
        return error instanceof CommandLine.UnmatchedArgumentException unmatched
                && unmatched.getUnmatched().stream().map(arg -> arg.split("=", 2)[0]).anyMatch(OTHER_NAMES_OF_LISTEN::contains);
    }
}
