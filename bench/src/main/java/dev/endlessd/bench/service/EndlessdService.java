package dev.endlessd.bench.service;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The app under endlessd, which binds the port and reloads on SIGHUP or {@code endlessd reload}. */
public final class EndlessdService extends LoggedService {

    /** How the benchmark asks endlessd to reload. */
    public enum Trigger {
        /** {@code kill -HUP}: what the CLI does in effect, without starting a JVM for the client. */
        SIGHUP,
        /** {@code endlessd reload}, which waits for the outcome; what systemd's ExecReload runs. */
        CLI
    }

    /** The first generation's cache outcome; group 1 is set when it wrote one. */
    private static final Pattern CACHE_KEPT = Pattern.compile(
            "gen=1 pid=\\d+(?: (wrote) the java cache|: no java cache kept| was killed before its java cache"
                    + "|: the java cache it wrote cannot be kept)|gen=1 starts without the java cache");

    private final Trigger trigger;
    private final boolean javaCache;
    private final Optional<Duration> probation;

    /**
     * @param javaCache endlessd's {@code --java-cache}
     * @param probation endlessd's {@code --probation}; empty: its default
     */
    public EndlessdService(Stage stage, String name, int port, Trigger trigger, boolean javaCache,
                           Optional<Duration> probation) {
        super(stage, name, port);
        this.trigger = trigger;
        this.javaCache = javaCache;
        this.probation = probation;
    }

    @Override
    List<String> command() {
        List<String> command = new ArrayList<>(List.of(stage.endlessd().toString(),
                "--cmd", stage.workerShellCommand(port),
                "--listen", ":" + port,
                "--name", name,
                "--runtime-dir", runtimeDir().toString(),
                "--ready-timeout", stage.readyTimeout().toMillis() + "ms",
                "--drain-timeout", stage.drainTimeout().toMillis() + "ms",
                "--java-cache=" + (javaCache ? "on" : "off")));
        probation.ifPresent(p -> command.addAll(List.of("--probation", p.toMillis() + "ms")));
        return command;
    }

    /**
     * A state directory of this run's own: the Java cache of an earlier run (or of another scenario of the same
     * name) is never found, so each scenario's first generation starts cold.
     */
    @Override
    void environment(Map<String, String> env) throws IOException {
        env.put("STATE_DIRECTORY", Files.createDirectories(runtimeDir().resolve("state").resolve(name)).toString());
    }

    @Override
    String javaCacheUnsaid() {
        return javaCache ? "-" : "off";
    }

    /**
     * One reload, not measured, so that the generations measured after it can start from the Java cache: the
     * first generation writes it as it exits after draining. Returns whether it did (false with the cache off).
     */
    public boolean trainJavaCache() throws IOException, InterruptedException {
        Reload reload = reload();
        if (!reload.succeeded()) {
            throw new ServiceException(name + ": the reload before measuring failed: " + reload.detail());
        }
        if (!javaCache) {
            return false;
        }
        return awaitLine(CACHE_KEPT, stage.drainTimeout().plusSeconds(30), "gen=1 to write the java cache")
                .group(1) != null;
    }

    @Override
    boolean stopsOldWorkerFirst() {
        return false;
    }

    @Override
    void requestReload(long pid) throws IOException, InterruptedException {
        if (trigger == Trigger.SIGHUP) {
            signal("HUP", pid);
            return;
        }
        // Waits for the outcome; its one line goes to our stderr. The log tells the rest.
        Process cli = new ProcessBuilder(stage.endlessd().toString(), "reload", "--name", name,
                "--runtime-dir", runtimeDir().toString()).inheritIO().start();
        cli.waitFor();
    }
}
