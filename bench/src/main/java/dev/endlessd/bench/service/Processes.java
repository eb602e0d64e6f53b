package dev.endlessd.bench.service;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping what we started, and only that. */
final class Processes {
    private Processes() {
    }

    /**
     * SIGTERM to {@code process}; after {@code grace}, SIGKILL to it and to every descendant still there
     * (workers of a supervisor that did not stop them).
     */
    static void stop(Process process, Duration grace) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("bench: pid " + process.pid() + " still running " + grace
                        + " after SIGTERM: killing it and its children");
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
