package dev.endlessd.daemon;

import java.time.Duration;

/** Time for the supervisor: a monotonic clock and one-shot timers that fire on the supervisor's thread. */
interface Timers {

    /** A scheduled task that may still be cancelled. */
    interface Timer {
        void cancel();
    }

    /** Monotonic nanoseconds. */
    long nanoTime();

    /** @throws RuntimeException when no timer can be armed (the loop is shutting down) */
    Timer schedule(Duration delay, Runnable task);
}
