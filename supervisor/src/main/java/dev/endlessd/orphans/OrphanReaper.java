package dev.endlessd.orphans;

import dev.endlessd.os.ErrnoException;
import dev.endlessd.os.Posix;
import dev.endlessd.spawn.ProcessLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that reaps every child of endlessd nobody else waits for, so that no orphan stays a
 * zombie. It blocks in {@code waitid(P_ALL, WEXITED|WNOWAIT)}, which names an exited child without
 * reaping it, and then leaves workers and the guard to their own reaper threads (which wait for
 * them by pid and need their exit status), and the JVM's children to the JDK's reaper; every other
 * child is reaped here, by pid.
 *
 * <p>Start it only once every child this process already has is known to the launcher (after an
 * upgrade, once the carried workers are adopted): an unknown child is taken for an orphan.
 */
public final class OrphanReaper {
    private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);
    private static final long STACK_BYTES = 128 * 1024;
    /** How long an exited child's own reaper (a thread of ours, or the JDK's) gets before we reap it. */
    private static final long OWNER_GRACE_MILLIS = 5_000;
    private static final long JDK_POLL_MILLIS = 10;
    /** With no child at all, none can come back before we start one: a slow look is enough. */
    private static final long CHILDLESS_PAUSE_MILLIS = 1_000;

    private final Orphans orphans;
    private final ProcessLauncher launcher;

    private OrphanReaper(Orphans orphans) {
        this.orphans = orphans;
        this.launcher = orphans.launcher();
    }

    /** Starts the reaping thread (a daemon thread: it ends with the JVM). */
    public static void start(Orphans orphans) {
        Thread thread = new Thread(null, new OrphanReaper(orphans)::run, "orphan-reaper", STACK_BYTES);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (true) {
                int pid = Posix.peekExitedChild();
                if (pid == 0) {
                    Thread.sleep(CHILDLESS_PAUSE_MILLIS);
                } else if (launcher.owns(pid)) {
                    if (!launcher.awaitReaped(pid, OWNER_GRACE_MILLIS)) {
                        log.warn("pid {} exited {} ms ago and its reaper thread has not reaped it yet", pid,
                                OWNER_GRACE_MILLIS);
                    }
                } else if (orphans.isJdkChild(pid)) {
                    leaveToTheJdk(pid);
                } else {
                    orphans.reap(pid);
                }
            }
        } catch (ErrnoException e) {
            log.error("cannot wait for children any more ({}): orphans that exit from now on stay zombies", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The JDK's reaper thread waits for it already; should it not within the grace, it is reaped here. */
    private void leaveToTheJdk(int pid) throws InterruptedException {
        long deadline = System.nanoTime() + OWNER_GRACE_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (ProcView.stat(pid).filter(ProcView.Stat::zombie).isEmpty()) {
                return;
            }
            Thread.sleep(JDK_POLL_MILLIS);
        }
        log.debug("pid {} of endlessd's own process group was not reaped by the JDK within {} ms: reaping it", pid,
                OWNER_GRACE_MILLIS);
        orphans.reap(pid);
    }
}
