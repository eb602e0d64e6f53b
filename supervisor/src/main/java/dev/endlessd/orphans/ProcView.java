package dev.endlessd.orphans;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What /proc says of other processes: who our children are, what environment they started with,
 * which sockets they hold. Every answer is a snapshot that may be stale by the time it is used; a
 * process that is gone, or that we may not inspect, reads as empty. Stateless and thread-safe.
 */
final class ProcView {
    /** Enough for any environment a server starts with; a larger one is read up to here. */
    private static final int ENVIRON_MAX_BYTES = 1 << 20;
    private static final Path PROC = Path.of("/proc");

    private ProcView() {
    }

    /** A process's state letter ('Z' for a zombie) and process group, from /proc/PID/stat. */
    record Stat(int pid, char state, int ppid, int pgid) {
        boolean zombie() {
            return state == 'Z';
        }
    }

    /**
     * The children of this process, zombies included. Read from each thread's
     * {@code /proc/self/task/TID/children} (a child's parent is the thread that forked it, or the one
     * an orphan was handed to): a few small files rather than the whole process table; where the
     * kernel lacks them ({@code CONFIG_PROC_CHILDREN}), every process's stat is read instead.
     *
     * @param self this process's pid, as this /proc numbers it
     */
    static List<Stat> childrenOf(int self) {
        List<Stat> children = new ArrayList<>();
        boolean listed = false;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve("self").resolve("task"))) {
            for (Path task : tasks) {
                String text;
                try {
                    text = Files.readString(task.resolve("children"), StandardCharsets.US_ASCII);
                } catch (java.nio.file.NoSuchFileException noSuchFile) {
                    if (Files.isDirectory(task)) {
                        listed = false; // the thread is there, its children file is not: no CONFIG_PROC_CHILDREN
                        break;
                    }
                    continue; // the thread ended meanwhile
                }
                listed = true;
                for (String pid : text.trim().split(" ")) {
                    if (!pid.isEmpty()) {
                        stat(Integer.parseInt(pid)).filter(stat -> stat.ppid() == self).ifPresent(children::add);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            listed = false;
        }
        return listed ? children : scanForChildrenOf(self);
    }

    private static List<Stat> scanForChildrenOf(int parent) {
        List<Stat> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    stat(Integer.parseInt(name)).filter(stat -> stat.ppid() == parent).ifPresent(children::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: no child can be named, which leaves every orphan alone
        }
        return children;
    }

    static Optional<Stat> stat(int pid) {
        String text;
        try {
            text = Files.readString(PROC.resolve(Integer.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
        } catch (IOException gone) {
            return Optional.empty();
        }
        // the command name in parentheses may itself hold spaces and parentheses
        int end = text.lastIndexOf(')');
        if (end < 0 || end + 2 >= text.length()) {
            return Optional.empty();
        }
        String[] fields = text.substring(end + 2).split(" ", 5);
        try {
            return Optional.of(new Stat(pid, fields[0].charAt(0), Integer.parseInt(fields[1]), Integer.parseInt(fields[2])));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /**
     * The variables among {@code names} in the environment {@code pid} was started with (what it
     * exec'd with, not what it set since). Empty when it is gone, a zombie, or not ours to read.
     */
    static Map<String, String> environment(int pid, Set<String> names) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(PROC.resolve(Integer.toString(pid)).resolve("environ"))) {
            bytes = in.readNBytes(ENVIRON_MAX_BYTES);
        } catch (IOException | SecurityException unreadable) {
            return Map.of();
        }
        Map<String, String> found = new HashMap<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                String entry = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                int equals = entry.indexOf('=');
                if (equals > 0 && names.contains(entry.substring(0, equals))) {
                    found.putIfAbsent(entry.substring(0, equals), entry.substring(equals + 1));
                }
                start = i + 1;
            }
        }
        return found;
    }

    /** The inode of the socket behind {@code pid}'s descriptor {@code fd} ("self" for this process), or empty. */
    static Optional<String> socketInode(String pid, int fd) {
        try {
            String target = Files.readSymbolicLink(PROC.resolve(pid).resolve("fd").resolve(Integer.toString(fd))).toString();
            return target.startsWith("socket:") ? Optional.of(target) : Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The sockets among {@code inodes} ("socket:[N]") that {@code pid} holds open. */
    static List<String> heldSockets(int pid, Set<String> inodes) {
        List<String> held = new ArrayList<>();
        if (inodes.isEmpty()) {
            return held;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Integer.toString(pid)).resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (inodes.contains(target) && !held.contains(target)) {
                        held.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away while we looked
                }
            }
        } catch (IOException | SecurityException e) {
            // gone, or not ours to inspect
        }
        return held;
    }
}
