package dev.endlessd.daemon;

/**
 * What can happen to the supervisor, as far as its {@link Phase} is concerned; the columns of the
 * table in {@link Transitions}. What happens to one worker alone (a draining worker exits, a status
 * line arrives) is not an event of the service.
 */
enum Event {
    /** The daemon is ready to run the first worker. */
    START,
    /** Someone asks for a new worker: SIGHUP or {@code endlessd reload}. */
    RELOAD,
    /** Graceful shutdown: SIGTERM, SIGINT, {@code endlessd stop}, or the first worker failed. */
    STOP,
    /** Immediate shutdown: a second SIGINT. */
    KILL,
    /** The worker being started reported READY=1 (or stayed alive for {@code --ready-after}). */
    CANDIDATE_READY,
    /** The worker on probation stayed alive through it (see {@code --probation}). */
    PROBATION_PASSED,
    /**
     * The worker being started exited, missed its ready deadline, or could not be started at all; or
     * the worker on probation exited.
     */
    CANDIDATE_FAILED,
    /** The worker that served exited on its own. */
    SERVING_EXITED,
    /** The backoff delay before a restart has passed. */
    RESTART_DUE,
    /** The last worker, and the last process left in a worker's group, is gone. */
    ALL_GONE,
    /** Someone asks endlessd to execute its new code in its own place: SIGUSR1 or {@code endlessd upgrade}. */
    UPGRADE,
    /** The new code passed its pre-flight check, and its exec failed (a successful exec never returns). */
    UPGRADE_CHECKED,
    /** The new code failed its pre-flight check. */
    UPGRADE_REFUSED,
    /** The new code takes over the state the old one handed over, in the same process. */
    RESUME
}
