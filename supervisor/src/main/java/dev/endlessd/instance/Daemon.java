package dev.endlessd.instance;

import dev.endlessd.control.ControlServer;
import dev.endlessd.control.ControlSocketFile;
import dev.endlessd.control.DaemonInfo;
import dev.endlessd.daemon.Phase;
import dev.endlessd.daemon.ProcessWorkerStarter;
import dev.endlessd.daemon.ReloadOutcome;
import dev.endlessd.daemon.Supervisor;
import dev.endlessd.daemon.SupervisorThread;
import dev.endlessd.notify.SystemdNotifier;
import dev.endlessd.os.Posix;
import dev.endlessd.priority.StartupPriority;
import dev.endlessd.runtime.RuntimeDirectory;
import dev.endlessd.socket.ListenException;
import dev.endlessd.socket.Listener;
import dev.endlessd.socket.Listeners;
import dev.endlessd.spawn.ExecWrapper;
import dev.endlessd.spawn.ProcessLauncher;
import dev.endlessd.spawn.UserEnvironment;
import dev.endlessd.spawn.WorkerEnvironment;
import dev.endlessd.watch.ChangeWatcher;
import dev.endlessd.watch.ReloadResult;
import dev.endlessd.watch.WatchStatus;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    private final Instant startedAt = Instant.now();
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private volatile boolean shuttingDown;

    public Daemon(DaemonConfig config, DaemonFiles files, Map<String, String> environment) {
        this.config = config;
        this.files = files;
        this.environment = Map.copyOf(environment);
    }

    /**
     * Runs until the service stopped. A second daemon of the same name is refused before it binds
     * anything.
     *
     * @return the process exit code: 0 after a graceful stop, 1 when the first worker never got ready
     */
    public int run(String version) throws StartupException {
        RuntimeDirectory runtimeDirectory = prepareRuntimeDirectory();
        InstanceLock lock = InstanceLock.acquire(runtimeDirectory.path(), config.serviceName(), pid);
        try {
            claimControlSocket();
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("endlessd-loop"),
                    EpollIoHandler.newFactory());
            try {
                return serve(group, runtimeDirectory, version);
            } finally {
                shuttingDown = true;
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        } finally {
            lock.close();
        }
    }

    private int serve(EventLoopGroup group, RuntimeDirectory runtimeDirectory, String version) throws StartupException {
        EventLoop loop = group.next();
        SupervisorThread thread = new SupervisorThread(loop);
        ExecWrapper wrapper = execWrapper();
        config.user().ifPresent(user -> log.info("workers run as user {} (uid {}, gid {}) with {}", user.name(), user.uid(),
                user.gid(), UserEnvironment.describe(user, environment)));
        List<Listener> listeners = listeners(group);
        try {
            WorkerEnvironment workerEnvironment = new WorkerEnvironment(
                    config.user().map(user -> UserEnvironment.of(user, environment)).orElse(environment),
                    config.serviceName(),
                    config.settings().drainTimeout(), javaAgent());
            ProcessLauncher launcher = new ProcessLauncher();
            ProcessWorkerStarter starter = new ProcessWorkerStarter(config.command(), wrapper, config.user(), listeners,
                    workerEnvironment, runtimeDirectory, thread, launcher, wrapper.lowersPriority()
                            ? Optional.of(new StartupPriority(Posix.niceness(), loop)) : Optional.empty());
            Optional<SystemdNotifier> systemd = systemdNotifier(loop);
            Supervisor supervisor = new Supervisor(config.settings(), starter, thread, exitCode::complete,
                    systemd.<Supervisor.PhaseListener>map(SystemdPhases::new).orElse((phase, status) -> { }));
            LoopDeathWatch.watch(loop, launcher, () -> shuttingDown, exitCode);
            Optional<ChangeWatcher> watcher = watchForChanges(thread, supervisor);
            try {
                ControlServer control = openControlSocket(loop, supervisor,
                        new DaemonInfo(config.serviceName(), version, pid, startedAt, files.controlSocket(), listeners),
                        () -> watcher.map(ChangeWatcher::status));
                try {
                    log.info("endlessd {} pid={} listening on {}; runtime directory {}; control socket {}; command: {}",
                            version, pid, describe(listeners), runtimeDirectory.path(), files.controlSocket(),
                            config.command());
                    return superviseUntilStopped(thread, supervisor, watcher);
                } finally {
                    control.close();
                }
            } finally {
                watcher.ifPresent(ChangeWatcher::close);
            }
        } finally {
            listeners.forEach(Listener::close);
        }
    }

    private int superviseUntilStopped(SupervisorThread thread, Supervisor supervisor, Optional<ChangeWatcher> watcher)
            throws StartupException {
        PidFile pidFile = PidFile.write(files.pidFile(), pid);
        try {
            installSignalHandlers(thread, supervisor);
            thread.execute("the start", supervisor::start);
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

    private ExecWrapper execWrapper() throws StartupException {
        try {
            return ExecWrapper.forWorkers(config.startupNice(), config.user(), environment);
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

    private void installSignalHandlers(SupervisorThread thread, Supervisor supervisor) {
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
