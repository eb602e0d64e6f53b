package dev.endlessd.instance;

import dev.endlessd.control.CarriedAnswers;
import dev.endlessd.control.ControlServer;
import dev.endlessd.control.ControlSocketFile;
import dev.endlessd.control.DaemonInfo;
import dev.endlessd.control.LastUpgrade;
import dev.endlessd.daemon.OrphanSweeper;
import dev.endlessd.daemon.Phase;
import dev.endlessd.daemon.ProcessWorkerStarter;
import dev.endlessd.daemon.ReloadOutcome;
import dev.endlessd.daemon.Supervisor;
import dev.endlessd.daemon.SupervisorThread;
import dev.endlessd.guard.WorkerGuard;
import dev.endlessd.jvmcache.JavaCache;
import dev.endlessd.notify.SystemdNotifier;
import dev.endlessd.orphans.OrphanReaper;
import dev.endlessd.orphans.Orphans;
import dev.endlessd.output.TerminalRelay;
import dev.endlessd.os.Posix;
import dev.endlessd.priority.StartupPriority;
import dev.endlessd.runtime.RuntimeDirectory;
import dev.endlessd.socket.ListenException;
import dev.endlessd.socket.Listener;
import dev.endlessd.socket.Listeners;
import dev.endlessd.spawn.ExecWrapper;
import dev.endlessd.spawn.ExitStatus;
import dev.endlessd.spawn.ProcessLauncher;
import dev.endlessd.spawn.UserEnvironment;
import dev.endlessd.spawn.WorkerEnvironment;
import dev.endlessd.watch.ChangeWatcher;
import dev.endlessd.watch.ReloadResult;
import dev.endlessd.upgrade.Handoff;
import dev.endlessd.upgrade.Rescue;
import dev.endlessd.watch.WatchStatus;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running endlessd process: takes the instance's lock, binds (or adopts) the listeners, opens
 * the control socket, turns signals and control requests into supervisor events on one event
 * loop, and returns when the supervisor stopped.
 */
public final class Daemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    /** Set by the launcher to the agent jar it found. */
    private static final String JAVA_AGENT_PROPERTY = "endlessd.agent";
    private static final String ENDLESSD_AGENT_JAR_NAME = "endlessd-agent.jar";

    private final DaemonConfig config;
    private final DaemonFiles files;
    private final Map<String, String> environment;
    private final long pid = ProcessHandle.current().pid();
    private final Instant startedAt;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final List<String> arguments;
    /** What the previous code of this process handed over, when this run is an upgrade's. */
    private final Optional<Handoff> handoff;
    /** Back to the previous code, should this one fail before its take-over commits. */
    private final Rescue.Kit wayBack;
    /** Why the code this process executed next failed, when this run came back to the previous code. */
    private final Optional<String> cameBack;
    private final AtomicReference<WorkerGuard> guard = new AtomicReference<>();
    private volatile boolean shuttingDown;
    private String runningVersion = "unknown";

    /**
     * @param arguments endlessd's own command line, which an upgrade executes again
     * @param handoff   the state the previous code of this process handed over, if this run is an upgrade's
     * @param wayBack   back to the previous code, committed once this code begins to take the workers over
     * @param cameBack  why the new code failed, when this is the previous code executed again
     */
    public Daemon(DaemonConfig config, DaemonFiles files, Map<String, String> environment, List<String> arguments,
                  Optional<Handoff> handoff, Rescue.Kit wayBack, Optional<String> cameBack) {
        this.config = config;
        this.files = files;
        this.environment = Map.copyOf(environment);
        this.arguments = List.copyOf(arguments);
        this.handoff = handoff;
        this.wayBack = wayBack;
        this.cameBack = cameBack;
        this.startedAt = handoff.map(Handoff::startedAt).orElse(Instant.now());
    }

    /**
     * Runs until the service stopped. A second daemon of the same name is refused before it binds
     * anything.
     *
     * @return the process exit code: 0 after a graceful stop in which every worker (and every process one
     *         left behind) drained, 1 when one had to be killed, or the first worker never got ready
     */
    public int run(String version) throws StartupException {
        runningVersion = version;
        RuntimeDirectory runtimeDirectory = prepareRuntimeDirectory();
        InstanceLock lock = handoff.isPresent() ? InstanceLock.adopt(runtimeDirectory.path(), handoff.get().lockFd())
                : InstanceLock.acquire(runtimeDirectory.path(), config.serviceName(), pid);
        int ownJar = ownJar();
        try {
            if (handoff.isEmpty()) {
                claimControlSocket();
            }
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("endlessd-loop"),
                    EpollIoHandler.newFactory());
            try {
                return serve(group, runtimeDirectory, version, lock, ownJar);
            } finally {
                shuttingDown = true;
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        } finally {
            if (ownJar >= 0) {
                Posix.close(ownJar);
            }
            lock.close();
        }
    }

    /** The jar this code runs from, held open for the way back of a later upgrade; -1, logged, when there is none. */
    private static int ownJar() {
        try {
            return Rescue.openOwnJar();
        } catch (IOException e) {
            log.warn("should an upgrade's new code fail after the exec, there will be no way back to this code: {}",
                    e.getMessage());
            return -1;
        }
    }

    private int serve(EventLoopGroup group, RuntimeDirectory runtimeDirectory, String version, InstanceLock lock,
                      int ownJar) throws StartupException {
        EventLoop loop = group.next();
        SupervisorThread thread = new SupervisorThread(loop);
        StartupCpuChoice.Choice startupCpu = StartupCpuChoice.choose(config.startupCpu(), config.startupNice(), pid,
                handoff.map(state -> state.supervision().workers().stream().map(Handoff.CarriedWorker::generation)
                        .collect(Collectors.toSet())).orElse(Set.of()), loop);
        Optional<StartupPriority> priority = startupCpu.priority();
        ExecWrapper wrapper = execWrapper(priority);
        config.user().ifPresent(user -> log.info("workers run as user {} (uid {}, gid {}) with {}", user.name(), user.uid(),
                user.gid(), UserEnvironment.describe(user, environment)));
        List<Listener> listeners = handoff.isPresent() ? carriedListeners(handoff.get()) : listeners(group);
        try {
            WorkerEnvironment workerEnvironment = new WorkerEnvironment(
                    config.user().map(user -> UserEnvironment.of(user, environment)).orElse(environment),
                    config.serviceName(),
                    config.settings().drainTimeout(), javaAgent());
            becomeSubreaper();
            ProcessLauncher launcher = new ProcessLauncher();
            Orphans orphans = new Orphans(config.serviceName(), launcher, config.settings().drainTimeout(),
                    listeners.stream().collect(Collectors.toMap(Listener::fd, Listener::toString, (a, b) -> a)),
                    System::nanoTime);
            priority.ifPresent(startup -> orphans.attributeByCgroup(startup::generationOf));
            TerminalRelay relay = TerminalRelay.forWorkers(config.user().isPresent());
            JavaCache javaCache = javaCache();
            ProcessWorkerStarter starter = new ProcessWorkerStarter(config.command(), wrapper, config.user(), listeners,
                    workerEnvironment, runtimeDirectory, thread, launcher, priority, javaCache);
            Optional<SystemdNotifier> systemd = systemdNotifier(loop);
            Supervisor supervisor = new Supervisor(config.settings(), starter, thread, exitCode::complete,
                    systemd.<Supervisor.PhaseListener>map(SystemdPhases::new).orElse((phase, status) -> { }));
            supervisor.orphans(serving -> {
                Orphans.Sweep sweep = orphans.sweep(serving);
                return new OrphanSweeper.Result(sweep.left(), sweep.killed());
            });
            LoopDeathWatch.watch(loop, launcher, () -> shuttingDown, exitCode);
            keepGuard(launcher, thread);
            Optional<ChangeWatcher> watcher = watchForChanges(thread, supervisor);
            try {
                Optional<LastUpgrade> upgraded = handoff.map(state -> new LastUpgrade(state.upgradedAt(),
                        state.writtenBy(), state.upgrades(), Duration.between(state.upgradedAt(), Instant.now()),
                        cameBack));
                DaemonInfo info = new DaemonInfo(config.serviceName(), version, pid, startedAt, files.controlSocket(),
                        listeners, upgraded, startupCpu.description());
                // The point of no return: a failure until here goes back to the previous code, which takes the
                // workers over (nothing above reaped, answered or removed anything it needs); from here on, this
                // code takes them over and answers for it.
                wayBack.commit();
                // Queued before the carried control socket is served: a reload asked for in between then finds
                // the taken-over workers, not a supervisor that has not started.
                handoff.ifPresent(state ->
                        thread.execute("the take-over", () -> resume(supervisor, state, upgraded.orElseThrow())));
                ControlServer control = openControlSocket(loop, supervisor, info, () -> watcher.map(ChangeWatcher::status));
                try {
                    supervisor.upgrader(new SelfUpgrade(new SelfUpgrade.Held(pid, version, startedAt,
                            handoff.map(Handoff::upgrades).orElse(0), arguments, environment, lock, control, listeners,
                            guard::get, relay.active(), ownJar), thread, Clock.systemUTC()));
                    log.info("endlessd {} pid={} listening on {}; runtime directory {}; control socket {}; command: {}",
                            version, pid, describe(listeners), runtimeDirectory.path(), files.controlSocket(),
                            config.command());
                    return superviseUntilStopped(thread, supervisor, watcher, orphans);
                } finally {
                    control.close();
                    javaCache.close();
                }
            } finally {
                watcher.ifPresent(ChangeWatcher::close);
            }
        } finally {
            listeners.forEach(Listener::close);
        }
    }

    private int superviseUntilStopped(SupervisorThread thread, Supervisor supervisor, Optional<ChangeWatcher> watcher,
                                      Orphans orphans) throws StartupException {
        PidFile pidFile = PidFile.write(files.pidFile(), pid);
        try {
            handoff.ifPresent(SelfUpgrade::restoreSignals);
            installSignalHandlers(thread, supervisor);
            if (handoff.isEmpty()) {
                thread.execute("the start", supervisor::start);
            }
            // after the take-over (queued before the control socket opened): until its workers are adopted, they
            // would look like orphans to the reaper
            thread.execute("the orphan reaper", () -> OrphanReaper.start(orphans));
            // after the start is queued: a change can only ask for a reload of a started supervisor
            watcher.ifPresent(ChangeWatcher::start);
            return exitCode.join();
        } finally {
            pidFile.close();
        }
    }

    /**
     * {@code --reload-on-change}: a watcher that asks the supervisor for a reload, on its thread, like
     * SIGHUP does, with the change as the origin.
     */
    private Optional<ChangeWatcher> watchForChanges(SupervisorThread thread, Supervisor supervisor)
            throws StartupException {
        if (config.reloadOnChange().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ChangeWatcher.open(config.reloadOnChange(), (origin, done) -> thread.execute(origin,
                    () -> supervisor.reload(origin, outcome -> done.accept(reloadResult(outcome)))), Clock.systemUTC()));
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private static ReloadResult reloadResult(ReloadOutcome outcome) {
        if (outcome instanceof ReloadOutcome.Succeeded ok) {
            return new ReloadResult(true, "gen=" + ok.generation() + " pid=" + ok.pid() + " serves");
        }
        return new ReloadResult(false, ((ReloadOutcome.Failed) outcome).reason());
    }

    /**
     * Orphans of the workers (a daemonizing server's double fork) come back to endlessd rather than to
     * init, so that it can reap them and stop them with their generation. As pid 1 this is implied.
     */
    private void becomeSubreaper() {
        try {
            Posix.becomeChildSubreaper();
        } catch (IOException e) {
            log.warn("{}: processes workers leave behind go to init, and endlessd cannot stop them with their"
                    + " generation", e.getMessage());
        }
    }

    /** When a service manager asked to be told ({@code Type=notify}), the notifier that tells it. */
    private Optional<SystemdNotifier> systemdNotifier(EventLoop loop) throws StartupException {
        try {
            Optional<SystemdNotifier> notifier = SystemdNotifier.open(environment.get("NOTIFY_SOCKET"), loop);
            notifier.ifPresent(n -> log.info("telling the service manager at NOTIFY_SOCKET={} when workers serve",
                    environment.get("NOTIFY_SOCKET")));
            return notifier;
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * The agent jar the launcher found ({@code -Dendlessd.agent}), when {@code --java-agent} is on.
     * Its absence is no reason not to start: workers that take fd 3 themselves need no agent.
     */
    private Optional<java.nio.file.Path> javaAgent() {
        if (!config.javaAgent()) {
            log.info("--java-agent=off: JAVA_TOOL_OPTIONS is passed to workers as it is");
            return Optional.empty();
        }
        String jar = System.getProperty(JAVA_AGENT_PROPERTY, "");
        java.nio.file.Path path = java.nio.file.Path.of(jar).toAbsolutePath();
        if (jar.isEmpty() || !java.nio.file.Files.isReadable(path)) {
            log.warn("the Java agent ({}) is {}: Java workers must take their sockets (fd 3...) and send READY"
                    + " themselves (set ENDLESSD_AGENT_JAR, or --java-agent=off to silence this)",
                    ENDLESSD_AGENT_JAR_NAME, jar.isEmpty() ? "not installed next to endlessd.jar" : "unreadable at " + path);
            return Optional.empty();
        }
        log.info("Java workers get the agent {} (JAVA_TOOL_OPTIONS): unmodified servers take the inherited sockets,"
                + " send READY and drain on SIGTERM; --java-agent=off disables it", path);
        return Optional.of(path);
    }

    /**
     * The Java cache ({@code --java-cache}); a state directory it cannot use is no reason not to serve:
     * workers then start as they would without it.
     */
    private JavaCache javaCache() {
        if (!config.javaCache()) {
            log.info("--java-cache=off: Java workers start without a class-data cache");
            return JavaCache.off();
        }
        try {
            JavaCache cache = JavaCache.open(config.serviceName(), environment, Posix.uid(),
                    config.user().map(user -> java.util.OptionalInt.of(user.uid())).orElse(java.util.OptionalInt.empty()),
                    config.user().map(user -> java.util.OptionalInt.of(user.gid())).orElse(java.util.OptionalInt.empty()),
                    config.command().commandLine());
            log.info("Java workers keep a class-data cache in {}: each generation writes it as it exits, the next"
                    + " starts from it; --java-cache=off disables it", cache.location().orElseThrow());
            return cache;
        } catch (IOException e) {
            log.warn("Java workers start without a class-data cache: {}", e.getMessage());
            return JavaCache.off();
        }
    }

    private ExecWrapper execWrapper(Optional<StartupPriority> priority) throws StartupException {
        Optional<java.nio.file.Path> cgroups = priority.flatMap(StartupPriority::cgroups);
        try {
            return ExecWrapper.forWorkers(priority.isPresent() && cgroups.isEmpty() ? config.startupNice() : 0, cgroups,
                    config.user(), environment);
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private void claimControlSocket() throws StartupException {
        try {
            if (ControlSocketFile.claim(files.controlSocket())) {
                log.info("removed stale control socket {} (the daemon that made it is gone)", files.controlSocket());
            }
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private ControlServer openControlSocket(EventLoop loop, Supervisor supervisor, DaemonInfo info,
                                            Supplier<Optional<WatchStatus>> watch) throws StartupException {
        try {
            if (handoff.isPresent()) {
                try {
                    return ControlServer.adopt(handoff.get().controlFd(), files.controlSocket(), loop, supervisor, info,
                            watch, Posix.uid(), Clock.systemUTC());
                } catch (IOException e) {
                    // Bound afresh rather than given up: without a control socket nobody could stop or reload us.
                    String problem = e.getMessage() + ": bound again, so clients that were queued on the old socket"
                            + " are gone";
                    log.error("{}", problem);
                    info.lastUpgrade().ifPresent(upgrade -> upgrade.problem(problem));
                    ControlSocketFile.claim(files.controlSocket()); // the socket it names is closed now: stale
                }
            }
            return ControlServer.bind(files.controlSocket(), loop, supervisor, info, watch, Posix.uid(), Clock.systemUTC());
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private List<Listener> listeners(EventLoopGroup group) throws StartupException {
        try {
            return Listeners.open(environment, pid, config.listen(), group, config.backlog());
        } catch (ListenException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private RuntimeDirectory prepareRuntimeDirectory() throws StartupException {
        try {
            return RuntimeDirectory.prepare(config.runtimeDirectory(), Posix.uid(), config.user().isPresent());
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * After an upgrade: the supervisor takes its workers back, then those who waited hear of it.
     * What could not be taken over is reported loudly (log, status, and a failed answer to
     * {@code endlessd upgrade}) while endlessd serves on with what it took: exiting now would leave
     * the workers to the guard, which stops them.
     */
    private void resume(Supervisor supervisor, Handoff state, LastUpgrade upgraded) {
        List<Consumer<ReloadOutcome>> reloads = new ArrayList<>();
        state.reloadWaiterFds().forEach(fd -> reloads.add(CarriedAnswers.reloadWaiter(fd, supervisor)));
        while (reloads.size() < state.supervision().queuedReloads()) {
            reloads.add(outcome -> { });
        }
        supervisor.resume(state.supervision(), reloads).forEach(upgraded::problem);
        long tookMillis = upgraded.took().toMillis();
        if (cameBack.isPresent()) {
            String failed = "upgrade failed: " + cameBack.get() + "; endlessd " + runningVersion + ", the code that ran"
                    + " before, took the workers over again and serves on (pid=" + pid + ", back in " + tookMillis + " ms)";
            log.error("{}", failed);
            upgraded.problems().forEach(problem -> log.error("and the take-over is incomplete: {}", problem));
            List<String> said = new ArrayList<>(List.of(failed));
            said.addAll(upgraded.problems());
            state.upgradeWaiterFds().forEach(fd -> CarriedAnswers.upgradedIncompletely(fd, String.join("; ", said)));
            return;
        }
        String text = "upgraded pid=" + pid + " version=" + runningVersion + " from=" + state.writtenBy()
                + " took=" + tookMillis + "ms";
        List<String> problems = upgraded.problems();
        if (problems.isEmpty()) {
            log.info("upgraded: endlessd {} (from {}) serves pid={} since {}, upgrade {}: the control socket was served"
                    + " {} ms after it began", runningVersion, state.writtenBy(), pid, state.startedAt(), state.upgrades(),
                    tookMillis);
            state.upgradeWaiterFds().forEach(fd -> CarriedAnswers.upgraded(fd, text));
            return;
        }
        String incomplete = text + ", but the take-over is incomplete (" + String.join("; ", problems)
                + "); endlessd serves on with what it took over";
        log.error("{}", incomplete);
        state.upgradeWaiterFds().forEach(fd -> CarriedAnswers.upgradedIncompletely(fd, incomplete));
    }

    private static List<Listener> carriedListeners(Handoff state) {
        return state.listeners().stream()
                .map(carried -> new Listener(carried.name(), carried.description(), carried.fd(), null))
                .toList();
    }

    /**
     * Starts the guard (or takes over the one the previous code started) and starts it again
     * whenever it ends while endlessd runs on.
     */
    private void keepGuard(ProcessLauncher launcher, SupervisorThread thread) throws StartupException {
        Optional<Handoff.CarriedGuard> carried = handoff.flatMap(Handoff::guard);
        if (carried.isPresent()) {
            WorkerGuard adopted = WorkerGuard.adopt(carried.get().pid(), carried.get().fd());
            guard.set(adopted);
            launcher.adopt(adopted.pid(), status -> guardEnded(launcher, thread, adopted, status));
            launcher.watchedBy(adopted);
            return;
        }
        try {
            startGuard(launcher, thread);
        } catch (IOException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private void startGuard(ProcessLauncher launcher, SupervisorThread thread) throws IOException {
        launcher.watchedBy(ProcessLauncher.ChildWatch.NONE);
        WorkerGuard[] started = new WorkerGuard[1];
        started[0] = WorkerGuard.start(launcher, config.serviceName(), config.settings().drainTimeout(), environment,
                launcher.livePids(), status -> guardEnded(launcher, thread, started[0], status));
        guard.set(started[0]);
        launcher.watchedBy(started[0]);
    }

    /** On a reaper thread. */
    private void guardEnded(ProcessLauncher launcher, SupervisorThread thread, WorkerGuard ended, ExitStatus status) {
        if (shuttingDown) {
            return;
        }
        try {
            thread.execute("the end of " + ended, () -> {
                ended.close();
                log.warn("{} ended ({}): starting it again, so that the workers stop should endlessd die", ended, status);
                try {
                    startGuard(launcher, thread);
                } catch (IOException e) {
                    log.error("{}; the workers would outlive endlessd should it die", e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // endlessd is stopping
        }
    }

    private void installSignalHandlers(SupervisorThread thread, Supervisor supervisor) {
        SignalHandlers.install("USR1", () -> thread.execute("SIGUSR1", () -> supervisor.upgrade("SIGUSR1", reason -> { })));
        if (!SignalHandlers.install("HUP", () -> thread.execute("SIGHUP", () -> supervisor.reload("SIGHUP", outcome -> { })))) {
            log.warn("SIGHUP was ignored when endlessd started (nohup?): reload with `endlessd reload` instead");
        }
        SignalHandlers.install("TERM", () -> thread.execute("SIGTERM", () -> supervisor.stop("SIGTERM")));
        SignalHandlers.install("INT", () -> thread.execute("SIGINT", () -> {
            if (supervisor.phase() == Phase.STOPPING) {
                supervisor.kill("second SIGINT");
            } else {
                supervisor.stop("SIGINT; a second one kills the workers at once");
            }
        }));
    }

    private static String describe(List<Listener> listeners) {
        return listeners.stream().map(Listener::toString).collect(Collectors.joining(", "));
    }
}
