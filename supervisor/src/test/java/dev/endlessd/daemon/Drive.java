package dev.endlessd.daemon;

import dev.endlessd.notify.NotifyMessage;
import dev.endlessd.spawn.ExitStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.function.IntConsumer;

/** What the supervisor's unit tests feed it: its settings, a first worker that serves, READY, an exit by signal. */
final class Drive {
    static final SupervisorSettings SETTINGS = new SupervisorSettings(Duration.ofSeconds(60), Optional.empty(),
            Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ZERO);

    private Drive() {
    }

    static Supervisor supervisor(SupervisorSettings settings, FakeStarter starter, ManualTimers timers,
                                 IntConsumer onStopped, Supervisor.PhaseListener listener) {
        return new Supervisor(settings, starter, timers, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), onStopped, listener);
    }

    /** Starts the first worker and makes it ready: the supervisor is SERVING. */
    static Worker serving(Supervisor supervisor, FakeStarter starter) {
        supervisor.start();
        Worker worker = starter.last();
        ready(supervisor, worker);
        return worker;
    }

    static void ready(Supervisor supervisor, Worker worker) {
        supervisor.notified(worker, NotifyMessage.parse("READY=1"));
    }

    static ExitStatus killedBy(int signal) {
        return new ExitStatus(-1, signal, false);
    }
}
