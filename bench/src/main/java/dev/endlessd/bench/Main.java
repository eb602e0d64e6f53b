package dev.endlessd.bench;

import picocli.CommandLine;

/** Entry point of the benchmark jar; {@code bench/run} is the way to start it. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new BenchCommand())
                .registerConverter(java.time.Duration.class, DurationText::parse);
        System.exit(commandLine.execute(args));
    }
}
