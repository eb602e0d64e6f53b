package dev.endlessd.daemon;

import java.time.Duration;

/**
 * Capped exponential delay between restarts of a crashing worker. A worker that stayed up for at
 * least {@code resetAfter} earns a fresh start at the initial delay.
 */
final class Backoff {
    private final Duration initial;
    private final Duration max;
    private final Duration resetAfter;
    private int failures;

    Backoff(Duration initial, Duration max, Duration resetAfter) {
        this.initial = initial;
        this.max = max;
        this.resetAfter = resetAfter;
    }

    /** The delay before the next restart, given how long the failed worker had been up. */
    Duration next(Duration upFor) {
        if (upFor.compareTo(resetAfter) >= 0) {
            failures = 0;
        }
        Duration delay = initial;
        for (int i = 0; i < failures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        failures++;
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
