package dev.endlessd.daemon;

import dev.endlessd.notify.NotifyMessage;
import dev.endlessd.spawn.ExitStatus;
import dev.endlessd.spawn.Signals;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's decisions: which worker serves, when a new one starts, when old ones drain,
 * what a reload reports. Events in (start, reload, notify, exit, timers, stop), process actions
 * out (spawn, SIGTERM, SIGKILL).
 *
 * <p>Not thread-safe by design: every method must be called on the supervisor's single thread
 * (the Netty event loop in production); other threads post events to it.
 *
 * <p>At most one new worker is starting at any time (the "attempt"). A reload that arrives while
 * one is starting is queued, and all queued reloads are served by one follow-up that starts after
 * the attempt settles, so the newest code always ends up running.
 */
public final class Supervisor implements WorkerEvents {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration LEFTOVER_POLL = Duration.ofMillis(200);

    /** Where the service as a whole is. */
    public enum Phase {
        NEW, STARTING, SERVING, RELOADING, RESTARTING, STOPPING, STOPPED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Why a worker is being started. */
    private enum Kind {
        START("start"), RELOAD("reload"), RESTART("restart");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** The one worker currently starting, and everyone waiting to hear how it went. */
    private record Attempt(Kind kind, Worker worker, List<Consumer<ReloadOutcome>> waiters) {
        void complete(ReloadOutcome outcome) {
            waiters.forEach(waiter -> waiter.accept(outcome));
        }
    }

    private final SupervisorSettings settings;
    private final WorkerStarter starter;
    private final Timers timers;
    private final Clock wallClock;
    private final IntConsumer onStopped;
    private final PhaseListener listener;
    private final Backoff backoff;

    private final List<Worker> workers = new ArrayList<>();
    private final List<Worker> leftoverGroups = new ArrayList<>();
    private final List<Consumer<ReloadOutcome>> queuedReloadWaiters = new ArrayList<>();
    private Phase phase = Phase.NEW;
    private long lastGeneration;
    private Worker serving;
    private Attempt attempt;
    private Timers.Timer restartTimer;
    private ReloadRecord lastReload;
    private int exitCode;

    /** Told of every change of phase, on the supervisor's thread. */
    public interface PhaseListener {
        /** @param status one line for humans, e.g. "serving: gen=3 pid=4242" */
        void entered(Phase phase, String status);
    }

    /**
     * @param onStopped called once, with the exit code, when the last worker is gone after a stop
     * @param listener  told of every change of phase
     */
    public Supervisor(SupervisorSettings settings, WorkerStarter starter, Timers timers, Clock wallClock,
                      IntConsumer onStopped, PhaseListener listener) {
        this.settings = settings;
        this.starter = starter;
        this.timers = timers;
        this.wallClock = wallClock;
        this.onStopped = onStopped;
        this.listener = listener;
        this.backoff = new Backoff(settings.restartBackoff(), settings.restartBackoffMax(),
                settings.restartBackoffReset());
    }

    public Phase phase() {
        return phase;
    }

    /** Starts the first worker, unless a stop came first. */
    public void start() {
        if (phase == Phase.STOPPED) {
            return;
        }
        if (phase != Phase.NEW) {
            throw new IllegalStateException("already started");
        }
        enter(Phase.STARTING, "starting gen=" + (lastGeneration + 1));
        launch(Kind.START, new ArrayList<>());
    }

    /**
     * Asks for a new worker to replace the serving one.
     *
     * @param origin  who asked, for the log ("SIGHUP", "control client")
     * @param waiter  told the outcome exactly once
     */
    public void reload(String origin, Consumer<ReloadOutcome> waiter) {
        if (phase == Phase.STOPPING || phase == Phase.STOPPED) {
            waiter.accept(new ReloadOutcome.Failed(0, "endlessd is " + phase.label() + ", not reloading"));
            return;
        }
        if (phase == Phase.NEW) {
            waiter.accept(new ReloadOutcome.Failed(0, "endlessd has not started its first worker yet"));
            return;
        }
        if (attempt != null) {
            queuedReloadWaiters.add(waiter);
            log.info("reload requested ({}) while {} is starting: queued, runs once it is ready or has failed",
                    origin, attempt.worker());
            return;
        }
        log.info("reload requested ({})", origin);
        cancelRestartTimer();
        List<Consumer<ReloadOutcome>> waiters = new ArrayList<>();
        waiters.add(waiter);
        launchReload(waiters);
    }

    /** Graceful shutdown: every worker drains; {@code onStopped} runs when the last one is gone. */
    public void stop(String origin) {
        if (phase == Phase.STOPPING || phase == Phase.STOPPED) {
            return;
        }
        log.info("stopping ({}): draining {} worker(s), SIGKILL after {}", origin, workers.size(),
                Durations.format(settings.drainTimeout()));
        enter(Phase.STOPPING, "stopping: draining " + workers.size() + " worker(s)");
        cancelRestartTimer();
        failPendingReloads("endlessd is stopping");
        for (Worker worker : List.copyOf(workers)) {
            if (worker.state() == WorkerState.STARTING || worker.state() == WorkerState.READY) {
                drain(worker, "endlessd is stopping");
            }
        }
        finishIfIdle();
    }

    /** Immediate shutdown: SIGKILL to every worker's process group. */
    public void kill(String origin) {
        if (phase == Phase.STOPPED) {
            return;
        }
        stop(origin);
        if (phase == Phase.STOPPING) {
            log.warn("{}: killing {} worker(s) now", origin, workers.size());
            workers.forEach(worker -> starter.signal(worker, Signals.SIGKILL, true));
            leftoverGroups.forEach(worker -> starter.signal(worker, Signals.SIGKILL, true));
        }
    }

    public SupervisorSnapshot snapshot() {
        long now = timers.nanoTime();
        List<WorkerSnapshot> views = workers.stream()
                .map(w -> new WorkerSnapshot(w.generation(), w.pid(), w.state(),
                        Duration.ofNanos(now - w.startedNanos()), w.statusText()))
                .toList();
        return new SupervisorSnapshot(phase, views, Optional.ofNullable(lastReload));
    }

    @Override
    public void notified(Worker worker, NotifyMessage message) {
        if (!message.malformedLines().isEmpty()) {
            log.warn("{} sent malformed notify lines {}: ignored (expected KEY=VALUE lines such as READY=1)",
                    worker, message.malformedLines());
        }
        message.status().ifPresent(status -> {
            worker.status(status);
            log.debug("{} status: {}", worker, status);
        });
        if (message.stopping()) {
            log.info("{} reports STOPPING=1", worker);
        }
        if (worker.state() != WorkerState.STARTING || !isCandidate(worker)) {
            if (message.ready()) {
                log.debug("{} sent READY=1 while {}: ignored", worker, worker.state().label());
            }
            return;
        }
        message.extendTimeout().ifPresent(extension -> {
            log.info("{} asks for {} more to get ready (EXTEND_TIMEOUT_USEC)", worker, Durations.format(extension));
            worker.readyTimer(timers.schedule(extension,
                    () -> readyTimedOut(worker, extension, "EXTEND_TIMEOUT_USEC")));
        });
        if (message.ready()) {
            becameReady(worker, "READY=1");
        }
    }

    @Override
    public void exited(Worker worker, ExitStatus status) {
        if (!worker.alive()) {
            return;
        }
        WorkerState was = worker.state();
        long now = timers.nanoTime();
        worker.markExited();
        workers.remove(worker);
        starter.release(worker);
        stopLeftoverGroup(worker);
        switch (was) {
            case STARTING -> {
                log.warn("{} exited before it was ready: {}", worker, status);
                if (isCandidate(worker)) {
                    candidateFailed("worker exited with " + status + " before it was ready");
                }
            }
            case READY -> servingWorkerDied(worker, status, worker.servingFor(now));
            case DRAINING -> log.info("{} exited after draining {}: {}", worker,
                    Durations.format(worker.drainingFor(now)), status);
            case EXITED -> throw new IllegalStateException(worker + " exited twice");
        }
        finishIfIdle();
    }

    private void launchReload(List<Consumer<ReloadOutcome>> waiters) {
        enter(Phase.RELOADING, "reloading: starting gen=" + (lastGeneration + 1));
        launch(Kind.RELOAD, waiters);
    }

    private void launch(Kind kind, List<Consumer<ReloadOutcome>> waiters) {
        Worker worker = new Worker(++lastGeneration, timers.nanoTime());
        attempt = new Attempt(kind, worker, waiters);
        int pid;
        try {
            pid = starter.start(worker, this);
        } catch (IOException e) {
            log.error("gen={} could not be started: {}", worker.generation(), e.getMessage());
            candidateFailed("cannot start worker: " + e.getMessage());
            finishIfIdle();
            return;
        }
        worker.spawned(pid);
        workers.add(worker);
        log.info("{} spawned ({})", worker, kind.label);
        worker.readyTimer(timers.schedule(settings.readyTimeout(),
                () -> readyTimedOut(worker, settings.readyTimeout(), "--ready-timeout")));
        settings.readyAfter().ifPresent(after -> timers.schedule(after, () -> {
            if (worker.state() == WorkerState.STARTING && isCandidate(worker)) {
                becameReady(worker, "alive for " + Durations.format(after) + ", --ready-after");
            }
        }));
    }

    private void becameReady(Worker worker, String how) {
        worker.markReady(timers.nanoTime());
        starter.ready(worker);
        Attempt settled = attempt;
        attempt = null;
        log.info("{} ready after {} ({})", worker, Durations.format(worker.timeToReady()), how);
        for (Worker other : List.copyOf(workers)) {
            if (other != worker && other.state() == WorkerState.READY) {
                drain(other, "replaced by gen=" + worker.generation());
            }
        }
        Worker previous = serving;
        serving = worker;
        enter(Phase.SERVING, "serving: " + worker);
        ReloadOutcome outcome = new ReloadOutcome.Succeeded(worker.generation(), worker.pid(), worker.timeToReady());
        record(settled, outcome, worker.timeToReady());
        if (settled.kind() == Kind.RELOAD && previous != null) {
            log.info("reload succeeded: {} serves, {} drains", worker, previous);
        } else {
            log.info("{} serves ({})", worker, settled.kind().label);
        }
        settled.complete(outcome);
        runQueuedReload();
    }

    /** @param setBy what set the deadline that passed, for the reason: the option or the worker's own extension */
    private void readyTimedOut(Worker worker, Duration waited, String setBy) {
        if (worker.state() != WorkerState.STARTING || !isCandidate(worker)) {
            return;
        }
        String reason = "worker not ready within " + Durations.format(waited) + " (" + setBy + ")";
        drain(worker, reason);
        candidateFailed(reason);
    }

    /** The starting worker will not serve: tell the waiters, then decide what runs next. */
    private void candidateFailed(String reason) {
        Attempt failed = attempt;
        attempt = null;
        ReloadOutcome outcome = new ReloadOutcome.Failed(failed.worker().generation(), reason);
        record(failed, outcome, Duration.ofNanos(timers.nanoTime() - failed.worker().startedNanos()));
        failed.complete(outcome);
        if (phase == Phase.STOPPING) {
            return;
        }
        if (serving != null) {
            log.warn("{} of gen={} failed: {}; {} keeps serving", failed.kind().label, failed.worker().generation(),
                    reason, serving);
            enter(Phase.SERVING, "serving: " + serving + "; " + failed.kind().label + " of gen="
                    + failed.worker().generation() + " failed: " + reason);
            runQueuedReload();
        } else if (failed.kind() == Kind.START) {
            log.error("first worker failed: {}; nothing is serving, so endlessd stops (fix --cmd and start again)",
                    reason);
            exitCode = 1;
            stop("first worker failed");
        } else if (!queuedReloadWaiters.isEmpty()) {
            runQueuedReload();
        } else {
            scheduleRestart(Duration.ZERO);
        }
    }

    private void servingWorkerDied(Worker worker, ExitStatus status, Duration upFor) {
        if (worker == serving) {
            serving = null;
        }
        log.error("{} exited unexpectedly after serving {}: {}", worker, Durations.format(upFor), status);
        if (attempt != null) {
            log.info("{} is already starting and will take over", attempt.worker());
        } else {
            scheduleRestart(upFor);
        }
    }

    private void scheduleRestart(Duration upFor) {
        Duration delay = backoff.next(upFor);
        enter(Phase.RESTARTING, "no worker serves: restarting in " + Durations.format(delay));
        log.warn("restarting in {} (backoff doubles per failure up to {}); the sockets stay open and connections wait",
                Durations.format(delay), Durations.format(settings.restartBackoffMax()));
        restartTimer = timers.schedule(delay, () -> {
            restartTimer = null;
            if (phase == Phase.RESTARTING) {
                launch(Kind.RESTART, new ArrayList<>());
            }
        });
    }

    private void runQueuedReload() {
        if (queuedReloadWaiters.isEmpty() || phase == Phase.STOPPING) {
            return;
        }
        List<Consumer<ReloadOutcome>> waiters = new ArrayList<>(queuedReloadWaiters);
        queuedReloadWaiters.clear();
        log.info("running the queued reload ({} request(s))", waiters.size());
        launchReload(waiters);
    }

    private void drain(Worker worker, String why) {
        worker.markDraining(timers.nanoTime());
        log.info("{} draining ({}): SIGTERM sent, SIGKILL in {} unless it exits", worker, why,
                Durations.format(settings.drainTimeout()));
        starter.signal(worker, Signals.SIGTERM, false);
        worker.drainTimer(timers.schedule(settings.drainTimeout(), () -> drainTimedOut(worker)));
    }

    private void drainTimedOut(Worker worker) {
        if (!worker.alive()) {
            return;
        }
        log.warn("{} still running {} after SIGTERM (--drain-timeout): it may be slow to finish its requests"
                + " or ignoring SIGTERM; sending SIGKILL to its process group", worker,
                Durations.format(settings.drainTimeout()));
        starter.signal(worker, Signals.SIGKILL, true);
    }

    /**
     * A worker that started its server without {@code exec} (a shell script, a forking launcher)
     * leaves children that still hold the sockets and would go on accepting after it is gone. They
     * share its process group: they get SIGTERM now and SIGKILL after the drain timeout.
     */
    private void stopLeftoverGroup(Worker worker) {
        if (!starter.signal(worker, 0, true)) {
            return;
        }
        log.warn("{} exited but processes it started are still running in its process group (a command that does"
                + " not exec its server?): SIGTERM to the group, SIGKILL in {}", worker,
                Durations.format(settings.drainTimeout()));
        starter.signal(worker, Signals.SIGTERM, true);
        leftoverGroups.add(worker);
        watchLeftoverGroup(worker, timers.nanoTime() + settings.drainTimeout().toNanos());
    }

    /** Nothing reports the exit of processes that are not our children, so their group is polled. */
    private void watchLeftoverGroup(Worker worker, long killAtNanos) {
        timers.schedule(LEFTOVER_POLL, () -> {
            if (!starter.signal(worker, 0, true)) {
                log.info("{}: the processes left in its group are gone", worker);
                leftoverGroups.remove(worker);
                finishIfIdle();
                return;
            }
            if (timers.nanoTime() >= killAtNanos) {
                log.warn("{}: processes left in its group still run {} after SIGTERM; sending SIGKILL", worker,
                        Durations.format(settings.drainTimeout()));
                starter.signal(worker, Signals.SIGKILL, true);
            }
            watchLeftoverGroup(worker, killAtNanos);
        });
    }

    private void failPendingReloads(String reason) {
        if (attempt != null) {
            Attempt pending = attempt;
            attempt = null;
            pending.complete(new ReloadOutcome.Failed(pending.worker().generation(), reason));
        }
        List<Consumer<ReloadOutcome>> queued = new ArrayList<>(queuedReloadWaiters);
        queuedReloadWaiters.clear();
        queued.forEach(waiter -> waiter.accept(new ReloadOutcome.Failed(0, reason)));
    }

    private void finishIfIdle() {
        if (phase == Phase.STOPPING && workers.isEmpty() && leftoverGroups.isEmpty()) {
            enter(Phase.STOPPED, "stopped");
            log.info("stopped: no worker left (exit code {})", exitCode);
            onStopped.accept(exitCode);
        }
    }

    private void enter(Phase next, String status) {
        phase = next;
        listener.entered(next, status);
    }

    private void cancelRestartTimer() {
        if (restartTimer != null) {
            restartTimer.cancel();
            restartTimer = null;
        }
    }

    private boolean isCandidate(Worker worker) {
        return attempt != null && attempt.worker() == worker;
    }

    private void record(Attempt settled, ReloadOutcome outcome, Duration took) {
        lastReload = new ReloadRecord(settled.kind().label, outcome, took, wallClock.instant());
    }
}
