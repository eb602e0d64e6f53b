package dev.endlessd.priority;

import dev.endlessd.os.Posix;
import dev.endlessd.time.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new worker starts at a lower CPU priority (through {@code nice}, see {@code ExecWrapper}), so
 * that starting it takes as little as possible from the worker that serves; this gives its whole
 * process group the serving priority back once it is ready, or after {@link #LIMIT} at most, so that
 * a saturated machine cannot starve its start. Only root may raise a priority again.
 *
 * <p>Confined to the supervisor's thread, on which {@code timers} must run its tasks.
 */
public final class StartupPriority {
    private static final Logger log = LoggerFactory.getLogger(StartupPriority.class);

    /**
     * How long a new worker may run at the lower start-up priority. On an idle machine the priority
     * costs it nothing; on a saturated one it gets a tenth of a core at nice 10, and its start would
     * take ten times as long (43 s measured instead of 4.5 s) without a limit.
     */
    public static final Duration LIMIT = Duration.ofSeconds(5);

    private final int servingNiceness;
    private final ScheduledExecutorService timers;
    /** Each worker starting at the lower priority, and its process group. */
    private final Map<Object, Integer> starting = new HashMap<>();

    /** @param servingNiceness the niceness a ready worker gets: endlessd's own */
    public StartupPriority(int servingNiceness, ScheduledExecutorService timers) {
        this.servingNiceness = servingNiceness;
        this.timers = timers;
    }

    /**
     * A worker was spawned at the lower priority. Should the limit not be armable, the worker keeps
     * that priority until it is ready, which is logged.
     *
     * @param worker one worker, told apart by identity; its {@code toString} names it in the log
     */
    public void started(Object worker, int pgid) {
        starting.put(worker, pgid);
        try {
            timers.schedule(() -> limitReached(worker), LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            log.warn("{}: cannot arm the {} limit of its start-up priority ({}); it gets its priority back once ready",
                    worker, Durations.format(LIMIT), e.toString());
        }
    }

    /** The worker serves from now on: its process group gets the serving priority back. */
    public void ready(Object worker) {
        Integer pgid = starting.remove(worker);
        if (pgid != null && !Posix.setGroupNiceness(pgid, servingNiceness)) {
            log.warn("{}: cannot give it back CPU priority {} ({}); it serves at the lower start-up priority", worker,
                    servingNiceness, Posix.describe(Posix.errno()));
        }
    }

    /** The worker is gone: its process group id may be reused. */
    public void gone(Object worker) {
        starting.remove(worker);
    }

    private void limitReached(Object worker) {
        Integer pgid = starting.remove(worker);
        if (pgid != null && Posix.setGroupNiceness(pgid, servingNiceness)) {
            log.info("{}: not ready after {}: back to CPU priority {}, so that a busy machine cannot starve its start",
                    worker, Durations.format(LIMIT), servingNiceness);
        }
    }
}
