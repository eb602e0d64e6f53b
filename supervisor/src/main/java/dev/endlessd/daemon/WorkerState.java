package dev.endlessd.daemon;

/**
 * A worker's lifecycle. Transitions: STARTING → READY → DRAINING → EXITED; STARTING → DRAINING
 * (never ready in time: told to stop); any → EXITED (the process ended).
 */
public enum WorkerState {
    /** Spawned, has not reported READY yet; not trusted with traffic by the supervisor. */
    STARTING,
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
