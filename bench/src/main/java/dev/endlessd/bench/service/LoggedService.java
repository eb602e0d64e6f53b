package dev.endlessd.bench.service;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A service run as one long-lived process whose log tells its story in endlessd's words: {@code gen=N pid=P
 * spawned}, {@code reload requested}, {@code gen=N pid=P ready after ...}, {@code gen=N pid=P exited after
 * draining ...}, {@code reload of gen=N failed: ...}. endlessd writes these lines; the restarter copies them.
 *
 * <p>Not thread-safe: one driver thread.
 */
abstract class LoggedService implements Service {
    private static final Pattern REQUESTED = Pattern.compile("reload requested");
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d) ");

    protected final Stage stage;
    protected final String name;
    protected final int port;
    private Process process;
    private ProcessOutput output;
    private int generation;
    private long workerPid;

    LoggedService(Stage stage, String name, int port) {
        this.stage = stage;
        this.name = name;
        this.port = port;
    }

    @Override
    public int port() {
        return port;
    }

    /** The command line of the long-lived process. */
    abstract List<String> command();

    /** Sends the reload request. */
    abstract void requestReload(long pid) throws IOException, InterruptedException;

    /**
     * Whether the old worker is stopped even when its successor fails: true for stop-then-start, where
     * it is gone before the new one starts; false where a failed reload leaves it serving.
     */
    abstract boolean stopsOldWorkerFirst();

    /** Adds to the long-lived process's environment. */
    void environment(Map<String, String> env) throws IOException {
    }

    /** Waits for a line of the output, from the first on. */
    ProcessOutput.Match awaitLine(Pattern pattern, Duration timeout, String what) throws InterruptedException {
        return output.await(pattern, 0, timeout, what);
    }

    @Override
    public void start() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("LISTEN_") || key.equals("NOTIFY_SOCKET")
                || key.equals("ENDLESSD_JAVA_OPTS") || key.equals("ENDLESSD_JAR"));
        env.put("JAVA_HOME", stage.java().getParent().getParent().toString());
        environment(env);
        process = builder.start();
        Cleanup.started(this);
        output = ProcessOutput.follow(name, process, stage.logs().resolve(name + ".log"));
        ProcessOutput.Match serves = output.await(Pattern.compile("gen=1 pid=(\\d+) serves \\(start\\)"), 0,
                stage.readyTimeout().plusSeconds(10), "the first worker to serve");
        generation = 1;
        workerPid = Long.parseLong(serves.group(1));
    }

    @Override
    public Reload reload() throws IOException, InterruptedException {
        int mark = output.mark();
        long trigger = System.nanoTime();
        requestReload(process.pid());
        int next = generation + 1;
        ProcessOutput.Match requested = output.await(REQUESTED, mark, Duration.ofSeconds(10), "the reload request");
        ProcessOutput.Match outcome = output.await(
                Pattern.compile("gen=" + next + " pid=(\\d+) ready after|of gen=" + next + " failed: (.*)"),
                requested.line().index(), stage.readyTimeout().plus(stage.drainTimeout()).plusSeconds(10),
                "gen=" + next + " to get ready");
        boolean failed = outcome.group(1) == null;
        // The new worker's CPU time at READY, read the moment its line is here: before it serves for long
        long cpuMillis = failed ? -1 : ProcSample.read(Long.parseLong(outcome.group(1))).map(ProcSample::cpuMillis)
                .orElse(-1L);
        // After a failed overlapping reload the old worker serves on: waiting for its exit would only time out.
        ProcessOutput.Match gone = failed && !stopsOldWorkerFirst() ? null : awaitExit(mark);
        if (failed) {
            return new Reload(trigger, 0, gone == null ? 0 : gone.line().arrivalNanos(), false,
                    "gen=" + next + " failed: " + outcome.group(2), -1, since(requested, gone));
        }
        long pid = Long.parseLong(outcome.group(1));
        Reload reload = new Reload(trigger, outcome.line().arrivalNanos(),
                gone == null ? 0 : gone.line().arrivalNanos(), true, "gen=" + next + " pid=" + pid,
                since(requested, outcome), since(requested, gone),
                new Reload.Start(javaCache(next, requested.line().index()), cpuMillis,
                        phases(next, pid, requested.line().index(), outcome.line())));
        generation = next;
        workerPid = pid;
        return reload;
    }

    /** endlessd's word on generation {@code gen}'s Java cache, logged before its spawn. */
    private String javaCache(int gen, int from) {
        return output.find(Pattern.compile("gen=" + gen + " starts (from the java cache|cold|without the java cache)"),
                from).map(m -> switch (m.group(1)) {
                    case "from the java cache" -> "used";
                    case "cold" -> "cold";
                    default -> "none";
                }).orElse(javaCacheUnsaid());
    }

    /** What the Java cache of a worker whose start the log says nothing about was. */
    String javaCacheUnsaid() {
        return "-";
    }

    /**
     * The moments of a start (the JVM's agent loaded, the app's own marks, READY) as ms after the spawn line
     * arrived: the arrival of each line, so the pipe's and the log's own delays are in them (milliseconds).
     */
    private Map<String, Long> phases(int gen, long pid, int from, ProcessOutput.Line ready) {
        Map<String, Long> phases = new LinkedHashMap<>();
        var spawned = output.find(Pattern.compile("gen=" + gen + " pid=" + pid + " spawned"), from);
        if (spawned.isEmpty()) {
            return phases;
        }
        long zero = spawned.get().line().arrivalNanos();
        List<App.Phase> marks = new ArrayList<>(List.of(App.AGENT));
        marks.addAll(stage.app().phases());
        for (App.Phase phase : marks) {
            output.find(phase.forPid(pid), spawned.get().line().index()).ifPresent(m ->
                    phases.put(phase.name(), (m.line().arrivalNanos() - zero) / 1_000_000));
        }
        phases.put("READY", (ready.arrivalNanos() - zero) / 1_000_000);
        return phases;
    }

    private ProcessOutput.Match awaitExit(int mark) throws InterruptedException {
        Pattern exited = Pattern.compile("gen=" + generation + " pid=" + workerPid + " exited after");
        try {
            return output.await(exited, mark, stage.drainTimeout().plusSeconds(10),
                    "gen=" + generation + " pid=" + workerPid + " to exit");
        } catch (ServiceException e) {
            System.err.println("bench: " + e.getMessage());
            return null;
        }
    }

    /** Milliseconds between two log lines by their own timestamps; -1 if either is missing. */
    private static long since(ProcessOutput.Match from, ProcessOutput.Match to) {
        if (from == null || to == null) {
            return -1;
        }
        long millis = logMillis(to.line().text()) - logMillis(from.line().text());
        return millis < 0 ? millis + TimeUnit.DAYS.toMillis(1) : millis;
    }

    static long logMillis(String line) {
        var matcher = LOG_TIME.matcher(line);
        if (!matcher.find()) {
            throw new ServiceException("log line without a HH:mm:ss.SSS timestamp: " + line);
        }
        try {
            return LocalTime.parse(matcher.group(1)).toNanoOfDay() / 1_000_000;
        } catch (DateTimeParseException e) {
            throw new ServiceException("log line with a bad timestamp: " + line);
        }
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public OptionalLong supervisorPid() {
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    @Override
    public void close() {
        Processes.stop(process, stage.drainTimeout().plusSeconds(10));
        Cleanup.stopped(this);
    }

    static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new ServiceException("kill -" + signal + " " + pid + " failed (exit " + kill.exitValue() + ")");
        }
    }

    Path runtimeDir() {
        return stage.runtimeDir();
    }
}
