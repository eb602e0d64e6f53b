package dev.endlessd.cli;

import picocli.CommandLine;

/** Entry point of the {@code endlessd} launcher. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new EndlessdCommand()).setParameterExceptionHandler(new UsageErrors());
    }
}
