package dev.endlessd.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the launcher the build made, as a client command ({@code reload}, {@code status --json}) or
 * as a daemon that is expected to refuse to start, and keeps its exit code and output.
 */
public final class Client {
    /** Only bounds a wait: ten client JVMs started at once on a loaded two-core machine may need minutes. */
    private static final long TIMEOUT_SECONDS = 180;

    /** What one run did. */
    public record Result(long pid, int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "pid " + pid + " exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    /** A run that has been started and not yet waited for. */
    public final class Running {
        private final Process process;
        private final Path out;
        private final Path err;
        private final List<String> command;

        private Running(Process process, Path out, Path err, List<String> command) {
            this.process = process;
            this.out = out;
            this.err = err;
            this.command = command;
        }

        /** The launcher execs the JVM, so this is the pid the daemon logs as the control client. */
        public long pid() {
            return process.pid();
        }

        public Result await() throws IOException, InterruptedException {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + TIMEOUT_SECONDS + "s");
            }
            return new Result(process.pid(), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }
    }

    private final Path scratch;
    private final List<String> prefix;
    private final Path launcher;
    private final AtomicInteger runs = new AtomicInteger();

    /** @param scratch where captured output goes */
    public Client(Path scratch) {
        this(scratch, List.of(), DaemonProcess.launcher());
    }

    /** Runs {@code prefix... launcher ARGS}, e.g. with {@code setpriv} to be another user. */
    public Client(Path scratch, List<String> prefix, Path launcher) {
        this.scratch = scratch;
        this.prefix = List.copyOf(prefix);
        this.launcher = launcher;
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return start(args).await();
    }

    public Running start(String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(launcher.toString());
        command.addAll(List.of(args));
        int run = runs.incrementAndGet();
        Path out = scratch.resolve("client-" + run + ".out");
        Path err = scratch.resolve("client-" + run + ".err");
        Process process = new ProcessBuilder(command)
                .directory(scratch.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        return new Running(process, out, err, command);
    }
}
