package dev.endlessd.control;

import dev.endlessd.daemon.SupervisorSnapshot;
import dev.endlessd.daemon.WorkerSnapshot;
import dev.endlessd.daemon.WorkerState;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything {@code status} answers, taken at one instant on the supervisor's thread; immutable
 * and safe to render on any thread.
 *
 * @param now the wall-clock time of the snapshot, for "ago" and uptimes
 */
public record StatusReport(DaemonInfo daemon, SupervisorSnapshot supervisor, Instant now) {

    /** The worker that takes the traffic: the one that is ready, if any. */
    public Optional<WorkerSnapshot> serving() {
        return supervisor.workers().stream().filter(worker -> worker.state() == WorkerState.READY).findFirst();
    }

    Duration uptime() {
        Duration up = Duration.between(daemon.startedAt(), now);
        return up.isNegative() ? Duration.ZERO : up;
    }
}
