package dev.endlessd.daemon;

import dev.endlessd.time.Durations;
import java.time.Duration;
import java.util.Optional;

/**
 * The supervisor's timing policy.
 *
 * @param readyTimeout     how long a new worker may take to report READY
 * @param readyAfter       opt-in fallback: treat a worker as ready once it stayed alive this long
 * @param drainTimeout     how long a worker may drain after SIGTERM before SIGKILL
 * @param restartBackoff   first delay before restarting a crashed worker; doubles per crash
 * @param restartBackoffMax cap of that delay
 * @param restartBackoffReset a worker up at least this long resets the delay
 */
public record SupervisorSettings(Duration readyTimeout, Optional<Duration> readyAfter, Duration drainTimeout,
                                 Duration restartBackoff, Duration restartBackoffMax, Duration restartBackoffReset) {

    public SupervisorSettings {
        requirePositive("ready-timeout", readyTimeout);
        requirePositive("drain-timeout", drainTimeout);
        readyAfter.ifPresent(after -> requirePositive("ready-after", after));
        if (readyAfter.isPresent() && readyAfter.get().compareTo(readyTimeout) >= 0) {
            throw new IllegalArgumentException("ready-after: " + Durations.format(readyAfter.get())
                    + " (expected: shorter than --ready-timeout " + Durations.format(readyTimeout) + ")");
        }
    }

    public static SupervisorSettings of(Duration readyTimeout, Optional<Duration> readyAfter, Duration drainTimeout) {
        return new SupervisorSettings(readyTimeout, readyAfter, drainTimeout,
                Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    private static void requirePositive(String option, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(option + ": " + Durations.format(value) + " (expected: > 0)");
        }
    }
}
