package dev.endlessd.it;

import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real endlessd, started through the launcher the build produced, with its log captured to a
 * file so tests can wait for lifecycle events. Closing it kills whatever is left.
 */
public final class DaemonProcess implements AutoCloseable {
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;

    private DaemonProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static Path launcher() {
        String path = System.getProperty("endlessd.launcher");
        if (path == null) {
            path = Path.of("target", "endlessd").toAbsolutePath().toString();
        }
        return Path.of(path);
    }

    /**
     * Starts {@code endlessd ARGS...} with {@code --runtime-dir dir/run}, logging to {@code dir/endlessd.log},
     * and with {@code --probation 0s} unless ARGS set one: each reload would otherwise last the default
     * probation (10s) longer, which suites of hundreds of reloads cannot afford. {@code ProbationIT} runs the
     * probation, its default included (through {@link #startRaw}).
     */
    public static DaemonProcess start(Path dir, String... args) throws IOException {
        return start(dir, Map.of(), args);
    }

    public static DaemonProcess start(Path dir, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(List.of(args));
        if (!command.contains("--probation")) {
            command.add("--probation");
            command.add("0s");
        }
        command.add("--runtime-dir");
        command.add(dir.resolve("run").toString());
        return startRaw(dir, environment, command);
    }

    /**
     * Starts endlessd with a short {@code --ready-timeout} whose own expiry is what a test is about. It
     * binds the first worker too, which a busy machine may start too slowly: such a start is tried again,
     * up to three times, rather than taken for the failure under test.
     *
     * @return a daemon whose gen=1 serves
     */
    public static DaemonProcess startWithShortReadyTimeout(Path dir, String readyTimeout, String... args)
            throws IOException, InterruptedException {
        List<String> withTimeout = new ArrayList<>(List.of("--ready-timeout", readyTimeout));
        withTimeout.addAll(List.of(args));
        for (int attempt = 1; ; attempt++) {
            DaemonProcess daemon = start(dir, withTimeout.toArray(String[]::new));
            String first = daemon.awaitLog("gen=1 pid=\\d+ serves|first worker failed: .*").group();
            if (first.contains("serves")) {
                return daemon;
            }
            daemon.awaitExit();
            daemon.close();
            if (attempt == 3) {
                throw new AssertionError("the first worker missed a " + readyTimeout + " ready timeout three times"
                        + " (is the machine that busy?):\n" + daemon.log());
            }
        }
    }

    /** Starts exactly {@code command} (which must end up running endlessd), logging to {@code dir/endlessd.log}. */
    public static DaemonProcess startRaw(Path dir, Map<String, String> environment, List<String> command)
            throws IOException {
        Path log = dir.resolve("endlessd.log");
        ProcessBuilder builder = new ProcessBuilder(withDefaultSighup(command))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("ENDLESSD_LOG_LEVEL", "DEBUG");
        // each test its own Java cache: no archive of another test (or worktree) in a shared ~/.local/state
        builder.environment().put("STATE_DIRECTORY", dir.resolve("state").toString());
        builder.environment().putAll(environment);
        return new DaemonProcess(builder.start(), log);
    }

    /**
     * Under {@code nohup mvn verify} this JVM ignores SIGHUP, every endlessd it started would inherit
     * that, and each test that reloads with SIGHUP would fail: those daemons get the default back.
     */
    private static List<String> withDefaultSighup(List<String> command) {
        if (!ignoresSighup()) {
            return command;
        }
        List<String> restored = new ArrayList<>(List.of("env", "--default-signal=HUP"));
        restored.addAll(command);
        return restored;
    }

    private static boolean ignoresSighup() {
        return (Long.parseUnsignedLong(Proc.status("self").get("SigIgn"), 16) & 1L) != 0;  // bit 0 is signal 1, SIGHUP
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Waits until a log line matches {@code regex}; returns the match, groups included. */
    public Matcher awaitLog(String regex) {
        return awaitLog(regex, 0);
    }

    /** Waits until {@code regex} matched more than {@code skip} times; returns match number {@code skip}. */
    public Matcher awaitLog(String regex, int skip) {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(log());
            for (int seen = 0; matcher.find(); seen++) {
                if (seen == skip) {
                    return matcher;
                }
            }
            if (!process.isAlive() && !pattern.matcher(log()).find()) {
                throw new AssertionError("endlessd exited (" + process.exitValue() + ") before logging /" + regex
                        + "/; log:\n" + log());
            }
            pause();
        }
        throw new AssertionError("no log line matched /" + regex + "/ within " + DEADLINE + "; log:\n" + log());
    }

    /** Waits for the first TCP listener on 127.0.0.1 in the start line and returns its port. */
    public int port() {
        return Integer.parseInt(awaitLog("listening on [\\w.-]+=127\\.0\\.0\\.1:(\\d+)").group(1));
    }

    /** Every match of {@code regex} in the log so far, in order. */
    public List<MatchResult> logMatches(String regex) {
        return Pattern.compile(regex).matcher(log()).results().toList();
    }

    /** Waits for "gen=N pid=P serves" and returns P. */
    public int awaitServing(long generation) {
        return Integer.parseInt(awaitLog("gen=" + generation + " pid=(\\d+) serves").group(1));
    }

    public void signal(int signal) {
        Posix.kill((int) process.pid(), signal);
    }

    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("endlessd did not exit within " + DEADLINE + "; log:\n" + log());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public static boolean processExists(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }

    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not true within " + DEADLINE);
            }
            pause();
        }
    }

    /** The polling interval of every wait in these tests. */
    public static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills endlessd and every process group it started that is still around. */
    @Override
    public void close() {
        Matcher spawned = Pattern.compile("gen=\\d+ pid=(\\d+) spawned").matcher(log());
        process.destroyForcibly();
        while (spawned.find()) {
            Posix.kill(-Integer.parseInt(spawned.group(1)), 9);
        }
    }
}
