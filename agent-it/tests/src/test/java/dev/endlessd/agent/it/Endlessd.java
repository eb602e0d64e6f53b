package dev.endlessd.agent.it;

import java.io.File;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real endlessd, started through the launcher the supervisor build made, with the agent jar the
 * agent build made ({@code ENDLESSD_AGENT_JAR}), logging to a file the test reads. Closing it kills
 * endlessd and every worker group it started.
 */
final class Endlessd implements AutoCloseable {
    /** Generous: a Spring Boot app on a busy two-core machine has taken over a minute to start. */
    static final Duration DEADLINE = Duration.ofSeconds(240);

    private final Process process;
    private final Path log;
    private final Path runtimeDir;
    private final String name;

    private Endlessd(Process process, Path log, Path runtimeDir, String name) {
        this.process = process;
        this.log = log;
        this.runtimeDir = runtimeDir;
        this.name = name;
    }

    static Path launcher() {
        return Path.of(System.getProperty("endlessd.launcher", "../../supervisor/target/endlessd"));
    }

    static Path agentJar() {
        return Path.of(System.getProperty("endlessd.agent.jar", "../../agent/target/endlessd-agent.jar"));
    }

    /** {@code endlessd --name NAME --runtime-dir DIR/run ARGS...}, its log in {@code DIR/endlessd.log}. */
    static Endlessd start(Path dir, String name, Map<String, String> environment, String... args) throws IOException {
        for (Path built : List.of(launcher(), agentJar())) {
            if (!Files.isRegularFile(built)) {
                throw new AssertionError(built + " is missing: build the reactor first (mvn -B -DskipTests package)");
            }
        }
        List<String> command = new ArrayList<>(List.of(launcher().toString(), "--name", name,
                "--runtime-dir", dir.resolve("run").toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve("endlessd.log");
        ProcessBuilder builder = new ProcessBuilder(withDefaultSighup(command))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(key -> key.startsWith("LISTEN_") || key.equals("NOTIFY_SOCKET")
                || key.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("ENDLESSD_AGENT_JAR", agentJar().toAbsolutePath().toString());
        builder.environment().put("STATE_DIRECTORY", dir.resolve("state").toString()); // a Java cache per test
        builder.environment().putAll(environment);
        return new Endlessd(builder.start(), log, dir.resolve("run"), name);
    }

    /** Under {@code nohup}, SIGHUP would stay ignored in endlessd: give it the default back, as the supervisor's tests do. */
    private static List<String> withDefaultSighup(List<String> command) {
        List<String> restored = new ArrayList<>(List.of("env", "--default-signal=HUP"));
        restored.addAll(command);
        return restored;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Waits until {@code regex} matched more than {@code skip} times in the log; returns match number {@code skip}. */
    Matcher awaitLog(String regex, int skip) {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(log());
            for (int seen = 0; matcher.find(); seen++) {
                if (seen == skip) {
                    return matcher;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("endlessd exited (" + process.exitValue() + ") before logging /" + regex
                        + "/; log:\n" + log());
            }
            pause();
        }
        throw new AssertionError("no log line matched /" + regex + "/ within " + DEADLINE + "; log:\n" + log());
    }

    Matcher awaitLog(String regex) {
        return awaitLog(regex, 0);
    }

    /** Waits until generation {@code generation} serves; returns its pid. */
    long awaitServing(long generation) {
        return Long.parseLong(awaitLog("gen=" + generation + " pid=(\\d+) serves").group(1));
    }

    /** Milliseconds from spawn to READY of generation {@code generation}, as endlessd logged it. */
    long readyMillis(long generation) {
        Matcher matcher = awaitLog("gen=" + generation + " pid=\\d+ ready after (?:(\\d+) ms|(?:(\\d+)m)?(?:([\\d.]+)s)?) \\(");
        if (matcher.group(1) != null) {
            return Long.parseLong(matcher.group(1));
        }
        long minutes = matcher.group(2) == null ? 0 : Long.parseLong(matcher.group(2));
        double seconds = matcher.group(3) == null ? 0 : Double.parseDouble(matcher.group(3));
        return minutes * 60_000 + Math.round(seconds * 1000);
    }

    /** {@code endlessd reload}: returns once the new worker serves; fails the test with the reason otherwise. */
    void reload() throws IOException, InterruptedException {
        Process reload = new ProcessBuilder(launcher().toString(), "reload", "--name", name,
                "--runtime-dir", runtimeDir.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(reload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!reload.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS) || reload.exitValue() != 0) {
            throw new AssertionError("endlessd reload failed: " + output + "\nlog:\n" + log());
        }
    }

    static boolean processExists(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not true within " + DEADLINE);
            }
            pause();
        }
    }

    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        Matcher spawned = Pattern.compile("gen=\\d+ pid=(\\d+) spawned").matcher(log());
        process.destroyForcibly();
        while (spawned.find()) {
            ProcessHandle.of(Long.parseLong(spawned.group(1))).ifPresent(worker -> {
                worker.descendants().forEach(ProcessHandle::destroyForcibly);
                worker.destroyForcibly();
            });
        }
    }
}
