package dev.endlessd.sample.activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The listening sockets this process inherited under systemd's socket-activation convention
 * ({@code LISTEN_FDS}, {@code LISTEN_PID}, {@code LISTEN_FDNAMES}), as endlessd and systemd pass them.
 *
 * <p>The rules follow {@code sd_listen_fds_with_names(3)}: the sockets are fds 3, 4, ... in order; they
 * count only when {@code LISTEN_PID} names this process (the variables may have leaked from a parent
 * that was given them), and {@code LISTEN_FDNAMES}, when present, holds exactly one name per socket.
 * Parsing touches no file descriptor, so it is safe to call anywhere and as often as needed.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ListenFds {

    /** The first inherited descriptor ({@code SD_LISTEN_FDS_START}). */
    public static final int FIRST_FD = 3;

    /** The name given to each socket when {@code LISTEN_FDNAMES} is not set, as systemd does. */
    public static final String UNKNOWN_NAME = "unknown";

    private static final ListenFds NONE = new ListenFds(List.of(), null);

    private final List<ListenFd> sockets;
    private final String ignoredBecause;

    private ListenFds(List<ListenFd> sockets, String ignoredBecause) {
        this.sockets = sockets;
        this.ignoredBecause = ignoredBecause;
    }

    /** Reads this process's environment; see {@link #fromEnvironment(Map, long)}. */
    public static ListenFds fromEnvironment() {
        return fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    }

    /**
     * Parses the socket-activation variables.
     *
     * @param env    the environment to read
     * @param ownPid this process's pid, compared with {@code LISTEN_PID}
     * @return the sockets addressed to {@code ownPid}; none when the variables are absent or address
     *         another process (then {@link #ignoredBecause()} says why)
     * @throws IllegalArgumentException when a variable is present but malformed; the message names the
     *                                  variable, its value and what was expected
     */
    public static ListenFds fromEnvironment(Map<String, String> env, long ownPid) {
        String fdsValue = env.get("LISTEN_FDS");
        String pidValue = env.get("LISTEN_PID");
        if (fdsValue == null && pidValue == null) {
            return NONE;
        }
        if (pidValue == null) {
            return ignored("LISTEN_FDS is set but LISTEN_PID is not, so the sockets cannot be meant for us");
        }
        long listenPid = parseLong("LISTEN_PID", pidValue, 1, Long.MAX_VALUE, "a process id");
        if (listenPid != ownPid) {
            return ignored("LISTEN_PID=" + listenPid + " is not this process (pid " + ownPid
                    + "): the sockets were meant for another process");
        }
        if (fdsValue == null) {
            return NONE;
        }
        int count = (int) parseLong("LISTEN_FDS", fdsValue, 0, Integer.MAX_VALUE - FIRST_FD, "a count >= 0");
        return new ListenFds(withNames(count, env.get("LISTEN_FDNAMES")), null);
    }

    private static List<ListenFd> withNames(int count, String namesValue) {
        String[] names = namesValue == null ? null : namesValue.split(":", -1);
        if (names != null && names.length != count) {
            throw new IllegalArgumentException("LISTEN_FDNAMES: '" + namesValue + "' (expected: " + count
                    + " colon-separated names, one per socket in LISTEN_FDS)");
        }
        List<ListenFd> sockets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sockets.add(new ListenFd(FIRST_FD + i, names == null ? UNKNOWN_NAME : names[i]));
        }
        return List.copyOf(sockets);
    }

    private static ListenFds ignored(String reason) {
        return new ListenFds(List.of(), reason);
    }

    private static long parseLong(String variable, String value, long min, long max, String expected) {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the variable's name
        }
        throw new IllegalArgumentException(variable + ": '" + value + "' (expected: " + expected + ")");
    }

    /** The inherited sockets in fd order; empty when none are addressed to this process. */
    public List<ListenFd> sockets() {
        return sockets;
    }

    /** {@code true} when no socket is addressed to this process. */
    public boolean isEmpty() {
        return sockets.isEmpty();
    }

    /** Why variables that were present were not used, e.g. a {@code LISTEN_PID} naming another process. */
    public Optional<String> ignoredBecause() {
        return Optional.ofNullable(ignoredBecause);
    }

    @Override
    public String toString() {
        return sockets.toString();
    }
}
