package dev.endlessd.bench.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code /proc} says about one process at one moment.
 *
 * @param rssKiB     VmRSS: resident memory now
 * @param anonKiB    RssAnon: the part of it that is the process's own (heap, metaspace, code cache, stacks,
 *                   malloc); the rest is mapped files (the JDK's modules and CDS archive, shared libraries)
 * @param peakRssKiB VmHWM: the highest resident memory since the process started
 * @param cpuMillis  utime + stime: CPU time used so far, user and system
 * @param fds        open file descriptors (entries in /proc/PID/fd)
 * @param threads    threads
 */
public record ProcSample(long rssKiB, long anonKiB, long peakRssKiB, long cpuMillis, int fds, int threads) {
    static final long TICKS_PER_SECOND = ClockTicks.PER_SECOND;

    /** Reads {@code /proc/PID}; empty when the process is gone. */
    public static Optional<ProcSample> read(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            List<String> status = Files.readAllLines(proc.resolve("status"));
            String stat = Files.readString(proc.resolve("stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            int fds;
            try (Stream<Path> entries = Files.list(proc.resolve("fd"))) {
                fds = (int) entries.count();
            }
            return Optional.of(new ProcSample(kib(status, "VmRSS:"), kib(status, "RssAnon:"), kib(status, "VmHWM:"),
                    ticks * 1000 / TICKS_PER_SECOND, fds, (int) kib(status, "Threads:")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * CPU time of a process and its descendants, in milliseconds: each one's utime + stime, plus cutime +
     * cstime, the CPU of children it has already reaped (workers that came and went). {@code descendants}
     * false counts the process and its reaped children only. 0 when the process is gone.
     */
    public static long treeCpuMillis(long pid, boolean descendants) {
        long ticks = cpuTicks(pid);
        if (descendants) {
            ticks += ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                    .mapToLong(child -> cpuTicks(child.pid())).sum();
        }
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long kib(List<String> status, String key) {
        for (String line : status) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("no " + key + " in /proc status");
    }

    public double rssMiB() {
        return rssKiB / 1024.0;
    }

    public double peakRssMiB() {
        return peakRssKiB / 1024.0;
    }

    /** The kernel's clock tick (USER_HZ), from {@code getconf CLK_TCK}; 100 on every Linux we know of. */
    private static final class ClockTicks {
        static final long PER_SECOND = read();

        private static long read() {
            try {
                Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(getconf.getInputStream().readAllBytes()).trim();
                return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
            } catch (IOException | NumberFormatException e) {
                return 100;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 100;
            }
        }
    }
}
