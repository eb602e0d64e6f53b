package dev.endlessd.daemon;

import java.util.List;
import java.util.Optional;

/** The supervisor's state at one instant, taken on its thread and safe to hand to any other. */
public record SupervisorSnapshot(Phase phase, List<WorkerSnapshot> workers, Optional<ReloadRecord> lastReload) {
    public SupervisorSnapshot {
        workers = List.copyOf(workers);
    }

    /** The worker that takes the traffic: the one that is ready, if any. */
    public Optional<WorkerSnapshot> serving() {
        return workers.stream().filter(worker -> worker.state() == WorkerState.READY).findFirst();
    }
}
