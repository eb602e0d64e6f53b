package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * What the tests under a real systemd do as an operator would, on the .deb's units in a booted
 * {@link SystemdContainer}: configure an instance running the sample app, reload it, read its
 * properties and journal, and count requests under load.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class Operator {
    /** Where the sample app is installed in the container. */
    static final String APP = "/opt/endlessd-it";
    static final int CLIENTS = 4;
    static final String DEB = SystemdContainer.STAGED + "/endlessd.deb";
    static final String POLICY = "/usr/sbin/policy-rc.d";

    private final SystemdContainer container;

    Operator(SystemdContainer container) {
        this.container = container;
    }

    /** Steps a test takes in the container while the load runs. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** /etc/endlessd/NAME.conf running the sample app (with {@code port} 0: no --listen) and its config. */
    void configure(String name, int port, String options) throws IOException, InterruptedException {
        configure(name, port, options, "");
    }

    /**
     * {@link #configure(String, int, String)}, with {@code setup}, shell steps that run in the worker's
     * shell before it exec's the app (empty for none).
     */
    void configure(String name, int port, String options, String setup) throws IOException, InterruptedException {
        container.write(APP + "/" + name + ".properties", "greeting=" + name + "\n");
        container.write("/etc/endlessd/" + name + ".conf", String.join("\n",
                "# as example.conf says: setup steps in sh -c, the server exec'd",
                "ENDLESSD_CMD=\"sh -c 'cd " + APP + (setup.isEmpty() ? "" : " && " + setup)
                        + " && exec java -jar sample-app.jar --config " + name + ".properties --warm-up 0'\"",
                port == 0 ? "" : "ENDLESSD_LISTEN=\"--listen http=127.0.0.1:" + port + "\"",
                "ENDLESSD_OPTIONS=\"" + options + "\"",
                ""));
    }

    /**
     * What the load client counted while {@code action} ran, and until {@code workers} workers had
     * answered; a failure comes with the journal of {@code unit}.
     */
    LoadRun.Result underLoad(String unit, int port, int workers, Action action) throws Exception {
        try (LoadRun run = LoadRun.start(container, port, CLIENTS)) {
            run.await("serving");
            action.run();
            run.awaitWorkers(workers);
            return run.finish();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + journalTail(unit), e);
        }
    }

    /** {@code systemctl reload UNIT}, asserting its exit status; returns how long it took. */
    Duration reload(String unit, int expectedExit) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Command.Result reload = container.exec("systemctl", "reload", unit);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(expectedExit, reload.exitCode(), () -> reload.describe() + "\n"
                + journalTail(unit));
        return took;
    }

    String journalTail(String unit) {
        try {
            return container.exec("journalctl", "--no-pager", "-n", "40", "-u", unit).output();
        } catch (IOException | InterruptedException e) {
            return "(journal unavailable: " + e + ")";
        }
    }

    String mainPid(String unit) throws IOException, InterruptedException {
        String pid = property(unit, "MainPID");
        assertNotEquals("0", pid, unit + " has no main process");
        return pid;
    }

    String property(String unit, String name) throws IOException, InterruptedException {
        return container.succeed("systemctl", "show", "--value", "--property=" + name, unit).output().strip();
    }

    boolean exists(String path) throws IOException, InterruptedException {
        return container.exec("test", "-e", path).exitCode() == 0;
    }

    /** What the container gets at {@link SystemdContainer#STAGED}: the .deb, the sample app and the load client. */
    static void stage(Path staged) throws Exception {
        Files.copy(BuiltPackages.deb(), staged.resolve("endlessd.deb"));
        Files.copy(BuiltPackages.sampleApp(), staged.resolve("sample-app.jar"));
        stageLoadClient(staged);
    }

    /**
     * Installs the sample app, and removes this machine's {@code policy-rc.d}: the container is a copy
     * of this machine, and image builds install one that forbids every service action to maintainer
     * scripts; the tests choose the policy themselves.
     *
     * @return whether there was a policy-rc.d to remove
     */
    boolean installApp() throws IOException, InterruptedException {
        container.succeed("install", "-D", "-m", "0644", SystemdContainer.STAGED + "/sample-app.jar", APP + "/sample-app.jar");
        if (container.exec("test", "-e", POLICY).exitCode() == 0) {
            container.succeed("rm", POLICY);
            return true;
        }
        return false;
    }

    /** The load client's classes, for the container's java: the JDK alone, nothing else of the tests. */
    private static void stageLoadClient(Path staged) throws Exception {
        Path classes = Path.of(LoadClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path relative = Path.of(LoadClient.class.getPackageName().replace('.', '/'));
        Path to = Files.createDirectories(staged.resolve("classes").resolve(relative));
        try (Stream<Path> files = Files.list(classes.resolve(relative))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(LoadClient.class.getSimpleName())).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
