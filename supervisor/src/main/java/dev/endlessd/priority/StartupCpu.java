package dev.endlessd.priority;

import java.util.Locale;

/** How a starting worker is given less CPU than the serving one ({@code --startup-cpu}). */
public enum StartupCpu {
    /** A cgroup weight where endlessd's cgroup was delegated to it, nice otherwise. */
    AUTO,
    /** A cgroup weight, in endlessd's own cgroup even without a service manager's mark of delegation. */
    CGROUP,
    /** nice, for the worker's session too where the kernel groups tasks by session (autogroup). */
    NICE,
    /** The worker starts with the serving worker's CPU share. */
    OFF;

    /** @throws IllegalArgumentException naming the accepted values */
    public static StartupCpu parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("startup-cpu: " + text + " (expected: auto, cgroup, nice or off)", e);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
