package dev.endlessd.control;

import dev.endlessd.it.DaemonProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one {@code endlessd} client command through the launcher the build made, and keeps what it printed. */
final class Cli {
    private static final long TIMEOUT_SECONDS = 60;

    /** What a command did: its exit code and its stdout and stderr. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    private final Path scratch;
    private int runs;

    /** @param scratch where the captured output goes */
    Cli(Path scratch) {
        this.scratch = scratch;
    }

    Result run(String... args) throws IOException, InterruptedException {
        return runAs(List.of(), args);
    }

    /** Runs {@code prefix... endlessd args...}, e.g. with {@code setpriv} to be another user. */
    Result runAs(List<String> prefix, String... args) throws IOException, InterruptedException {
        return runAs(prefix, DaemonProcess.launcher(), args);
    }

    /** Runs {@code prefix... launcher args...}, in the scratch directory. */
    Result runAs(List<String> prefix, Path launcher, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.add(launcher.toString());
        command.addAll(List.of(args));
        int run = ++runs;
        Path out = scratch.resolve("cli-" + run + ".out");
        Path err = scratch.resolve("cli-" + run + ".err");
        Process process = new ProcessBuilder(command)
                .directory(scratch.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + TIMEOUT_SECONDS + "s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
