package dev.endlessd.daemon;

import dev.endlessd.notify.NotifyMessage;
import dev.endlessd.spawn.ExitStatus;
import dev.endlessd.spawn.Signals;
import dev.endlessd.time.Durations;
import dev.endlessd.upgrade.Handoff;
import dev.endlessd.upgrade.Preflight;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's decisions: which worker serves, when a new one starts, when old ones drain,
 * what a reload reports. Events in (start, reload, notify, exit, timers, stop), process actions
 * out (spawn, SIGTERM, SIGKILL). Every event passes {@link #handle}, which checks it against the
 * table in {@link Transitions}; every change of phase passes {@link #enter}, which checks it against
 * the same cell.
 *
 * <p>Not thread-safe by design: every method must be called on the supervisor's single thread
 * (the Netty event loop in production); other threads post events to it.
 *
 * <p>At most one new worker is starting at any time (the {@link Attempt}). A reload that arrives while
 * one is starting is queued on that attempt, and all queued reloads are served by one follow-up that
 * starts after it settles, so the newest code always ends up running.
 *
 * <p>What its collaborators throw never leaves an event half-handled: a worker that cannot be
 * started, for any reason, fails its attempt like a worker that exited; a waiter or listener that
 * throws is logged and the others are still told; a deadline the event loop will not time (it only
 * refuses while shutting down) is replaced by what it would have led to: a new worker that cannot be
 * timed is killed and fails its attempt, an old one that cannot be timed gets SIGKILL at once.
 */
public final class Supervisor implements WorkerEvents {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
    private static final Duration LEFTOVER_POLL = Duration.ofMillis(200);
    private static final Duration ORPHAN_POLL = Duration.ofMillis(200);
    /**
     * The commonest first-run mistake is a server that binds the port itself: endlessd already holds it,
     * so the server fails with "Address already in use" and exits before READY. Its stderr is the
     * worker's own and goes straight to the log, so the cause is named on every such exit instead.
     */
    static final String FIRST_WORKER_HINT = "if it said \"Address already in use\": endlessd holds the listening"
            + " sockets, so the server must take them from fd 3 on (LISTEN_FDS, as with systemd socket activation)"
            + " instead of binding the port itself; a Java server gets that from endlessd's Java agent (keep"
            + " --java-agent=on); see the README, \"What your server is responsible for\" and \"Java apps: nothing to"
            + " change\"";

    /** The one worker being started, who waits to hear how it went, and who asked for another meanwhile. */
    private static final class Attempt {
        final Phase phase;
        final Worker worker;
        final List<Consumer<ReloadOutcome>> waiters;
        final List<Consumer<ReloadOutcome>> queued = new ArrayList<>();

        /** @param phase LAUNCHING, RELOADING or RESTARTING: why the worker is started */
        Attempt(Phase phase, Worker worker, List<Consumer<ReloadOutcome>> waiters) {
            this.phase = phase;
            this.worker = worker;
            this.waiters = waiters;
        }

        /** "start", "reload", "restart": what status and the log call it. */
        String kind() {
            return switch (phase) {
                case LAUNCHING -> "start";
                case RESTARTING -> "restart";
                default -> "reload";
            };
        }
    }

    /** The upgrade under way: who waits for it, and what was asked for meanwhile. */
    private static final class UpgradeRun {
        final List<UpgradeWaiter> waiters;
        final List<Consumer<ReloadOutcome>> queued = new ArrayList<>();

        UpgradeRun(List<UpgradeWaiter> waiters) {
            this.waiters = new ArrayList<>(waiters);
        }
    }

    /** Told of every change of phase, on the supervisor's thread. */
    public interface PhaseListener {
        /** @param status one line for humans, e.g. "serving: gen=3 pid=4242" */
        void entered(Phase phase, String status);
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
    /** The events being handled, innermost first: a ready worker runs the reload queued behind it. */
    private final Deque<Event> handling = new ArrayDeque<>();
    private Phase phase = Phase.NEW;
    /** The worker starting: set exactly while LAUNCHING, RELOADING or RESTARTING. */
    private Attempt attempt;
    /** Set only while BACKING_OFF. */
    private Timers.Timer restartTimer;
    /** Set exactly while UPGRADING. */
    private UpgradeRun upgrade;
    /** Upgrades asked for while a worker was starting: they run once one serves. */
    private final List<UpgradeWaiter> deferredUpgrades = new ArrayList<>();
    private Upgrader upgrader = Upgrader.NONE;
    private OrphanSweeper orphans = OrphanSweeper.NONE;
    /** Orphans of ended generations still running at the last sweep; polled again while any are. */
    private int orphansLeft;
    private Timers.Timer orphanPoll;
    private long lastGeneration;
    private ReloadRecord lastReload;
    private int exitCode;

    /**
     * A supervisor of real processes, to be driven on {@code thread}.
     *
     * @param onStopped called once, with the exit code, when the last worker is gone after a stop
     * @param listener  told of every change of phase
     */
    public Supervisor(SupervisorSettings settings, ProcessWorkerStarter starter, SupervisorThread thread,
                      IntConsumer onStopped, PhaseListener listener) {
        this(settings, starter, thread, Clock.systemUTC(), onStopped, listener);
    }

    Supervisor(SupervisorSettings settings, WorkerStarter starter, Timers timers, Clock wallClock,
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

    /** How this process upgrades itself; none until set. Call before {@link #start}. */
    public void upgrader(Upgrader upgrader) {
        this.upgrader = upgrader;
    }

    /**
     * What stops the processes workers left behind, with their generation: once a generation no longer
     * serves, its orphans are drained like its worker, and a stop waits for them too. None until set.
     */
    public void orphans(OrphanSweeper orphans) {
        this.orphans = orphans;
    }

    public Phase phase() {
        return phase;
    }

    /** Starts the first worker, unless a stop came first. */
    public void start() {
        handle(Event.START, rule -> {
            switch (rule) {
                case MOVE -> launch(Phase.LAUNCHING, new ArrayList<>());
                case REFUSE -> throw new IllegalStateException("already started (" + phase.label() + ")");
                default -> log.debug("not starting: endlessd is {}", phase.label());
            }
        });
    }

    /**
     * Asks for a new worker to replace the serving one.
     *
     * @param origin  who asked, for the log ("SIGHUP", "control client")
     * @param waiter  told the outcome exactly once
     */
    public void reload(String origin, Consumer<ReloadOutcome> waiter) {
        handle(Event.RELOAD, rule -> {
            switch (rule) {
                case REFUSE -> tell(List.of(waiter), new ReloadOutcome.Failed(0, phase == Phase.NEW
                        ? "endlessd has not started its first worker yet"
                        : "endlessd is " + phase.label() + ", not reloading"));
                case STAY -> {
                    if (phase == Phase.UPGRADING) {
                        upgrade.queued.add(waiter);
                        log.info("reload requested ({}) during the upgrade: it runs after it, in the new code if the"
                                + " upgrade succeeds", origin);
                        return;
                    }
                    attempt.queued.add(waiter);
                    log.info("reload requested ({}) while {} is starting: queued, runs once it is ready or has failed",
                            origin, attempt.worker);
                }
                default -> {
                    log.info("reload requested ({})", origin);
                    List<Consumer<ReloadOutcome>> waiters = new ArrayList<>();
                    waiters.add(waiter);
                    launch(Phase.RELOADING, waiters);
                }
            }
        });
    }

    /** Graceful shutdown: every worker drains; {@code onStopped} runs when the last one is gone. */
    public void stop(String origin) {
        handle(Event.STOP, rule -> {
            if (rule == Transitions.Rule.Kind.MOVE) {
                stopAll(origin);
            }
        });
    }

    /** Immediate shutdown: SIGKILL to every worker's process group. */
    public void kill(String origin) {
        handle(Event.KILL, rule -> {
            if (rule == Transitions.Rule.Kind.MOVE) {
                stopAll(origin);
            }
            if (phase == Phase.STOPPING) {
                exitCode = 1;
                log.warn("{}: killing {} worker(s) now", origin, workers.size());
                workers.forEach(worker -> starter.signal(worker, Signals.SIGKILL, true));
                leftoverGroups.forEach(worker -> starter.signal(worker, Signals.SIGKILL, true));
            }
        });
    }

    /**
     * Asks for the new code of endlessd to be checked and then executed in this process's place,
     * keeping its pid, its sockets and its workers. Waits while a worker is starting.
     *
     * @param waiter told only of a refusal: the new code answers success (see {@link UpgradeWaiter})
     */
    public void upgrade(String origin, UpgradeWaiter waiter) {
        handle(Event.UPGRADE, rule -> {
            switch (rule) {
                case REFUSE -> refuse(List.of(waiter), phase == Phase.NEW ? "endlessd has not started its first worker yet"
                        : "endlessd is " + phase.label());
                case STAY -> {
                    if (phase == Phase.UPGRADING) {
                        upgrade.waiters.add(waiter);
                        log.info("upgrade requested ({}) while one runs: it answers both", origin);
                    } else {
                        deferredUpgrades.add(waiter);
                        log.info("upgrade requested ({}) while {}: it runs once a worker serves", origin, phase.label());
                    }
                }
                default -> beginUpgrade(origin, List.of(waiter));
            }
        });
    }

    /**
     * Takes over what the previous code of this process handed over: its workers (still this
     * process's children), their timers, the generation counter, the last reload, and the reloads
     * asked for during the upgrade, which run now. With no worker serving, one is started.
     *
     * A part that cannot be taken over does not stop the rest: a worker whose notify socket is
     * lost is still reaped, drained and replaced by the next reload.
     *
     * @param queuedReloads the reloads asked for during the upgrade, one waiter each
     * @return what could not be taken over, one sentence each; empty when all was
     */
    public List<String> resume(Handoff.Supervision state, List<Consumer<ReloadOutcome>> queuedReloads) {
        List<String> problems = new ArrayList<>();
        handle(Event.RESUME, rule -> {
            lastGeneration = state.lastGeneration();
            lastReload = state.lastReload().map(Supervisor::record).orElse(null);
            long now = timers.nanoTime();
            for (Handoff.CarriedWorker carried : state.workers()) {
                adopt(carried, now).ifPresent(problems::add);
            }
            for (Handoff.LeftoverGroup group : state.leftoverGroups()) {
                Worker leftover = Worker.carried(0, group.pgid(), WorkerState.EXITED, now, now, now, "");
                leftoverGroups.add(leftover);
                watchLeftoverGroup(leftover, group.killAtNanos());
            }
            sweepOrphans(); // the previous code's watch on them ended with its event loop
            Optional<Worker> serving = serving();
            if (serving.isPresent()) {
                enter(Phase.SERVING, "serving: " + serving.get(), null);
                log.info("took over {} worker(s) after the upgrade; {} serves", workers.size(), serving.get());
                runQueued(queuedReloads);
                return;
            }
            log.warn("no worker served when the upgrade began: starting one");
            launch(Phase.RESTARTING, new ArrayList<>());
            if (attempt != null) {
                attempt.queued.addAll(queuedReloads);
            } else {
                runQueued(queuedReloads);
            }
        });
        return problems;
    }

    /** @return why the worker was only partly taken over, if it was */
    private Optional<String> adopt(Handoff.CarriedWorker carried, long now) {
        WorkerState state = carried.state() == Handoff.CarriedState.READY ? WorkerState.READY : WorkerState.DRAINING;
        Worker worker = Worker.carried(carried.generation(), carried.pid(), state, carried.startedNanos(),
                carried.readyNanos(), carried.drainingSinceNanos(), carried.status());
        workers.add(worker);
        Optional<String> problem = Optional.empty();
        try {
            starter.adopt(worker, carried.notifyFd(), carried.notifyPath(), this);
        } catch (IOException | RuntimeException e) {
            problem = Optional.of(worker + ": its notify socket is not taken over whole (" + e.getMessage() + "); it"
                    + " serves and is still reaped and drained: reload to replace it");
            log.error("{}", problem.get());
        }
        if (state == WorkerState.DRAINING) {
            Duration left = settings.drainTimeout().minusNanos(now - carried.drainingSinceNanos());
            Timers.Timer timer = arm("the drain timeout of " + worker, left.isNegative() ? Duration.ZERO : left,
                    () -> drainTimedOut(worker));
            if (timer == null) {
                starter.signal(worker, Signals.SIGKILL, true);
            } else {
                worker.drainTimer(timer);
            }
        }
        return problem;
    }

    private void beginUpgrade(String origin, List<UpgradeWaiter> waiters) {
        UpgradeRun run = new UpgradeRun(waiters);
        enter(Phase.UPGRADING, "upgrading: checking the new code; " + serving().map(Worker::toString).orElse("no worker")
                + " serves", null);
        upgrade = run;
        log.info("upgrade requested ({}): checking the new code before it executes in this process's place", origin);
        try {
            upgrader.check(handoff(run), result -> checked(run, result));
        } catch (RuntimeException | Error e) {
            log.error("cannot run the pre-flight check of the new code", e);
            checked(run, new Preflight.Result(false, "", "cannot run the pre-flight check: " + e));
        }
    }

    private void checked(UpgradeRun run, Preflight.Result result) {
        Event event = result.passed() ? Event.UPGRADE_CHECKED : Event.UPGRADE_REFUSED;
        if (run != upgrade) {
            handle(event, rule -> log.info("the pre-flight check ended after the upgrade was given up ({}): ignored",
                    phase.label()));
            return;
        }
        handle(event, rule -> {
            if (!result.passed()) {
                endUpgrade(run, "upgrade refused: " + result.reason());
                return;
            }
            log.info("the new code (endlessd {}) passed its pre-flight check: executing it in this process", result.version());
            String failure = upgrader.exec(handoff(run), connections(run.waiters), connections(run.queued));
            endUpgrade(run, "upgrade failed: " + failure);
        });
    }

    /** The upgrade did not happen: back to what runs, telling the waiters, then the reloads kept for after it. */
    private void endUpgrade(UpgradeRun run, String reason) {
        Optional<Worker> serving = serving();
        log.warn("{}; the running code goes on", reason);
        if (serving.isPresent()) {
            enter(Phase.SERVING, "serving: " + serving.get() + "; " + reason, null);
        } else {
            backOff(Duration.ZERO);
        }
        refuse(run.waiters, reason);
        runQueued(run.queued);
    }

    /** The supervision state to hand over: workers, leftover groups, counters, reloads kept for after. */
    private Handoff.Supervision handoff(UpgradeRun run) {
        long now = timers.nanoTime();
        List<Handoff.CarriedWorker> carried = new ArrayList<>();
        for (Worker worker : workers) {
            Handoff.CarriedState state = switch (worker.state()) {
                case READY -> Handoff.CarriedState.READY;
                case DRAINING -> Handoff.CarriedState.DRAINING;
                default -> throw new IllegalStateException(worker + " is " + worker.state().label()
                        + " during an upgrade (a bug in endlessd)");
            };
            Optional<WorkerStarter.NotifyEnd> notify = starter.notifySocket(worker);
            carried.add(new Handoff.CarriedWorker(worker.generation(), worker.pid(), state, worker.startedNanos(),
                    worker.readyNanos(), worker.drainingSinceNanos(), worker.statusText(),
                    notify.map(WorkerStarter.NotifyEnd::fd).orElse(-1), notify.map(WorkerStarter.NotifyEnd::path).orElse("")));
        }
        List<Handoff.LeftoverGroup> leftovers = leftoverGroups.stream()
                .map(group -> new Handoff.LeftoverGroup(group.pid(), now + settings.drainTimeout().toNanos()))
                .toList();
        return new Handoff.Supervision(lastGeneration, carried, leftovers,
                Optional.ofNullable(lastReload).map(Supervisor::carry), run.queued.size());
    }

    private static Handoff.CarriedReload carry(ReloadRecord record) {
        if (record.outcome() instanceof ReloadOutcome.Succeeded ok) {
            return new Handoff.CarriedReload(record.kind(), true, ok.generation(), ok.pid(), ok.timeToReady().toMillis(),
                    "", record.took().toMillis(), record.finishedAt());
        }
        ReloadOutcome.Failed failed = (ReloadOutcome.Failed) record.outcome();
        return new Handoff.CarriedReload(record.kind(), false, failed.generation(), 0, 0, failed.reason(),
                record.took().toMillis(), record.finishedAt());
    }

    private static ReloadRecord record(Handoff.CarriedReload carried) {
        ReloadOutcome outcome = carried.succeeded()
                ? new ReloadOutcome.Succeeded(carried.generation(), carried.pid(), Duration.ofMillis(carried.timeToReadyMillis()))
                : new ReloadOutcome.Failed(carried.generation(), carried.reason());
        return new ReloadRecord(carried.kind(), outcome, Duration.ofMillis(carried.tookMillis()), carried.finishedAt());
    }

    private static List<Integer> connections(List<?> waiters) {
        return waiters.stream().filter(CarriedConnection.class::isInstance)
                .map(waiter -> ((CarriedConnection) waiter).connectionFd()).toList();
    }

    private static void refuse(List<UpgradeWaiter> waiters, String reason) {
        for (UpgradeWaiter waiter : waiters) {
            try {
                waiter.refused(reason);
            } catch (RuntimeException | Error e) {
                log.error("could not tell a waiting client that {}", reason, e);
            }
        }
    }

    public SupervisorSnapshot snapshot() {
        long now = timers.nanoTime();
        List<WorkerSnapshot> views = workers.stream()
                .map(w -> new WorkerSnapshot(w.generation(), w.pid(), w.state(),
                        Duration.ofNanos(now - w.startedNanos()), w.statusText(), w.probationLeft(now),
                        w.javaCache()))
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
        if (!isStartingCandidate(worker)) {
            if (message.ready()) {
                log.debug("{} sent READY=1 while {}: ignored", worker, worker.state().label());
            }
            return;
        }
        message.extendTimeout().ifPresent(extension -> {
            // sd_notify(3): the extension is a time the next message must come within; it extends the deadline,
            // never brings it closer.
            Duration left = worker.readyTimeLeft(timers.nanoTime());
            if (extension.compareTo(left) <= 0) {
                log.info("{} asks for {} more to get ready (EXTEND_TIMEOUT_USEC): it still has {}, the deadline stays",
                        worker, Durations.format(extension), Durations.format(left));
                return;
            }
            log.info("{} asks for {} more to get ready (EXTEND_TIMEOUT_USEC)", worker, Durations.format(extension));
            armReadyTimeout(worker, extension, "EXTEND_TIMEOUT_USEC");
        });
        if (message.ready()) {
            candidateReady(worker, "READY=1");
        }
    }

    @Override
    public void exited(Worker worker, ExitStatus status) {
        if (!workers.remove(worker)) {
            log.debug("{} exited ({}), but is none of ours any more: ignored", worker, status);
            return;
        }
        WorkerState was = worker.state();
        long now = timers.nanoTime();
        worker.markExited();
        release(worker);
        stopLeftoverGroup(worker);
        sweepOrphans();
        switch (was) {
            case STARTING -> {
                log.warn("{} exited before it was ready: {}", worker, status);
                if (attempt != null && attempt.worker == worker) {
                    candidateFailed("worker exited with " + status + " before it was ready"
                            + (attempt.phase == Phase.LAUNCHING && !status.commandNotRun() ? "; " + FIRST_WORKER_HINT : ""));
                }
            }
            case PROBATION -> {
                String reason = worker + " exited with " + status + " " + Durations.format(worker.servingFor(now))
                        + " after READY, inside the probation of " + Durations.format(settings.probation());
                log.warn("{}: this version is not restarted", reason);
                candidateFailed(reason);
            }
            case READY -> servingExited(worker, status, worker.servingFor(now));
            case DRAINING -> log.info("{} exited after draining {}: {}", worker,
                    Durations.format(worker.drainingFor(now)), status);
            case EXITED -> throw new IllegalStateException(worker + " exited twice");
        }
        finishIfIdle();
    }

    /**
     * The one door of every event: looks up its cell for the current phase, refuses what can never
     * happen there before touching anything, and lets {@code action} act on the cell's kind (a MOVE
     * action must {@link #enter} one of the cell's phases). Package-private for the exhaustive test.
     *
     * @throws IllegalStateException when the table says the event cannot happen in this phase
     */
    void handle(Event event, Consumer<Transitions.Rule.Kind> action) {
        Transitions.Rule rule = Transitions.rule(phase, event);
        if (rule.kind() == Transitions.Rule.Kind.NEVER) {
            throw new IllegalStateException(event + " cannot happen while " + phase.label() + " (a bug in endlessd)");
        }
        handling.push(event);
        try {
            action.accept(rule.kind());
        } finally {
            handling.pop();
        }
        if (handling.isEmpty() && phase == Phase.SERVING && !deferredUpgrades.isEmpty()) {
            List<UpgradeWaiter> deferred = List.copyOf(deferredUpgrades);
            deferredUpgrades.clear();
            handle(Event.UPGRADE, kind -> beginUpgrade("asked for while a worker was starting", deferred));
        }
    }

    /**
     * Starts the next generation as the attempt of {@code why} (LAUNCHING, RELOADING or RESTARTING).
     * Whatever the starter throws fails the attempt: it promises to leave nothing behind when it does.
     */
    private void launch(Phase why, List<Consumer<ReloadOutcome>> waiters) {
        Worker worker = new Worker(lastGeneration + 1, timers.nanoTime());
        enter(why, switch (why) {
            case LAUNCHING -> "starting gen=" + worker.generation();
            case RESTARTING -> "no worker serves: starting gen=" + worker.generation();
            default -> "reloading: starting gen=" + worker.generation();
        }, new Attempt(why, worker, waiters));
        lastGeneration = worker.generation();
        int pid;
        try {
            pid = starter.start(worker, this);
        } catch (IOException e) {
            log.error("gen={} could not be started: {}", worker.generation(), e.getMessage());
            candidateFailed("cannot start worker: " + e.getMessage());
            return;
        } catch (RuntimeException | Error e) {
            log.error("gen={} could not be started", worker.generation(), e);
            candidateFailed("cannot start worker: " + e);
            return;
        }
        worker.spawned(pid);
        workers.add(worker);
        log.info("{} spawned ({})", worker, attempt.kind());
        if (!armReadyTimeout(worker, settings.readyTimeout(), "--ready-timeout")) {
            starter.signal(worker, Signals.SIGKILL, true);
            worker.markDraining(timers.nanoTime());
            candidateFailed("cannot arm its ready timeout; killed");
            return;
        }
        settings.readyAfter().ifPresent(after -> arm("the --ready-after timer of " + worker, after, () -> {
            if (isStartingCandidate(worker)) {
                candidateReady(worker, "alive for " + Durations.format(after) + ", --ready-after");
            }
        }));
    }

    /** @return false when the timer could not be armed (the old deadline, if any, stays) */
    private boolean armReadyTimeout(Worker worker, Duration within, String setBy) {
        Timers.Timer timer = arm("the ready timeout of " + worker, within, () -> readyTimedOut(worker, within, setBy));
        if (timer != null) {
            worker.readyTimer(timer);
            worker.readyDeadline(timers.nanoTime(), within);
        }
        return timer != null;
    }

    /**
     * READY from the worker being started. When it replaces a worker that serves, and a probation is
     * set, both serve side by side until it has passed; otherwise the new one takes over at once.
     */
    private void candidateReady(Worker worker, String how) {
        handle(Event.CANDIDATE_READY, rule -> {
            Optional<Worker> previous = serving();
            if (previous.isPresent() && !settings.probation().isZero()) {
                beginProbation(worker, previous.get(), how);
                return;
            }
            worker.markReady(timers.nanoTime());
            log.info("{} ready after {} ({})", worker, Durations.format(worker.timeToReady()), how);
            takeOver(worker, previous, worker.readyNanos());
        });
    }

    /**
     * A version that says READY and dies seconds later (gunicorn's master sends READY before its
     * workers load the app) must not have drained the one that worked: that one keeps serving beside
     * it until the probation has passed.
     */
    private void beginProbation(Worker worker, Worker previous, String how) {
        Duration probation = settings.probation();
        worker.markOnProbation(timers.nanoTime(), probation);
        log.info("{} ready after {} ({}); on probation for {} (--probation): {} serves beside it until then, and"
                + " drains only if it is still alive", worker, Durations.format(worker.timeToReady()), how,
                Durations.format(probation), previous);
        enter(Phase.RELOADING, "reloading: " + worker + " on probation for " + Durations.format(probation) + "; "
                + previous + " serves", attempt);
        givePriorityBack(worker);
        Timers.Timer timer = arm("the probation of " + worker, probation,
                () -> probationPassed(worker, "alive " + Durations.format(probation) + " after READY"));
        if (timer == null) {
            probationPassed(worker, "its probation cannot be timed");
        } else {
            worker.probationTimer(timer);
        }
    }

    private void probationPassed(Worker worker, String why) {
        if (attempt == null || attempt.worker != worker || worker.state() != WorkerState.PROBATION) {
            return;
        }
        handle(Event.PROBATION_PASSED, rule -> {
            Optional<Worker> previous = serving();
            worker.markReady(timers.nanoTime());
            log.info("{} passed its probation ({})", worker, why);
            takeOver(worker, previous, timers.nanoTime());
        });
    }

    /** It takes connections now: the CPU priority it started without is its own again (once; again is a no-op). */
    private void givePriorityBack(Worker worker) {
        try {
            starter.ready(worker);
        } catch (RuntimeException | Error e) {
            log.error("{}: could not finish making it a serving worker", worker, e);
        }
    }

    /**
     * {@code worker} becomes the serving worker: every other ready one drains, and the attempt is settled as
     * of {@code settledNanos} (its READY, or the end of its probation).
     */
    private void takeOver(Worker worker, Optional<Worker> previous, long settledNanos) {
        Attempt settled = attempt;
        for (Worker other : List.copyOf(workers)) {
            if (other != worker && other.state() == WorkerState.READY) {
                drain(other, "replaced by gen=" + worker.generation());
            }
        }
        enter(Phase.SERVING, "serving: " + worker, null);
        ReloadOutcome outcome = new ReloadOutcome.Succeeded(worker.generation(), worker.pid(), worker.timeToReady());
        record(settled, outcome, Duration.ofNanos(settledNanos - worker.startedNanos()));
        if (settled.phase == Phase.RELOADING && previous.isPresent()) {
            log.info("reload succeeded: {} serves, {} drains", worker, previous.get());
        } else {
            log.info("{} serves ({})", worker, settled.kind());
        }
        givePriorityBack(worker);
        tell(settled.waiters, outcome);
        runQueued(settled.queued);
    }

    /** @param setBy what set the deadline that passed, for the reason: the option or the worker's own extension */
    private void readyTimedOut(Worker worker, Duration waited, String setBy) {
        if (!isStartingCandidate(worker)) {
            return;
        }
        String reason = "worker not ready within " + Durations.format(waited) + " (" + setBy + ")";
        drain(worker, reason);
        candidateFailed(reason);
    }

    /** The starting worker will not serve: decide what runs next, then tell the waiters. */
    private void candidateFailed(String reason) {
        handle(Event.CANDIDATE_FAILED, rule -> {
            Attempt failed = attempt;
            ReloadOutcome outcome = new ReloadOutcome.Failed(failed.worker.generation(), reason);
            Duration took = Duration.ofNanos(timers.nanoTime() - failed.worker.startedNanos());
            Optional<Worker> serving = serving();
            record(failed, outcome, took);
            if (failed.phase == Phase.LAUNCHING) {
                log.error("first worker failed: {}; nothing is serving, so endlessd stops (fix --cmd and start again)",
                        reason);
                exitCode = 1;
                stopAll("first worker failed", null);
                tell(failed.waiters, outcome);
                tell(failed.queued, new ReloadOutcome.Failed(0, "endlessd is stopping"));
                return;
            }
            if (serving.isPresent()) {
                log.warn("{} of gen={} failed: {}; {} keeps serving", failed.kind(), failed.worker.generation(), reason,
                        serving.get());
                enter(Phase.SERVING, "serving: " + serving.get() + "; " + failed.kind() + " of gen="
                        + failed.worker.generation() + " failed: " + reason, null);
                tell(failed.waiters, outcome);
                runQueued(failed.queued);
            } else if (!failed.queued.isEmpty()) {
                log.warn("{} of gen={} failed: {}; running the reload queued behind it", failed.kind(),
                        failed.worker.generation(), reason);
                tell(failed.waiters, outcome);
                launch(Phase.RELOADING, failed.queued);
            } else {
                log.warn("{} of gen={} failed: {}", failed.kind(), failed.worker.generation(), reason);
                backOff(Duration.ZERO);
                tell(failed.waiters, outcome);
            }
        });
    }

    private void servingExited(Worker worker, ExitStatus status, Duration upFor) {
        handle(Event.SERVING_EXITED, rule -> {
            log.error("{} exited unexpectedly after serving {}: {}", worker, Durations.format(upFor), status);
            if (rule == Transitions.Rule.Kind.STAY && phase == Phase.UPGRADING) {
                log.info("a worker is started once the upgrade is over, by the new code if it succeeds");
            } else if (rule == Transitions.Rule.Kind.STAY && attempt.worker.state() == WorkerState.PROBATION) {
                log.info("{} serves alone now, still on probation", attempt.worker);
            } else if (rule == Transitions.Rule.Kind.STAY) {
                log.info("{} is already starting and will take over", attempt.worker);
            } else {
                backOff(upFor);
            }
        });
    }

    private void backOff(Duration upFor) {
        Duration delay = backoff.next(upFor);
        enter(Phase.BACKING_OFF, "no worker serves: restarting in " + Durations.format(delay), null);
        log.warn("restarting in {} (backoff doubles per failure up to {}); the sockets stay open and connections wait",
                Durations.format(delay), Durations.format(settings.restartBackoffMax()));
        // Not armed only when the event loop is shutting down, which its own watch turns into an exit.
        restartTimer = arm("the restart timer", delay, this::restartDue);
    }

    private void restartDue() {
        handle(Event.RESTART_DUE, rule -> {
            restartTimer = null;
            launch(Phase.RESTARTING, new ArrayList<>());
        });
    }

    /** Reloads asked for while an attempt ran, now that it has settled: they share one new worker. */
    private void runQueued(List<Consumer<ReloadOutcome>> queued) {
        if (queued.isEmpty()) {
            return;
        }
        handle(Event.RELOAD, rule -> {
            log.info("running the queued reload ({} request(s))", queued.size());
            launch(Phase.RELOADING, queued);
        });
    }

    private void stopAll(String origin) {
        stopAll(origin, attempt);
    }

    /** @param pending the attempt whose waiters hear that endlessd stops, if any */
    private void stopAll(String origin, Attempt pending) {
        UpgradeRun given = upgrade;
        log.info("stopping ({}): draining {} worker(s), SIGKILL after {}", origin, workers.size(),
                Durations.format(settings.drainTimeout()));
        enter(Phase.STOPPING, "stopping: draining " + workers.size() + " worker(s)", null);
        for (Worker worker : List.copyOf(workers)) {
            if (worker.state() != WorkerState.DRAINING) {
                drain(worker, "endlessd is stopping");
            }
        }
        if (given != null) {
            refuse(given.waiters, "endlessd is stopping");
            tell(given.queued, new ReloadOutcome.Failed(0, "endlessd is stopping"));
        }
        refuse(deferredUpgrades, "endlessd is stopping");
        deferredUpgrades.clear();
        if (pending != null) {
            tell(pending.waiters, new ReloadOutcome.Failed(pending.worker.generation(), "endlessd is stopping"));
            tell(pending.queued, new ReloadOutcome.Failed(0, "endlessd is stopping"));
        }
        finishIfIdle();
    }

    private void drain(Worker worker, String why) {
        worker.markDraining(timers.nanoTime());
        log.info("{} draining ({}): SIGTERM sent, SIGKILL in {} unless it exits", worker, why,
                Durations.format(settings.drainTimeout()));
        starter.signal(worker, Signals.SIGTERM, false);
        Timers.Timer timer = arm("the drain timeout of " + worker, settings.drainTimeout(), () -> drainTimedOut(worker));
        if (timer == null) {
            starter.signal(worker, Signals.SIGKILL, true);
        } else {
            worker.drainTimer(timer);
        }
        sweepOrphans();
    }

    private void drainTimedOut(Worker worker) {
        if (!worker.alive()) {
            return;
        }
        log.warn("{} still running {} after SIGTERM (--drain-timeout): it may be slow to finish its requests"
                + " or ignoring SIGTERM; sending SIGKILL to its process group", worker,
                Durations.format(settings.drainTimeout()));
        if (phase == Phase.STOPPING) {
            exitCode = 1;
        }
        starter.signal(worker, Signals.SIGKILL, true);
    }

    /**
     * Orphans of every generation that neither serves nor starts get what their worker got: SIGTERM,
     * then SIGKILL after the drain timeout (a SIGKILL while stopping makes the exit code 1, as for a
     * worker). Polled while any are left, since nothing reports the exit of a process to the supervisor
     * but its own workers'.
     */
    private void sweepOrphans() {
        OrphanSweeper.Result result;
        try {
            result = orphans.sweep(generation -> workers.stream().anyMatch(worker -> worker.generation() == generation
                    && (worker.state() == WorkerState.STARTING || worker.state() == WorkerState.READY)));
        } catch (RuntimeException | Error e) {
            log.error("cannot look for the processes workers left behind", e);
            result = new OrphanSweeper.Result(0, 0);
        }
        if (result.killed() > 0 && phase == Phase.STOPPING) {
            exitCode = 1;
        }
        orphansLeft = result.left();
        if (orphansLeft > 0 && orphanPoll == null) {
            orphanPoll = arm("the watch on orphans", ORPHAN_POLL, () -> {
                orphanPoll = null;
                sweepOrphans();
                finishIfIdle();
            });
            if (orphanPoll == null) {
                orphansLeft = 0; // the event loop is shutting down: nobody would look again
            }
        }
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
        Timers.Timer poll = arm("the watch on the group of " + worker, LEFTOVER_POLL, () -> {
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
        if (poll == null) {
            starter.signal(worker, Signals.SIGKILL, true);
            leftoverGroups.remove(worker);
        }
    }

    private void finishIfIdle() {
        if (phase != Phase.STOPPING || !workers.isEmpty() || !leftoverGroups.isEmpty() || orphansLeft > 0) {
            return;
        }
        handle(Event.ALL_GONE, rule -> {
            enter(Phase.STOPPED, "stopped", null);
            log.info("stopped: no worker left (exit code {})", exitCode);
            onStopped.accept(exitCode);
        });
    }

    /**
     * Moves to {@code next}, which the cell of the event being handled must allow, with the attempt
     * that phase starts (null for every phase but LAUNCHING, RELOADING and RESTARTING).
     */
    private void enter(Phase next, String status, Attempt starting) {
        Event event = handling.peek();
        if (event == null || !Transitions.rule(phase, event).allows(next)) {
            throw new IllegalStateException("no move from " + phase.label() + " to " + next.label() + " on " + event
                    + " (a bug in endlessd)");
        }
        if ((starting != null) != (next == Phase.LAUNCHING || next == Phase.RELOADING || next == Phase.RESTARTING)) {
            throw new IllegalStateException(next.label() + (starting == null ? " needs" : " takes no") + " worker to start"
                    + " (a bug in endlessd)");
        }
        if (phase == Phase.BACKING_OFF) {
            cancelRestartTimer();
        }
        if (next != Phase.UPGRADING) {
            upgrade = null;
        }
        phase = next;
        attempt = starting;
        try {
            listener.entered(next, status);
        } catch (RuntimeException | Error e) {
            log.error("could not tell the service manager that endlessd is {} ({})", next.label(), status, e);
        }
    }

    /** Arms a one-shot timer; null, logged, when the event loop cannot take one (it is shutting down). */
    private Timers.Timer arm(String what, Duration delay, Runnable task) {
        try {
            return timers.schedule(delay, task);
        } catch (RuntimeException | Error e) {
            log.error("cannot arm {}", what, e);
            return null;
        }
    }

    /** Tells every waiter; one that throws is logged and the others are still told. */
    private static void tell(List<Consumer<ReloadOutcome>> waiters, ReloadOutcome outcome) {
        for (Consumer<ReloadOutcome> waiter : waiters) {
            try {
                waiter.accept(outcome);
            } catch (RuntimeException | Error e) {
                log.error("could not tell a waiting client that {}", outcome, e);
            }
        }
    }

    private void release(Worker worker) {
        try {
            starter.release(worker);
        } catch (RuntimeException | Error e) {
            log.error("{}: could not free what was set up for it", worker, e);
        }
    }

    private void cancelRestartTimer() {
        if (restartTimer != null) {
            restartTimer.cancel();
            restartTimer = null;
        }
    }

    /** The worker that takes the traffic: the one that is ready (becoming ready drains every other). */
    private Optional<Worker> serving() {
        return workers.stream().filter(worker -> worker.state() == WorkerState.READY).findFirst();
    }

    private boolean isStartingCandidate(Worker worker) {
        return attempt != null && attempt.worker == worker && worker.state() == WorkerState.STARTING;
    }

    private void record(Attempt settled, ReloadOutcome outcome, Duration took) {
        lastReload = new ReloadRecord(settled.kind(), outcome, took, wallClock.instant());
    }
}
