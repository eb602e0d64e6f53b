package dev.endlessd.daemon;

import dev.endlessd.jvmcache.CacheUse;
import java.time.Duration;

/**
 * One worker process and where it is in its lifecycle. Confined to the supervisor's thread.
 * Each transition is one method and refuses to run from a state it does not leave.
 */
final class Worker {
    private final long generation;
    private final long startedNanos;
    private int pid;
    private WorkerState state = WorkerState.STARTING;
    private long readyNanos;
    private long drainingSinceNanos;
    private String statusText = "";
    private CacheUse javaCache = CacheUse.NONE;
    private Timers.Timer readyTimer;
    private Timers.Timer drainTimer;
    private Timers.Timer probationTimer;
    private long probationEndsNanos;
    private long readyDeadlineNanos;

    Worker(long generation, long startedNanos) {
        this.generation = generation;
        this.startedNanos = startedNanos;
    }

    /** A worker that a previous program of this process started, taken over as it was (an upgrade). */
    static Worker carried(long generation, int pid, WorkerState state, long startedNanos, long readyNanos,
                          long drainingSinceNanos, String statusText) {
        Worker worker = new Worker(generation, startedNanos);
        worker.pid = pid;
        worker.state = state;
        worker.readyNanos = readyNanos;
        worker.drainingSinceNanos = drainingSinceNanos;
        worker.statusText = statusText;
        return worker;
    }

    long readyNanos() {
        return readyNanos;
    }

    long drainingSinceNanos() {
        return drainingSinceNanos;
    }

    long generation() {
        return generation;
    }

    int pid() {
        return pid;
    }

    WorkerState state() {
        return state;
    }

    String statusText() {
        return statusText;
    }

    /** How its JVM uses the Java cache, for status. */
    CacheUse javaCache() {
        return javaCache;
    }

    void javaCache(CacheUse use) {
        javaCache = use;
    }

    long startedNanos() {
        return startedNanos;
    }

    boolean alive() {
        return state != WorkerState.EXITED;
    }

    Duration timeToReady() {
        return Duration.ofNanos(readyNanos - startedNanos);
    }

    /** How long a worker that became ready has been serving. */
    Duration servingFor(long nowNanos) {
        return Duration.ofNanos(nowNanos - readyNanos);
    }

    Duration drainingFor(long nowNanos) {
        return Duration.ofNanos(nowNanos - drainingSinceNanos);
    }

    void spawned(int pid) {
        this.pid = pid;
    }

    void status(String text) {
        statusText = text;
    }

    void readyTimer(Timers.Timer timer) {
        cancel(readyTimer);
        readyTimer = timer;
    }

    /** When the ready timer just set fires: its delay counted from {@code nowNanos}. */
    void readyDeadline(long nowNanos, Duration within) {
        readyDeadlineNanos = nowNanos + within.toNanos();
    }

    /** How long the worker still has to send READY before its ready timer fires. */
    Duration readyTimeLeft(long nowNanos) {
        return Duration.ofNanos(Math.max(0, readyDeadlineNanos - nowNanos));
    }

    void drainTimer(Timers.Timer timer) {
        cancel(drainTimer);
        drainTimer = timer;
    }

    /** How much of its probation is left at {@code nowNanos}; zero when it is not on probation. */
    Duration probationLeft(long nowNanos) {
        return state == WorkerState.PROBATION ? Duration.ofNanos(Math.max(0, probationEndsNanos - nowNanos)) : Duration.ZERO;
    }

    /** READY arrived, and the worker it replaces serves on until {@code probation} has passed. */
    void markOnProbation(long nowNanos, Duration probation) {
        require(WorkerState.STARTING);
        state = WorkerState.PROBATION;
        readyNanos = nowNanos;
        probationEndsNanos = nowNanos + probation.toNanos();
        readyTimer(null);
    }

    void probationTimer(Timers.Timer timer) {
        cancel(probationTimer);
        probationTimer = timer;
    }

    /** READY arrived (from STARTING), or the probation that followed it passed (the time of READY stays). */
    void markReady(long nowNanos) {
        require(WorkerState.STARTING, WorkerState.PROBATION);
        if (state == WorkerState.STARTING) {
            readyNanos = nowNanos;
        }
        state = WorkerState.READY;
        readyTimer(null);
        probationTimer(null);
    }

    void markDraining(long nowNanos) {
        require(WorkerState.STARTING, WorkerState.PROBATION, WorkerState.READY);
        state = WorkerState.DRAINING;
        drainingSinceNanos = nowNanos;
        readyTimer(null);
        probationTimer(null);
    }

    void markExited() {
        require(WorkerState.STARTING, WorkerState.PROBATION, WorkerState.READY, WorkerState.DRAINING);
        state = WorkerState.EXITED;
        readyTimer(null);
        drainTimer(null);
        probationTimer(null);
    }

    private void require(WorkerState... from) {
        for (WorkerState allowed : from) {
            if (state == allowed) {
                return;
            }
        }
        throw new IllegalStateException(this + ": cannot leave state " + state.label());
    }

    private static void cancel(Timers.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }

    /** "gen=7 pid=4242", the prefix of every log line about this worker. */
    @Override
    public String toString() {
        return "gen=" + generation + " pid=" + pid;
    }
}
