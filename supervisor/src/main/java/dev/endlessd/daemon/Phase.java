package dev.endlessd.daemon;

import java.util.Locale;

/**
 * Where the service as a whole is. Not to be confused with a worker's {@link WorkerState}: the
 * service is {@link #RELOADING} while its new worker is {@code STARTING} and its old one {@code READY}.
 * The moves between phases are the table in {@link Transitions}.
 */
public enum Phase {
    /** Nothing started yet. */
    NEW,
    /** The first worker is starting; nothing serves yet. */
    LAUNCHING,
    /** A worker serves; nothing is starting. */
    SERVING,
    /**
     * A new worker is starting to replace the serving one (if any), or is ready and on probation beside
     * it: the reload is settled only when it has passed.
     */
    RELOADING,
    /** No worker serves: a restart waits for its backoff delay. */
    BACKING_OFF,
    /** No worker serves: a restarted worker is starting. */
    RESTARTING,
    /**
     * A worker serves while the new code of endlessd is checked before it executes in this
     * process's place; reloads and restarts asked for meanwhile run after the upgrade.
     */
    UPGRADING,
    /** Every worker was told to drain; endlessd ends when the last one is gone. */
    STOPPING,
    /** No worker left; endlessd exits. */
    STOPPED;

    /** "serving", "backing-off": the name in {@code endlessd status}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
