package dev.endlessd.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Locale;
import java.util.stream.Stream;

/** What /proc says about processes: descriptors, threads, memory, CPU time, priority, parents and groups. */
public final class Proc {
    private static long clockTicks;

    private Proc() {
    }

    /** One line of /proc/PID/stat (or of a thread's), the fields the tests read. */
    public record Stat(long pid, char state, long ppid, long pgid, long cpuTicks, int nice) {
        public boolean zombie() {
            return state == 'Z';
        }
    }

    /** A process's resource figures at one moment. */
    public record Footprint(int fds, int threads, long rssKib) {
        public static Footprint of(long pid) {
            return new Footprint(Proc.fdCount(pid), Proc.threadCount(pid), Proc.rssKib(pid));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "fds=%d threads=%d rss=%.1f MiB", fds, threads, rssKib / 1024.0);
        }
    }

    public static int fdCount(long pid) {
        return count(Path.of("/proc", Long.toString(pid), "fd"));
    }

    public static int threadCount(long pid) {
        return count(Path.of("/proc", Long.toString(pid), "task"));
    }

    public static long rssKib(long pid) {
        String rss = status(Long.toString(pid)).get("VmRSS");
        if (rss == null) {
            throw new AssertionError("no VmRSS in /proc/" + pid + "/status");
        }
        return Long.parseLong(rss.replaceAll("\\D", ""));
    }

    /**
     * The fields of /proc/PROCESS/status, in order, values stripped; empty when the process is gone.
     *
     * @param process a pid, or {@code self}
     */
    public static Map<String, String> status(String process) {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", process, "status"))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
        } catch (IOException gone) {
            return Map.of();
        }
        return fields;
    }

    /** utime + stime of the whole process, in seconds. */
    public static double cpuSeconds(long pid) {
        Stat stat = stat(pid);
        if (stat == null) {
            throw new AssertionError("process " + pid + " is gone");
        }
        return stat.cpuTicks() / (double) clockTicksPerSecond();
    }

    /** Null when the process is gone. */
    public static Stat stat(long pid) {
        return stat(pid, Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** Each thread of the process; empty when it is gone. */
    public static List<Stat> threads(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(task -> stat(Long.parseLong(task.getFileName().toString()), task.resolve("stat")))
                    .filter(Objects::nonNull).toList();
        } catch (IOException gone) {
            return List.of();
        }
    }

    private static Stat stat(long pid, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            // raced with the exit of the process
            return null;
        }
        // the command name in parentheses may itself contain spaces and parentheses
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        return new Stat(pid, fields[0].charAt(0), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Integer.parseInt(fields[16]));
    }

    public static List<Stat> all() {
        List<Stat> processes = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    Stat stat = stat(Long.parseLong(name));
                    if (stat != null) {
                        processes.add(stat);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return processes;
    }

    public static List<Stat> childrenOf(long pid) {
        return all().stream().filter(p -> p.ppid() == pid).toList();
    }

    /**
     * The children of endlessd {@code pid} but its guard process (guard/WorkerGuard: a shell named
     * {@code endlessd-guard} that outlives the workers), zombies included.
     */
    public static List<Stat> workersOf(long pid) {
        return childrenOf(pid).stream().filter(p -> !isGuard(p.pid())).toList();
    }

    private static boolean isGuard(long pid) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"))
                    .contains("endlessd-guard");
        } catch (IOException gone) {
            return false;
        }
    }

    public static List<Stat> zombieChildrenOf(long pid) {
        return childrenOf(pid).stream().filter(Stat::zombie).toList();
    }

    /** Every process in process group {@code pgid}, zombies included. */
    public static List<Stat> group(long pgid) {
        return all().stream().filter(p -> p.pgid() == pgid).toList();
    }

    public static synchronized long clockTicksPerSecond() {
        if (clockTicks == 0) {
            try {
                Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                getconf.waitFor();
                clockTicks = Long.parseLong(out);
            } catch (IOException | NumberFormatException e) {
                clockTicks = 100; // USER_HZ on every Linux architecture the JDK runs on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                clockTicks = 100;
            }
        }
        return clockTicks;
    }

    private static int count(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return (int) entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
