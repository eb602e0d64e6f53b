package dev.endlessd.cli;

import picocli.CommandLine;

/** Entry point of the {@code endlessd} launcher. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // picocli registers converters for java.sql and java.time types by reflection, loading both
        // packages into a daemon that uses neither (endlessd parses its own durations).
        System.setProperty("picocli.converters.excludes", "java\\.sql\\..*|java\\.time\\..*");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new EndlessdCommand()).setParameterExceptionHandler(new UsageErrors());
    }
}
