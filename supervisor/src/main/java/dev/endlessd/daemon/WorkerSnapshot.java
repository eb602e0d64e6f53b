package dev.endlessd.daemon;

import java.time.Duration;

/**
 * A worker as {@code endlessd status} shows it.
 *
 * @param age    time since spawn
 * @param status the last {@code STATUS=} the worker sent, or ""
 */
public record WorkerSnapshot(long generation, int pid, WorkerState state, Duration age, String status) {
}
