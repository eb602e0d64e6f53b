package dev.endlessd.spawn;

import dev.endlessd.os.Posix;
import dev.endlessd.os.PosixSpawn;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts worker processes, each leading a session and process group of its own (so its whole
 * tree can be signalled, and no worker shares endlessd's controlling terminal), reaps each with a blocking {@code waitpid(pid)} on a thread of its own, and signals them.
 *
 * <p>Reaping by pid, never {@code waitpid(-1)}, leaves the JDK's own process reaper its children.
 * A child is never reaped by anyone else, so its pid cannot be reused while we may still signal it.
 *
 * <p>{@link #spawn} and {@link #signal} are called from the supervisor's thread; {@link #killAll}
 * from any thread, for when that thread is gone.
 */
public final class ProcessLauncher {
    private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);
    private static final long REAPER_STACK_BYTES = 128 * 1024;

    private final ThreadFactory reapers;
    /** Spawned and not reaped yet: what {@link #killAll} reaches. */
    private final Set<Integer> live = ConcurrentHashMap.newKeySet();
    /**
     * Held from before a spawn until its pid is in {@link #live}, and notified after each reap: a
     * reaper of orphans that sees a child exit learns for sure whether it is ours (see {@link #owns}).
     */
    private final Object children = new Object();
    private volatile ChildWatch watch = ChildWatch.NONE;

    public ProcessLauncher() {
        this(task -> {
            Thread reaper = new Thread(null, task, "reaper", REAPER_STACK_BYTES);
            reaper.setDaemon(true);
            return reaper;
        });
    }

    /** @param reapers makes the thread that waits for each child */
    ProcessLauncher(ThreadFactory reapers) {
        this.reapers = reapers;
    }

    /**
     * Starts a process in a new session of its own, whose process group has the process's pid as id
     * (so its whole tree can be killed, and it has no controlling terminal). When it throws, nothing
     * is left behind: a child whose reaper could not be started is killed and reaped at once.
     *
     * @param onExit called exactly once, on the child's reaper thread, after it has been reaped
     * @return the child's pid
     */
    public int spawn(SpawnRequest request, Consumer<ExitStatus> onExit) throws SpawnException {
        FdLayout layout = FdLayout.of(request.passedFds(), request.stdout(), request.stderr());
        int pid;
        synchronized (children) {
            try {
                pid = PosixSpawn.spawn(request.argv(), request.environment(), layout.steps(), layout.firstUnusedFd());
            } catch (IOException e) {
                throw new SpawnException(e.getMessage());
            }
            live.add(pid);
        }
        try {
            reap(pid, onExit);
        } catch (RuntimeException | Error e) {
            Posix.kill(-pid, Signals.SIGKILL);
            Posix.waitpid(pid);
            reaped(pid);
            throw new SpawnException("cannot start a thread to wait for pid " + pid + " (" + e
                    + "); killed it: a process nobody waits for would become a zombie");
        }
        return pid;
    }

    /**
     * Takes over a child this process started before it executed its current program (an upgrade):
     * reaps and signals it like one spawned here. One that exited meanwhile is reaped at once.
     *
     * @param onExit called exactly once, on the child's reaper thread, after it has been reaped
     */
    public void adopt(int pid, Consumer<ExitStatus> onExit) {
        if (pid < 1) {
            throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
        }
        reap(pid, onExit);
    }

    /**
     * Tells {@code watch} of every child from now on: each one started, each one reaped (the one
     * told at the time, so a guard started again hears of the exits of children it was given).
     */
    public void watchedBy(ChildWatch watch) {
        this.watch = watch;
    }

    /** The children spawned or adopted and not reaped yet. */
    public java.util.List<Integer> livePids() {
        return java.util.List.copyOf(live);
    }

    /**
     * Whether {@code pid}, a child of this process, was spawned or adopted here and is waited for by
     * a reaper thread of its own. Exact even for a child spawned at this very moment: a spawn under
     * way is waited for. Thread-safe.
     */
    public boolean owns(int pid) {
        synchronized (children) {
            return live.contains(pid);
        }
    }

    /**
     * Waits until child {@code pid}, which {@link #owns} said is ours, has been reaped by its own
     * thread, for at most {@code timeoutMillis}. Thread-safe.
     *
     * @return whether it has been
     */
    public boolean awaitReaped(int pid, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (children) {
            long left;
            while (live.contains(pid) && (left = deadline - System.nanoTime()) > 0) {
                children.wait(Math.max(1, left / 1_000_000));
            }
            return !live.contains(pid);
        }
    }

    private void reaped(int pid) {
        synchronized (children) {
            live.remove(pid);
            children.notifyAll();
        }
    }

    private void reap(int pid, Consumer<ExitStatus> onExit) {
        live.add(pid);
        watch.watch(pid);
        Thread reaper = reapers.newThread(() -> reap(pid, Posix::waitpid, status -> {
            reaped(pid);
            watch.forget(pid);
            onExit.accept(status);
        }));
        reaper.setName("reaper-" + pid);
        try {
            reaper.start();
        } catch (RuntimeException | Error e) {
            watch.forget(pid);
            throw e;
        }
    }

    /**
     * Told of each child's process group (its pid) once started and once reaped, on the thread that
     * started or reaped it.
     */
    public interface ChildWatch {
        ChildWatch NONE = new ChildWatch() {
            @Override
            public void watch(int pgid) {
            }

            @Override
            public void forget(int pgid) {
            }
        };

        void watch(int pgid);

        void forget(int pgid);
    }

    /**
     * Sends {@code signal} to the process, or to its whole process group; signal 0 only checks that
     * the target exists.
     *
     * @return false when the target no longer exists
     * @throws IllegalArgumentException for a pid below 1, which kill(2) would take for our own group or everyone
     */
    public boolean signal(int pid, int signal, boolean wholeGroup) {
        if (pid < 1) {
            throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
        }
        return Posix.kill(wholeGroup ? -pid : pid, signal);
    }

    /** SIGKILL to the group of every child not reaped yet. Thread-safe. */
    public void killAll() {
        live.forEach(pid -> Posix.kill(-pid, Signals.SIGKILL));
    }

    /**
     * Waits for {@code pid} and reports how it ended. Should the wait itself fail, the exit is
     * reported anyway, with an unknown status: a supervisor that never heard of it would neither
     * restart a serving worker nor ever finish a stop.
     */
    static void reap(int pid, IntUnaryOperator waitpid, Consumer<ExitStatus> onExit) {
        ExitStatus status;
        try {
            status = ExitStatus.decode(waitpid.applyAsInt(pid));
        } catch (RuntimeException | Error e) {
            log.error("cannot wait for pid {}: {}; taking it for exited", pid, e.toString());
            status = ExitStatus.unknown();
        }
        onExit.accept(status);
    }
}
