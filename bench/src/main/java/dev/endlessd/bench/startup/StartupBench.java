package dev.endlessd.bench.startup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/startup}: what the Java cache saves a new worker, exec to READY, in wall time (endlessd's own
 * "ready after") and in CPU seconds (the worker's utime + stime from {@code /proc/PID/stat}, read the moment
 * endlessd logs READY). Per app and JDK: one endlessd with {@code --java-cache=off}, one with it on; in
 * each, generation 1 and 2 start cold, then {@code --reloads} generations are measured, each reload only
 * once the previous old worker has exited (and, with the cache on, once generation 1 has written it), so
 * no other JVM of the run competes for the CPU ({@code --probation 0s}: the old worker drains at READY, which
 * changes nothing measured here and saves the run 10 s a reload). Prints one line per app, JDK and mode, with medians.
 *
 * <p>Usage: {@code StartupBench ENDLESSD OUT_DIR RELOADS NAME=COMMAND...}; COMMAND may contain {@code {port}}.
 */
public final class StartupBench {
    private static final long DEADLINE_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: StartupBench ENDLESSD OUT_DIR RELOADS NAME=COMMAND...");
            System.exit(2);
        }
        Path endlessd = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        int reloads = Integer.parseInt(args[2]);
        System.out.printf(Locale.ROOT, "%-28s %-5s %22s %22s %8s %8s%n", "app", "cache", "cold wall / CPU (s)",
                "later wall / CPU (s)", "wall", "CPU");
        for (int i = 3; i < args.length; i++) {
            String name = args[i].substring(0, args[i].indexOf('='));
            String command = args[i].substring(args[i].indexOf('=') + 1);
            for (String cache : List.of("off", "on")) {
                Run run = run(endlessd, out.resolve(name + "-" + cache), name, command, cache, reloads);
                System.out.printf(Locale.ROOT, "%-28s %-5s %10.2f / %-9.2f %10.2f / %-9.2f %7.2fx %7.2fx%n", name,
                        cache, median(run.coldWall), median(run.coldCpu), median(run.laterWall), median(run.laterCpu),
                        median(run.laterWall) / median(run.coldWall), median(run.laterCpu) / median(run.coldCpu));
                System.out.printf(Locale.ROOT, "    each (wall/CPU s): cold %s later %s%n", pairs(run.coldWall, run.coldCpu),
                        pairs(run.laterWall, run.laterCpu));
            }
        }
    }

    private record Run(List<Double> coldWall, List<Double> coldCpu, List<Double> laterWall, List<Double> laterCpu) {
    }

    private static Run run(Path endlessd, Path dir, String name, String command, String cache, int reloads)
            throws Exception {
        Files.createDirectories(dir);
        int port = freePort();
        Path log = dir.resolve("endlessd.log");
        ProcessBuilder builder = new ProcessBuilder(endlessd.toString(), "--name", name, "--runtime-dir",
                dir.resolve("run").toString(), "--cmd", command.replace("{port}", Integer.toString(port)), "--listen",
                "127.0.0.1:" + port, "--java-cache=" + cache, "--startup-nice", "0", "--probation", "0s",
                "--ready-timeout", "300s", "--drain-timeout", "300s")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("STATE_DIRECTORY", dir.resolve("state").toString());
        Process daemon = builder.start();
        Run run = new Run(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try {
            for (int generation = 1; generation <= reloads + 2; generation++) {
                Process reload = generation > 1 ? reload(endlessd, name, dir) : null;
                Matcher ready = await(log, "gen=" + generation + " pid=(\\d+) ready after (.+?) \\(");
                double cpu = cpuSeconds(Integer.parseInt(ready.group(1)));
                double wall = seconds(ready.group(2));
                (generation <= 2 ? run.coldWall : run.laterWall).add(wall);
                (generation <= 2 ? run.coldCpu : run.laterCpu).add(cpu);
                if (reload != null && (!reload.waitFor(60, TimeUnit.SECONDS) || reload.exitValue() != 0)) {
                    throw new IllegalStateException("endlessd reload failed; see " + log);
                }
                if (generation > 1) {
                    await(log, "gen=" + (generation - 1) + " pid=\\d+ exited after draining");
                }
                if (generation == 2 && cache.equals("on")) {
                    await(log, "gen=1 pid=\\d+(?: wrote the java cache|: no java cache kept| was killed before)");
                }
            }
        } finally {
            daemon.destroy(); // SIGTERM: endlessd drains its worker and exits
            if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
        return run;
    }

    /**
     * {@code endlessd reload}, not waited for here: the bench reads the worker's CPU time the moment the
     * log says READY, not once the client has heard of it. (Not SIGHUP: under nohup endlessd ignores it.)
     */
    private static Process reload(Path endlessd, String name, Path dir) throws IOException {
        return new ProcessBuilder(endlessd.toString(), "reload", "--name", name, "--runtime-dir",
                dir.resolve("run").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("reloads.log").toFile())
                .start();
    }

    /** utime + stime of the process and of its waited-for children, from /proc/PID/stat. */
    static double cpuSeconds(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"), StandardCharsets.US_ASCII);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the command: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                + Long.parseLong(fields[14]);
        return ticks / TICKS_PER_SECOND;
    }

    /** endlessd's durations: "850 ms", "4.2s", "1m3s". */
    static double seconds(String text) {
        Matcher matcher = Pattern.compile("(?:(\\d+)m)?(?:([\\d.]+)s)?").matcher(text);
        if (text.endsWith("ms")) {
            return Double.parseDouble(text.substring(0, text.length() - 2).strip()) / 1000;
        }
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        return (matcher.group(1) == null ? 0 : Long.parseLong(matcher.group(1)) * 60)
                + (matcher.group(2) == null ? 0 : Double.parseDouble(matcher.group(2)));
    }

    private static Matcher await(Path log, String regex) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (matcher.find()) {
                return matcher;
            }
            Thread.sleep(5); // polling a log file: nothing else tells the bench
        }
        throw new IllegalStateException("no /" + regex + "/ in " + log + " within 5 minutes");
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String pairs(List<Double> wall, List<Double> cpu) {
        List<String> each = new ArrayList<>();
        for (int i = 0; i < wall.size(); i++) {
            each.add(String.format(Locale.ROOT, "%.2f/%.2f", wall.get(i), cpu.get(i)));
        }
        return String.join(" ", each);
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
