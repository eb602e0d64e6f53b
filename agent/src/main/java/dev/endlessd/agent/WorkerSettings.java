package dev.endlessd.agent;

import java.util.Map;
import java.util.OptionalInt;

/**
 * What endlessd tells its worker through the environment, parsed once: the inherited listeners
 * (fd 3 .. 3+{@code LISTEN_FDS}-1), the pre-connected notify fd, the drain budget and the names
 * for the log.
 *
 * @param listenFds     how many listeners follow fd 3
 * @param notifyFd      {@code ENDLESSD_NOTIFY_FD}, absent when endlessd did not pass one (or not a number)
 * @param drainMillis   {@code ENDLESSD_DRAIN_TIMEOUT_MS}: how long after SIGTERM before SIGKILL
 * @param name          {@code ENDLESSD_NAME}
 * @param generation    {@code ENDLESSD_GENERATION}
 */
public record WorkerSettings(int listenFds, OptionalInt notifyFd, long drainMillis, String name, String generation) {
    public static final int FIRST_FD = 3;
    /** systemd's and endlessd's default drain budget, for a worker started by an endlessd that does not say. */
    static final long DEFAULT_DRAIN_MILLIS = 30_000;

    public static WorkerSettings from(Map<String, String> environment) {
        return new WorkerSettings(
                parse(environment.get("LISTEN_FDS"), 0),
                fd(environment.get("ENDLESSD_NOTIFY_FD")),
                parseLong(environment.get("ENDLESSD_DRAIN_TIMEOUT_MS"), DEFAULT_DRAIN_MILLIS),
                environment.getOrDefault("ENDLESSD_NAME", "default"),
                environment.getOrDefault("ENDLESSD_GENERATION", "?"));
    }

    private static OptionalInt fd(String value) {
        int fd = parse(value, -1);
        return fd >= FIRST_FD ? OptionalInt.of(fd) : OptionalInt.empty();
    }

    private static int parse(String value, int fallback) {
        long parsed = parseLong(value, fallback);
        return parsed >= 0 && parsed <= Integer.MAX_VALUE ? (int) parsed : fallback;
    }

    private static long parseLong(String value, long fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            return parsed >= 0 ? parsed : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
