package dev.endlessd.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Answers a usage error with the problem and a pointer to {@code --help}, not the whole usage. */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("endlessd: " + error.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(error, err);
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }
}
