package dev.endlessd.control;

import dev.endlessd.daemon.SupervisorSnapshot;
import dev.endlessd.watch.WatchStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything {@code status} answers, taken at one instant on the supervisor's thread; immutable
 * and safe to render on any thread.
 *
 * @param watch what {@code --reload-on-change} watches and saw last; empty without it
 * @param now   the wall-clock time of the snapshot, for "ago" and uptimes
 */
public record StatusReport(DaemonInfo daemon, SupervisorSnapshot supervisor, Optional<WatchStatus> watch, Instant now) {

    public StatusReport(DaemonInfo daemon, SupervisorSnapshot supervisor, Instant now) {
        this(daemon, supervisor, Optional.empty(), now);
    }

    Duration uptime() {
        Duration up = Duration.between(daemon.startedAt(), now);
        return up.isNegative() ? Duration.ZERO : up;
    }
}
