package dev.endlessd.daemon;

import dev.endlessd.jvmcache.CacheUse;
import java.time.Duration;

/**
 * A worker as {@code endlessd status} shows it.
 *
 * @param age           time since spawn
 * @param status        the last {@code STATUS=} the worker sent, or ""
 * @param probationLeft how long until a worker on probation replaces the serving one; zero for any other
 * @param javaCache     whether its JVM started from the Java cache ({@code --java-cache})
 */
public record WorkerSnapshot(long generation, int pid, WorkerState state, Duration age, String status,
                             Duration probationLeft, CacheUse javaCache) {

    public WorkerSnapshot(long generation, int pid, WorkerState state, Duration age, String status,
                          Duration probationLeft) {
        this(generation, pid, state, age, status, probationLeft, CacheUse.NONE);
    }

    public WorkerSnapshot(long generation, int pid, WorkerState state, Duration age, String status,
                          CacheUse javaCache) {
        this(generation, pid, state, age, status, Duration.ZERO, javaCache);
    }

    public WorkerSnapshot(long generation, int pid, WorkerState state, Duration age, String status) {
        this(generation, pid, state, age, status, Duration.ZERO, CacheUse.NONE);
    }
}
