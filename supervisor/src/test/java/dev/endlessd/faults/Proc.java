package dev.endlessd.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** What /proc says about processes: descriptors, threads, memory, CPU time, parents and groups. */
final class Proc {
    private static long clockTicks;

    private Proc() {
    }

    /** One line of /proc/PID/stat, the fields the suite reads. */
    record Stat(long pid, char state, long ppid, long pgid, long cpuTicks) {
        boolean zombie() {
            return state == 'Z';
        }
    }

    /** A process's resource figures at one moment. */
    record Footprint(int fds, int threads, long rssKib) {
        static Footprint of(long pid) {
            return new Footprint(Proc.fdCount(pid), Proc.threadCount(pid), Proc.rssKib(pid));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "fds=%d threads=%d rss=%.1f MiB", fds, threads, rssKib / 1024.0);
        }
    }

    static int fdCount(long pid) {
        return count(Path.of("/proc", Long.toString(pid), "fd"));
    }

    static int threadCount(long pid) {
        return count(Path.of("/proc", Long.toString(pid), "task"));
    }

    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no VmRSS in /proc/" + pid + "/status");
    }

    /** utime + stime of the whole process, in seconds. */
    static double cpuSeconds(long pid) {
        Stat stat = stat(pid);
        if (stat == null) {
            throw new AssertionError("process " + pid + " is gone");
        }
        return stat.cpuTicks() / (double) clockTicksPerSecond();
    }

    /** Null when the process is gone. */
    static Stat stat(long pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            // raced with the exit of the process
            return null;
        }
        // the command name in parentheses may itself contain spaces and parentheses
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        return new Stat(pid, fields[0].charAt(0), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
    }

    static List<Stat> all() {
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

    static List<Stat> childrenOf(long pid) {
        return all().stream().filter(p -> p.ppid() == pid).toList();
    }

    static List<Stat> zombieChildrenOf(long pid) {
        return childrenOf(pid).stream().filter(Stat::zombie).toList();
    }

    /** Every process in process group {@code pgid}, zombies included. */
    static List<Stat> group(long pgid) {
        return all().stream().filter(p -> p.pgid() == pgid).toList();
    }

    static synchronized long clockTicksPerSecond() {
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
