package dev.endlessd.instance;

import dev.endlessd.control.ControlServer;
import dev.endlessd.daemon.SupervisorThread;
import dev.endlessd.daemon.Upgrader;
import dev.endlessd.guard.WorkerGuard;
import dev.endlessd.os.ErrnoException;
import dev.endlessd.os.Posix;
import dev.endlessd.os.SelfExec;
import dev.endlessd.socket.Listener;
import dev.endlessd.upgrade.Handoff;
import dev.endlessd.upgrade.HandoffCodec;
import dev.endlessd.upgrade.HandoffFile;
import dev.endlessd.upgrade.Preflight;
import dev.endlessd.upgrade.Rescue;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this endlessd process upgrades itself: it builds the handoff around the supervisor's state,
 * has the launcher it was started from check the new code ({@link Preflight}), then executes that
 * launcher in its own place with the handoff on an inherited descriptor and every other descriptor
 * marked close-on-exec. {@link #check} and {@link #exec} are called on the supervisor's thread.
 */
final class SelfUpgrade implements Upgrader {
    private static final Logger log = LoggerFactory.getLogger(SelfUpgrade.class);
    /** Set by the launcher to its own path. */
    static final String LAUNCHER_PROPERTY = "endlessd.launcher";
    private static final Duration PREFLIGHT_WITHIN = Duration.ofMinutes(2);
    static final int SIGHUP = 1;
    static final int SIGINT = 2;
    static final int SIGUSR1 = 10;
    static final int SIGTERM = 15;
    /** Handled by endlessd: ignored across the exec, since their default action would end it before it handles them. */
    private static final Map<String, Integer> HANDLED = Map.of("HUP", SIGHUP, "INT", SIGINT, "TERM", SIGTERM, "USR1", SIGUSR1);

    /**
     * What the instance holds that the handoff names, besides the supervisor's state.
     *
     * @param ownJar the jar this code runs from, held open for the way back ({@link Rescue}); -1 when none
     */
    record Held(long pid, String version, Instant startedAt, int upgrades, List<String> arguments,
                Map<String, String> environment, InstanceLock lock, ControlServer control, List<Listener> listeners,
                Supplier<WorkerGuard> guard, boolean outputRelayed, int ownJar) {
    }

    private final Held held;
    private final SupervisorThread thread;
    private final Clock clock;

    SelfUpgrade(Held held, SupervisorThread thread, Clock clock) {
        this.held = held;
        this.thread = thread;
        this.clock = clock;
    }

    /** The launcher's path, when endlessd was started by it. */
    static Optional<Path> launcher() {
        String path = System.getProperty(LAUNCHER_PROPERTY, "");
        return path.isEmpty() ? Optional.empty() : Optional.of(Path.of(path));
    }

    @Override
    public void check(Handoff.Supervision state, Consumer<Preflight.Result> done) {
        Optional<String> impossible = impossible();
        if (impossible.isPresent()) {
            done.accept(new Preflight.Result(false, "", impossible.get()));
            return;
        }
        byte[] bytes = HandoffCodec.encode(handoff(state, List.of(), List.of()));
        Thread checker = new Thread(() -> {
            Preflight.Result result = Preflight.run(launcher().orElseThrow(), bytes, held.environment(), PREFLIGHT_WITHIN);
            thread.execute("the pre-flight check", () -> done.accept(result));
        }, "upgrade-check");
        checker.setDaemon(true);
        checker.start();
    }

    private Optional<String> impossible() {
        if (launcher().isEmpty()) {
            return Optional.of("endlessd was not started by its launcher (-D" + LAUNCHER_PROPERTY + " is not set), so"
                    + " there is no program to execute: start it with the endlessd command");
        }
        if (held.outputRelayed()) {
            return Optional.of("the workers' output is relayed to endlessd's terminal (--user on a terminal), which"
                    + " an upgrade cannot carry yet: restart endlessd instead, or run it under a service manager");
        }
        return Optional.empty();
    }

    @Override
    public String exec(Handoff.Supervision state, List<Integer> upgradeWaiters, List<Integer> reloadWaiters) {
        Path launcher = launcher().orElseThrow();
        Handoff handoff = handoff(state, upgradeWaiters, reloadWaiters);
        int fd;
        try {
            fd = HandoffFile.write(handoff);
        } catch (IOException e) {
            return e.getMessage();
        }
        int back = wayBack(handoff.ignoredSignals().stream().mapToInt(HANDLED::get).toArray());
        SelfExec.Ignored ignored = null;
        try {
            List<Integer> carried = new ArrayList<>(handoff.carriedFds());
            carried.add(fd);
            Map<String, String> environment = HandoffFile.environmentWith(held.environment(), fd);
            if (back >= 0) {
                carried.add(back);
                carried.add(held.ownJar());
                environment.put(Rescue.VARIABLE, Integer.toString(back));
            }
            SelfExec.closeOnExecExcept(new HashSet<>(carried));
            ignored = SelfExec.ignore(handoff.ignoredSignals().stream().mapToInt(HANDLED::get).toArray());
            List<String> argv = new ArrayList<>();
            argv.add(launcher.toString());
            argv.addAll(held.arguments());
            log.info("executing {} in this process (pid {}): {} descriptor(s) carried, the rest close on exec",
                    launcher, held.pid(), carried.size());
            ErrnoException failed = SelfExec.exec(launcher, argv, environment);
            return failed.getMessage();
        } catch (IOException e) {
            return e.getMessage();
        } finally {
            if (ignored != null) {
                ignored.restore();
            }
            Posix.close(fd);
            if (back >= 0) {
                Posix.close(back);
            }
        }
    }

    /** The way back to this code, should the new code fail after the exec; -1, logged, when there is none. */
    private int wayBack(int[] ignoredSignals) {
        if (held.ownJar() < 0) {
            log.warn("no way back should the new code fail after the exec: endlessd did not open its own jar when it"
                    + " started (see above)");
            return -1;
        }
        try {
            return Rescue.write(held.ownJar(), ignoredSignals);
        } catch (IOException e) {
            log.warn("no way back should the new code fail after the exec: {}", e.getMessage());
            return -1;
        }
    }

    private Handoff handoff(Handoff.Supervision state, List<Integer> upgradeWaiters, List<Integer> reloadWaiters) {
        WorkerGuard guard = held.guard().get();
        return new Handoff(Math.toIntExact(held.pid()), held.version(), held.startedAt(), clock.instant(),
                held.upgrades() + 1, held.arguments(), held.lock().fd(), held.control().fd(),
                held.listeners().stream().map(l -> new Handoff.CarriedListener(l.fd(), l.name(), l.description())).toList(),
                Optional.ofNullable(guard).map(g -> new Handoff.CarriedGuard(g.pid(), g.fd())), state, upgradeWaiters,
                reloadWaiters, List.of("HUP", "INT", "TERM", "USR1"));
    }

    /** Gives the signals ignored across the exec their default action back, before handlers are installed. */
    static void restoreSignals(Handoff handoff) {
        for (String name : handoff.ignoredSignals()) {
            Integer signal = HANDLED.get(name);
            if (signal == null) {
                log.warn("the handoff names signal {}, which this endlessd does not handle: left as it is", name);
                continue;
            }
            try {
                SelfExec.defaultAction(signal);
            } catch (ErrnoException e) {
                log.error("cannot give SIG{} its default action back after the upgrade: {}", name, e.getMessage());
            }
        }
    }
}
