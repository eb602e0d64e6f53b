package dev.endlessd.control;

import dev.endlessd.daemon.SupervisorSnapshot;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything {@code status} answers, taken at one instant on the supervisor's thread; immutable
 * and safe to render on any thread.
 *
 * @param now the wall-clock time of the snapshot, for "ago" and uptimes
 */
public record StatusReport(DaemonInfo daemon, SupervisorSnapshot supervisor, Instant now) {

    Duration uptime() {
        Duration up = Duration.between(daemon.startedAt(), now);
        return up.isNegative() ? Duration.ZERO : up;
    }
}
