package dev.endlessd.cli;

import dev.endlessd.daemon.SupervisorSettings;
import dev.endlessd.instance.Daemon;
import dev.endlessd.instance.DaemonConfig;
import dev.endlessd.instance.DaemonFiles;
import dev.endlessd.instance.StartupException;
import dev.endlessd.os.ErrnoException;
import dev.endlessd.os.Posix;
import dev.endlessd.priority.StartupCpu;
import dev.endlessd.socket.ListenSpec;
import dev.endlessd.spawn.RunAs;
import dev.endlessd.spawn.WorkerCommand;
import dev.endlessd.upgrade.Handoff;
import dev.endlessd.upgrade.HandoffException;
import dev.endlessd.upgrade.HandoffFile;
import dev.endlessd.upgrade.Rescue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code endlessd --cmd CMD --listen ADDR...}: runs the supervisor in the foreground; its
 * subcommands talk to a running one.
 */
@Command(name = "endlessd", versionProvider = Version.class, sortOptions = false, usageHelpAutoWidth = true,
        subcommands = {ReloadCommand.class, UpgradeCommand.class, StatusCommand.class, StopCommand.class,
            UpgradeCheckCommand.class},
        customSynopsis = {
            "endlessd --cmd CMD --listen [NAME=]ADDR... [OPTIONS]",
            "       endlessd (reload | upgrade | status | stop) [OPTIONS]"},
        description = {
            "",
            "Zero-downtime reload supervisor. Owns the listening sockets and runs CMD with them as inherited "
                    + "fds (systemd socket-activation convention: fd 3+, LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES). "
                    + "On reload it starts a new worker beside the old one, waits for its READY=1 on NOTIFY_SOCKET, "
                    + "then sends the old one SIGTERM. Its own pid never changes.",
            ""},
        commandListHeading = "%nCommands to a running daemon (see endlessd COMMAND --help):%n",
        footer = {
            "",
            "Signals: SIGHUP reloads, without waiting for the outcome; SIGUSR1 upgrades (see upgrade); SIGTERM or SIGINT drain every worker "
                    + "and exit 0; a second SIGINT kills them."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:stopped cleanly",
            "1:could not start (another daemon of this --name runs, a port is taken, ...), or the first worker never got ready",
            "2:usage error"})
public final class EndlessdCommand implements Callable<Integer> {

    private static final int DEFAULT_STARTUP_NICE = 10;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--cmd", paramLabel = "CMD", order = 1,
            description = "The server to run, as a /bin/sh command line, exec'd so it keeps the pid LISTEN_PID names. "
                    + "Setup steps need their own exec: 'sh -c \"cd /srv && exec ./server\"'.")
    private String command;

    @Option(names = "--listen", paramLabel = "[NAME=]ADDR", order = 2,
            converter = Conversions.ListenValue.class,
            description = "A socket to listen on, repeatable, passed as fd 3, 4, ... in this order. "
                    + "ADDR: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH. NAME goes to LISTEN_FDNAMES. "
                    + "Omit when a systemd .socket unit passes the sockets.")
    private List<ListenSpec> listen = new ArrayList<>();

    @Mixin
    private InstanceOptions instance;

    @Mixin
    private ControlSocketOption controlSocket;

    @Mixin
    private HelpOptions help;

    @Option(names = "--pid-file", paramLabel = "PATH", order = 13,
            description = "Write the daemon's pid here once it serves its control socket (atomically); removed on exit.")
    private Path pidFile;

    @Option(names = "--ready-timeout", paramLabel = "DURATION", order = 3, defaultValue = "60s",
            converter = Conversions.DurationValue.class,
            description = "How long a new worker may take to send READY=1 before the reload fails (default: ${DEFAULT-VALUE}).")
    private Duration readyTimeout;

    @Option(names = "--ready-after", paramLabel = "DURATION", order = 4,
            converter = Conversions.DurationValue.class,
            description = "Opt-in fallback for servers that cannot notify: ready once alive this long. "
                    + "A guess, not a signal: prefer READY=1.")
    private Duration readyAfter;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", order = 5, defaultValue = "30s",
            converter = Conversions.DurationValue.class,
            description = "How long an old worker may drain after SIGTERM before SIGKILL (default: ${DEFAULT-VALUE}).")
    private Duration drainTimeout;

    @Option(names = "--probation", paramLabel = "DURATION", order = 5, defaultValue = "10s",
            converter = Conversions.DurationValue.class,
            description = "After a reloaded worker's READY, the old one serves beside it this long and drains only if the new"
                    + " one is still alive; if it exits meanwhile the reload fails, the old one serves on and the new"
                    + " version is not restarted. Not for the first worker. 0s: drain at READY (default: ${DEFAULT-VALUE}).")
    private Duration probation;

    @Option(names = "--user", paramLabel = "USER", order = 7,
            description = "Run workers as USER (endlessd itself must run as root, e.g. to bind ports below 1024). "
                    + "Uses setpriv from util-linux.")
    private String user;

    @Option(names = "--startup-nice", paramLabel = "N", order = 8,
            description = "A new worker gets as much less CPU than the serving one as N steps of nice give, until it is"
                    + " ready, for at most 5s, so that starting it takes as little CPU as possible from the worker that"
                    + " serves (10: about a tenth). Needs root, which gives the worker its share back (default: 10 as"
                    + " root, else 0).")
    private Integer startupNice;

    @Option(names = "--startup-cpu", paramLabel = "auto|cgroup|nice|off", order = 8, defaultValue = "auto",
            converter = Conversions.StartupCpuValue.class,
            description = "How a new worker gets less CPU (--startup-nice). cgroup: each generation gets a cgroup of"
                    + " its own under endlessd's, with a lower CPU weight (cpu.weight on cgroup v2, cpu.shares on v1)"
                    + " until READY; endlessd's cgroup must be its own (systemd: Delegate=yes). nice: the worker's"
                    + " process and, where the kernel groups by session (autogroup), its session. auto: cgroup where"
                    + " a service manager delegated endlessd's cgroup to it, else nice. off: neither"
                    + " (default: ${DEFAULT-VALUE}).")
    private StartupCpu startupCpu;

    @Option(names = "--backlog", paramLabel = "N", order = 6, defaultValue = "4096",
            description = "Listen backlog: connections that wait while no worker accepts (default: ${DEFAULT-VALUE}, "
                    + "capped by net.core.somaxconn).")
    private int backlog;

    @Option(names = "--java-agent", paramLabel = "on|off", order = 9, defaultValue = "on",
            converter = Conversions.SwitchValue.class,
            description = "Adds endlessd's Java agent to every JVM a worker starts (appended to JAVA_TOOL_OPTIONS), so"
                    + " unmodified Java servers (Spring Boot, Tomcat, Jetty, Undertow, Netty, Vert.x, the JDK's"
                    + " HttpServer) take the inherited sockets instead of binding, send READY and drain on SIGTERM."
                    + " Inert in any JVM whose LISTEN_PID is not its own pid. off: JAVA_TOOL_OPTIONS stays as you set"
                    + " it (default: ${DEFAULT-VALUE}).")
    private Conversions.Switch javaAgent;

    @Option(names = "--java-cache", paramLabel = "on|off", order = 9, defaultValue = "on",
            converter = Conversions.SwitchValue.class,
            description = "Java workers (a command that starts HotSpot java 17+) keep a class-data cache in the"
                    + " instance's state directory ($STATE_DIRECTORY, /var/lib/endlessd as root, else"
                    + " $XDG_STATE_HOME/endlessd): each generation that found none writes it as it exits after"
                    + " serving, later ones start from it (JDK 17-24: CDS archive; 25+: AOT cache), added to"
                    + " JAVA_TOOL_OPTIONS. off: no cache options (default: ${DEFAULT-VALUE}).")
    private Conversions.Switch javaCache;

    @Option(names = "--reload-on-change", paramLabel = "PATH", order = 9,
            description = "Reload when the content of this file or directory changes, repeatable: a mounted"
                    + " ConfigMap or Secret (its ..data link swap is one change), a config file an editor replaces."
                    + " Waits for 1s without further changes; a touch that changes no content does not reload; a"
                    + " failed reload is tried again only at the next change.")
    private List<Path> reloadOnChange = new ArrayList<>();

    @Override
    public Integer call() {
        LoggingSetup.configure(instance.name()); // before config(): checking the options may already log
        Map<String, String> environment = System.getenv();
        Rescue.Kit wayBack = wayBack(environment);
        try {
            return runDaemon(environment, wayBack);
        } catch (RuntimeException | Error e) {
            if (HandoffFile.descriptor(environment).isEmpty()) {
                throw e;
            }
            return goBack(environment, wayBack, "endlessd " + Version.VALUE + " failed: " + e);
        }
    }

    private int runDaemon(Map<String, String> environment, Rescue.Kit wayBack) {
        DaemonConfig config = config();
        Optional<Handoff> handoff;
        try {
            handoff = HandoffFile.take(environment, ProcessHandle.current().pid());
        } catch (HandoffException e) {
            log().error("cannot take over: {}", e.getMessage());
            return goBack(environment, wayBack, "endlessd " + Version.VALUE + " cannot take over: " + e.getMessage());
        }
        if (handoff.isPresent()) {
            try {
                wayBack.keep(handoff.get().carriedFds());
            } catch (ErrnoException e) {
                log().warn("should this code fail before it took the workers over, there is no way back to the previous"
                        + " code: cannot keep the carried descriptors aside ({})", e.getMessage());
            }
        }
        try {
            return new Daemon(config, new DaemonFiles(controlSocket.resolve(instance), Optional.ofNullable(pidFile)),
                    HandoffFile.environmentWithout(environment), spec.commandLine().getParseResult().originalArgs(),
                    handoff, wayBack, Optional.ofNullable(environment.get(Rescue.OUTCOME_VARIABLE))).run(Version.VALUE);
        } catch (StartupException e) {
            log().error("cannot start: {}", e.getMessage());
            return handoff.isEmpty() ? 1
                    : goBack(environment, wayBack, "endlessd " + Version.VALUE + " cannot start: " + e.getMessage());
        }
    }

    /**
     * For the exec of an upgrade: the way back to the previous code, with the state's descriptor kept
     * aside before anything reads it. None when this is no upgrade's exec.
     */
    private static Rescue.Kit wayBack(Map<String, String> environment) {
        Optional<Integer> state = HandoffFile.descriptor(environment);
        if (state.isEmpty()) {
            return Rescue.Kit.none("this process was not executed by an upgrade");
        }
        try {
            Optional<Rescue> way = Rescue.take(environment, ProcessHandle.current().pid());
            if (way.isEmpty()) {
                return Rescue.Kit.none("the previous code handed over none (it predates the way back)");
            }
            Rescue.Kit kit = way.get().kit();
            kit.keep(java.util.List.of(state.get()));
            return kit;
        } catch (HandoffException | ErrnoException e) {
            log().warn("should this code fail before it took the workers over, there is no way back to the previous"
                    + " code: {}", e.getMessage());
            return Rescue.Kit.none(e.getMessage());
        }
    }

    /**
     * This code failed during an upgrade, before it took the workers over: back to the previous code,
     * which takes them over and reports the failure. Returns only when that is impossible.
     */
    private static int goBack(Map<String, String> environment, Rescue.Kit wayBack, String reason) {
        log().error("{}: going back to the code that ran before this upgrade", reason);
        String impossible = wayBack.goBack(environment, reason);
        log().error("cannot go back to the previous code: {}; endlessd exits, and its guard stops the workers", impossible);
        return 1;
    }

    private static org.slf4j.Logger log() {
        return org.slf4j.LoggerFactory.getLogger(EndlessdCommand.class);
    }

    /** The daemon's configuration from the options, checked; a usage error otherwise. */
    DaemonConfig config() {
        if (command == null) {
            throw usage("missing --cmd CMD (the command that runs your server, e.g. --cmd \"java -jar app.jar\"), "
                    + "or a command: reload, status, stop");
        }
        java.util.Set<dev.endlessd.socket.ListenAddress> seen = new java.util.HashSet<>();
        for (ListenSpec spec : listen) {
            if (!seen.add(spec.address())) {
                throw usage("listen: " + spec.address() + " is given twice (expected: each address once)");
            }
        }
        if (backlog < 1) {
            throw usage("backlog: " + backlog + " (expected: > 0)");
        }
        if (startupNice != null && (startupNice < 0 || startupNice > 19)) {
            throw usage("startup-nice: " + startupNice + " (expected: 0 to 19)");
        }
        if (startupNice != null && startupNice > 0 && Posix.uid() != 0) {
            throw usage("startup-nice: " + startupNice + " (needs endlessd to run as root, to give a ready worker its"
                    + " priority back; it runs as uid " + Posix.uid() + ": drop --startup-nice)");
        }
        if (user != null && Posix.uid() != 0) {
            throw usage("user: \"" + user + "\" (--user needs endlessd to run as root; it runs as uid " + Posix.uid()
                    + ": drop --user, or start endlessd as root)");
        }
        List<Path> watched = watchedPaths();
        try {
            SupervisorSettings settings = SupervisorSettings.of(readyTimeout, Optional.ofNullable(readyAfter), drainTimeout,
                    probation);
            return new DaemonConfig(instance.name(), new WorkerCommand(command), listen, backlog, settings,
                    instance.runtimeDirectory(Map.copyOf(System.getenv()), Posix.uid()),
                    Optional.ofNullable(user).map(RunAs::lookUp),
                    startupNice != null ? startupNice : Posix.uid() == 0 ? DEFAULT_STARTUP_NICE : 0, startupCpu,
                    javaAgent == Conversions.Switch.ON, watched, javaCache == Conversions.Switch.ON);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** {@code --reload-on-change} paths, absolute, each an existing file or directory, each once. */
    private List<Path> watchedPaths() {
        List<Path> watched = new ArrayList<>();
        for (Path given : reloadOnChange) {
            Path path = given.toAbsolutePath().normalize();
            if (!java.nio.file.Files.exists(path)) {
                throw usage("reload-on-change: " + given + " does not exist (expected: a file or a directory to watch,"
                        + " e.g. the directory a ConfigMap is mounted at)");
            }
            if (path.getParent() == null) {
                throw usage("reload-on-change: " + given + " (expected: a file or a directory below /)");
            }
            if (watched.contains(path)) {
                throw usage("reload-on-change: " + given + " is given twice (expected: each path once)");
            }
            watched.add(path);
        }
        return watched;
    }

    InstanceOptions instance() {
        return instance;
    }

    ControlSocketOption controlSocket() {
        return controlSocket;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
