package dev.endlessd.daemon;

import java.time.Duration;

/** How a reload ended, as told to whoever asked for it. */
public sealed interface ReloadOutcome {

    /** The new worker is ready and every older one was told to drain. */
    record Succeeded(long generation, int pid, Duration timeToReady) implements ReloadOutcome {
    }

    /**
     * The new worker did not become ready; the worker that was serving (if any) still serves.
     *
     * @param generation the generation that failed, or 0 when none was started
     */
    record Failed(long generation, String reason) implements ReloadOutcome {
    }
}
