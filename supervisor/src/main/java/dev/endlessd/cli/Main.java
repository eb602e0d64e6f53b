package dev.endlessd.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.OptionalInt;
import picocli.CommandLine;

/** Entry point of the {@code endlessd} launcher. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        OptionalInt probed = ProbeFastPath.run(args, System.getenv(), new PrintWriter(System.out, false, Charset.defaultCharset()));
        if (probed.isPresent()) {
            System.exit(probed.getAsInt());
        }
        // picocli registers converters for java.sql and java.time types by reflection, loading both
        // packages into a daemon that uses neither (endlessd parses its own durations).
        System.setProperty("picocli.converters.excludes", "java\\.sql\\..*|java\\.time\\..*");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return UsageErrors.answeredBriefly(new CommandLine(new EndlessdCommand()));
    }
}
