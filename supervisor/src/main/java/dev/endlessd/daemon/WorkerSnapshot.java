package dev.endlessd.daemon;

import java.time.Duration;

/**
 * A worker as {@code endlessd status} shows it.
 *
 * @param age    time since spawn
 * @param status the last {@code STATUS=} the worker sent, or ""
 * @param probationLeft how long until a worker on probation replaces the serving one; zero for any other
 */
public record WorkerSnapshot(long generation, int pid, WorkerState state, Duration age, String status,
                             Duration probationLeft) {
}
