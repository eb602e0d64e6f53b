package dev.endlessd.packaging;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs a command to completion with a deadline, stdout and stderr together in one file. */
final class Command {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    record Result(List<String> command, int exitCode, String output) {
        String describe() {
            return String.join(" ", command) + " exited with " + exitCode + ":\n" + output;
        }
    }

    private Command() {
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        return run(command, environment -> { }, DEADLINE);
    }

    static Result run(List<String> command, Consumer<Map<String, String>> environment)
            throws IOException, InterruptedException {
        return run(command, environment, DEADLINE);
    }

    static Result run(List<String> command, Consumer<Map<String, String>> environment, Duration deadline)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("endlessd-packaging-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(log.toFile());
            environment.accept(builder.environment());
            Process process = builder.start();
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + deadline + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(command, process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Whether {@code name} is an executable in a directory of {@code $PATH}. */
    static boolean onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, name))) {
                return true;
            }
        }
        return false;
    }
}
