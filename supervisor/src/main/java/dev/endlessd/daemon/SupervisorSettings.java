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
 * @param probation        how long a reloaded worker must stay alive after READY before the one it replaces
 *                         drains; zero: it drains at READY
 */
public record SupervisorSettings(Duration readyTimeout, Optional<Duration> readyAfter, Duration drainTimeout,
                                 Duration restartBackoff, Duration restartBackoffMax, Duration restartBackoffReset,
                                 Duration probation) {

    public SupervisorSettings {
        requirePositive("ready-timeout", readyTimeout);
        requirePositive("drain-timeout", drainTimeout);
        readyAfter.ifPresent(after -> requirePositive("ready-after", after));
        if (probation.isNegative()) {
            throw new IllegalArgumentException("probation: " + Durations.format(probation) + " (expected: >= 0; 0 turns it off)");
        }
        if (readyAfter.isPresent() && readyAfter.get().compareTo(readyTimeout) >= 0) {
            throw new IllegalArgumentException("ready-after: " + Durations.format(readyAfter.get())
                    + " (expected: shorter than --ready-timeout " + Durations.format(readyTimeout) + ")");
        }
    }

    public static SupervisorSettings of(Duration readyTimeout, Optional<Duration> readyAfter, Duration drainTimeout,
                                        Duration probation) {
        return new SupervisorSettings(readyTimeout, readyAfter, drainTimeout,
                Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(30), probation);
    }

    private static void requirePositive(String option, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(option + ": " + Durations.format(value) + " (expected: > 0)");
        }
    }
}
