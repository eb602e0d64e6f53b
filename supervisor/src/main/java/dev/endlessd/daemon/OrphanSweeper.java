package dev.endlessd.daemon;

import java.util.function.LongPredicate;

/**
 * Stops the processes a generation's workers left behind (re-parented to endlessd), once that
 * generation no longer serves. Called on the supervisor's thread.
 */
public interface OrphanSweeper {
    OrphanSweeper NONE = serving -> new Result(0, 0);

    /**
     * SIGTERM to the orphans of every generation {@code serving} refuses, SIGKILL to those still there a
     * drain timeout later.
     */
    Result sweep(LongPredicate serving);

    /**
     * @param left   orphans of ended generations still running
     * @param killed how many of them this sweep had to SIGKILL
     */
    record Result(int left, int killed) {
    }
}
