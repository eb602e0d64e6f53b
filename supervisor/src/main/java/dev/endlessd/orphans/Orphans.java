package dev.endlessd.orphans;

import dev.endlessd.os.Posix;
import dev.endlessd.spawn.ExitStatus;
import dev.endlessd.spawn.ProcessLauncher;
import dev.endlessd.spawn.Signals;
import dev.endlessd.spawn.WorkerEnvironment;
import dev.endlessd.time.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The children of endlessd it did not start: processes its workers left behind, re-parented to it
 * as their child subreaper (or pid 1). Each is tied to the generation that left it by the
 * environment it started with ({@code ENDLESSD_NAME} of this instance, {@code ENDLESSD_GENERATION});
 * once that generation no longer serves, a {@link #sweep} sends it SIGTERM, and SIGKILL once the
 * drain timeout has passed, as its worker got. Orphans of a generation that serves are left alone
 * (a server may run helpers of its own); those of no generation of ours (anything that reaches pid 1
 * in a container) are only reaped, and named in a warning if they hold one of our listeners.
 *
 * <p>Thread-safe: {@link #sweep} runs on the supervisor's thread, {@link #reap} on the
 * {@link OrphanReaper}'s, under this object's monitor. That is what makes signalling safe: a sweep
 * only signals a pid it has just seen to be our child, and no child it may signal is reaped (its pid
 * freed for reuse) until the sweep is over.
 */
public final class Orphans {
    private static final Logger log = LoggerFactory.getLogger(Orphans.class);
    private static final Set<String> TIES = Set.of(WorkerEnvironment.SERVICE_NAME, WorkerEnvironment.GENERATION);

    /** One orphan seen by a sweep. */
    private static final class Orphan {
        final int pid;
        /** Empty: not left by a worker of this instance. */
        final OptionalLong generation;
        long termSentNanos = -1;
        boolean killed;
        boolean warned;

        Orphan(int pid, OptionalLong generation) {
            this.pid = pid;
            this.generation = generation;
        }

        @Override
        public String toString() {
            return "orphan pid=" + pid + (generation.isPresent() ? " of gen=" + generation.getAsLong() : "");
        }
    }

    /** What a sweep found. */
    public record Sweep(int left, int killed) {
        public static final Sweep NONE = new Sweep(0, 0);
    }

    private final String instance;
    private final ProcessLauncher launcher;
    private final Duration drainTimeout;
    /** "socket:[inode]" of each listener, and how the log names it. */
    private final Map<String, String> listeners;
    private final LongSupplier nanoClock;
    private final int self;
    private final int ownGroup;
    private final Map<Integer, Orphan> seen = new HashMap<>();
    /** The generation whose cgroup a process is in, where generations have cgroups; none otherwise. */
    private IntFunction<OptionalLong> cgroupOf = pid -> OptionalLong.empty();

    /**
     * @param listenerFds this process's listening sockets, by the name the log gives them
     */
    public Orphans(String instance, ProcessLauncher launcher, Duration drainTimeout, Map<Integer, String> listenerFds,
                   LongSupplier nanoClock) {
        this.instance = instance;
        this.launcher = launcher;
        this.drainTimeout = drainTimeout;
        this.nanoClock = nanoClock;
        this.self = (int) ProcessHandle.current().pid();
        this.ownGroup = Posix.processGroupOf(self);
        Map<String, String> inodes = new HashMap<>();
        listenerFds.forEach((fd, name) -> ProcView.socketInode("self", fd).ifPresent(inode -> inodes.put(inode, name)));
        this.listeners = Map.copyOf(inodes);
    }

    /**
     * Whether {@code pid}, a child of ours, belongs to the JVM: a child it started (they stay in
     * endlessd's process group, where no worker is) is waited for by the JDK's own reaper thread.
     */
    boolean isJdkChild(int pid) {
        int group = Posix.processGroupOf(pid);
        return group >= 0 && group == ownGroup;
    }

    ProcessLauncher launcher() {
        return launcher;
    }

    /**
     * Looks at every orphan: SIGTERM to those whose generation no longer serves, SIGKILL to those
     * still there a drain timeout after it. Call on the supervisor's thread whenever a generation
     * ends (a worker drains or exits), and again while it answers that some are left.
     *
     * @param serving whether a generation still serves (or is starting): its orphans are left alone
     */
    public synchronized Sweep sweep(LongPredicate serving) {
        long now = nanoClock.getAsLong();
        Set<Integer> present = new HashSet<>();
        int left = 0;
        int killed = 0;
        for (ProcView.Stat child : ProcView.childrenOf(self)) {
            int pid = child.pid();
            if (child.zombie() || launcher.owns(pid) || child.pgid() == ownGroup) {
                continue;
            }
            present.add(pid);
            Orphan orphan = seen.computeIfAbsent(pid, this::identify);
            if (orphan.generation.isEmpty()) {
                warnIfListening(orphan);
                continue;
            }
            if (serving.test(orphan.generation.getAsLong())) {
                continue;
            }
            left++;
            if (orphan.termSentNanos < 0) {
                orphan.termSentNanos = now;
                log.warn("{} runs on after its generation ended (its worker left it behind: a daemonizing server,"
                        + " a detached helper){}: SIGTERM, SIGKILL in {}", orphan, holding(pid), Durations.format(drainTimeout));
                signal(child, Signals.SIGTERM);
            } else if (!orphan.killed && now - orphan.termSentNanos >= drainTimeout.toNanos()) {
                orphan.killed = true;
                killed++;
                log.warn("{} still runs {} after SIGTERM: SIGKILL", orphan, Durations.format(drainTimeout));
                signal(child, Signals.SIGKILL);
            }
        }
        seen.keySet().retainAll(present);
        return new Sweep(left, killed);
    }

    /**
     * Reaps {@code pid}, a child of ours that has exited and that nobody else waits for. Called by
     * the {@link OrphanReaper}.
     */
    synchronized void reap(int pid) {
        int status = Posix.reapIfExited(pid);
        if (status == -1) {
            return;
        }
        Orphan orphan = seen.remove(pid);
        ExitStatus exit = ExitStatus.decode(status);
        if (orphan != null && orphan.termSentNanos >= 0) {
            log.info("{} is gone: {}", orphan, exit);
        } else {
            log.debug("reaped {}: {}", orphan != null ? orphan : "orphan pid=" + pid, exit);
        }
    }

    /** A process that leads its own group (a daemon after setsid) gets the signal with its group. */
    private void signal(ProcView.Stat child, int signal) {
        Posix.kill(child.pgid() == child.pid() ? -child.pid() : child.pid(), signal);
    }

    /**
     * Where each generation has a cgroup of its own: the cgroup a process is in says which generation
     * left it, also when it cleared or rewrote its environment; the environment still serves for the rest.
     *
     * @param generationOf must be safe to call from any thread
     */
    public synchronized void attributeByCgroup(IntFunction<OptionalLong> generationOf) {
        this.cgroupOf = generationOf;
    }

    private Orphan identify(int pid) {
        OptionalLong byCgroup = cgroupOf.apply(pid);
        if (byCgroup.isPresent()) {
            Orphan orphan = new Orphan(pid, byCgroup);
            log.debug("adopted {} (by its cgroup)", orphan);
            return orphan;
        }
        Map<String, String> ties = ProcView.environment(pid, TIES);
        OptionalLong generation = OptionalLong.empty();
        if (instance.equals(ties.get(WorkerEnvironment.SERVICE_NAME))) {
            try {
                generation = OptionalLong.of(Long.parseLong(ties.getOrDefault(WorkerEnvironment.GENERATION, "")));
            } catch (NumberFormatException notOurs) {
                // a generation we never wrote: treated as a stranger
            }
        }
        Orphan orphan = new Orphan(pid, generation);
        log.debug("adopted {}", orphan);
        return orphan;
    }

    /** Named once: a stranger that holds a listener answers beside the serving worker. */
    private void warnIfListening(Orphan orphan) {
        if (orphan.warned) {
            return;
        }
        String held = holding(orphan.pid);
        if (!held.isEmpty()) {
            orphan.warned = true;
            log.warn("{} belongs to no generation of endlessd[{}] (no ENDLESSD_NAME/ENDLESSD_GENERATION of ours in its"
                    + " environment){}: it may answer beside the serving worker; endlessd leaves it alone",
                    orphan, instance, held);
        }
    }

    private String holding(int pid) {
        List<String> held = ProcView.heldSockets(pid, listeners.keySet());
        return held.isEmpty() ? "" : "; it holds listener(s) " + held.stream().map(listeners::get)
                .collect(Collectors.joining(", "));
    }
}
