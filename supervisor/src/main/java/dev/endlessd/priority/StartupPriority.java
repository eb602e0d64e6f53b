package dev.endlessd.priority;

import dev.endlessd.cgroup.GenerationCgroups;
import dev.endlessd.time.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new worker starts with less CPU than the serving one (a cgroup weight, or nice), so that
 * starting it takes as little as possible from the worker that serves; this gives it the serving
 * share back once it is ready, or after {@link #LIMIT} at most, so that a saturated machine cannot
 * starve its start.
 *
 * <p>Confined to the supervisor's thread, on which {@code timers} must run its tasks.
 */
public final class StartupPriority {
    private static final Logger log = LoggerFactory.getLogger(StartupPriority.class);

    /**
     * How long a new worker may run with the lower start-up share. On an idle machine the share costs
     * it nothing; on a saturated one it gets about a tenth of a core at nice 10 (or the same weight),
     * and its start would take ten times as long (43 s measured instead of 4.5 s) without a limit.
     */
    public static final Duration LIMIT = Duration.ofSeconds(5);

    private final Lowering lowering;
    private final Optional<Path> cgroups;
    private final ScheduledExecutorService timers;
    /** Each worker starting with the lower share: its generation and pid. */
    private final Map<Object, Starting> starting = new HashMap<>();

    private record Starting(long generation, int pid) {
    }

    private StartupPriority(Lowering lowering, Optional<Path> cgroups, ScheduledExecutorService timers) {
        this.lowering = lowering;
        this.cgroups = cgroups;
        this.timers = timers;
    }

    /**
     * nice {@code steps} (run by the worker's wrapper), and its session's autogroup where the kernel
     * groups by session.
     *
     * @param servingNiceness the niceness a ready worker gets: endlessd's own
     */
    public static StartupPriority nice(int steps, int servingNiceness, ScheduledExecutorService timers) {
        return new StartupPriority(new NiceLowering(steps, servingNiceness, NiceLowering.autogroupEnabled(),
                NiceLowering.ownAutogroupNice()), Optional.empty(), timers);
    }

    /**
     * A cgroup weight per generation, as much lower than the serving one as nice {@code steps} would make
     * it. Cgroups of generations an earlier endlessd left behind are removed, except those of the
     * {@code carried} generations an upgrade took over.
     */
    public static StartupPriority cgroups(GenerationCgroups cgroups, int steps, Set<Long> carried,
                                          ScheduledExecutorService timers) {
        CgroupLowering lowering = new CgroupLowering(cgroups, steps);
        lowering.removeLeftovers(carried);
        return new StartupPriority(lowering, Optional.of(cgroups.cgroup().directory()), timers);
    }

    /** The cgroup a worker joins its generation's child of ({@code gen-N}) before it runs the command; empty with nice. */
    public Optional<Path> cgroups() {
        return cgroups;
    }

    /** A worker of {@code generation} is about to be spawned; should that fail, {@link #gone} follows. */
    public void prepare(Object worker, long generation) {
        lowering.prepare(worker.toString(), generation);
    }

    /**
     * A worker was spawned with the lower share. Should the limit not be armable, the worker keeps that
     * share until it is ready, which is logged.
     *
     * @param worker one worker, told apart by identity; its {@code toString} names it in the log
     * @param pid    its pid, which leads its own session and process group
     */
    public void started(Object worker, long generation, int pid) {
        starting.put(worker, new Starting(generation, pid));
        lowering.lower(worker.toString(), generation, pid);
        try {
            timers.schedule(() -> limitReached(worker), LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            log.warn("{}: cannot arm the {} limit of its start-up CPU share ({}); it gets the serving share once ready",
                    worker, Durations.format(LIMIT), e.toString());
        }
    }

    /** The worker serves from now on: it gets the serving share (once; again is a no-op). */
    public void ready(Object worker) {
        Starting was = starting.remove(worker);
        if (was != null) {
            lowering.raise(worker.toString(), was.generation(), was.pid());
        }
    }

    /** The worker is gone: its process group id may be reused, its generation's cgroup removed. */
    public void gone(Object worker, long generation) {
        starting.remove(worker);
        lowering.gone(worker.toString(), generation);
    }

    private void limitReached(Object worker) {
        Starting was = starting.remove(worker);
        if (was != null && lowering.raise(worker.toString(), was.generation(), was.pid())) {
            log.info("{}: not ready after {}: back to the serving CPU share, so that a busy machine cannot starve its"
                    + " start", worker, Durations.format(LIMIT));
        }
    }

    /**
     * The generation whose cgroup process {@code pid} is in: a stronger tie than the environment a
     * process may rewrite. Empty with nice. Unlike the rest, safe to call from any thread.
     */
    public OptionalLong generationOf(int pid) {
        return lowering.generationOf(pid);
    }

    /** The mechanism and its figures, for the log and status. */
    public String describe() {
        return lowering.describe() + " until READY, " + Durations.format(LIMIT) + " at most";
    }
}
