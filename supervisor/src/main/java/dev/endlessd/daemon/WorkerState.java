package dev.endlessd.daemon;

/**
 * A worker's lifecycle. Transitions: STARTING → READY → DRAINING → EXITED; STARTING → PROBATION → READY
 * (a reloaded worker that must stay alive a while before it replaces the serving one); STARTING or
 * PROBATION → DRAINING (never ready in time, or endlessd stops); any → EXITED (the process ended).
 */
public enum WorkerState {
    /** Spawned, has not reported READY yet; not trusted with traffic by the supervisor. */
    STARTING,
    /**
     * Reported READY and takes connections beside the serving worker, which drains only once this one
     * stayed alive for {@code --probation}.
     */
    PROBATION,
    /** Reported READY and is the serving worker. */
    READY,
    /** Sent SIGTERM; finishing in-flight work; SIGKILL when the drain timeout passes. */
    DRAINING,
    /** Reaped. */
    EXITED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
