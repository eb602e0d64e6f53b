package dev.endlessd.bench.service;

import java.io.IOException;
import java.util.List;

/** The sample app under endlessd, which binds the port and reloads on SIGHUP or {@code endlessd reload}. */
public final class EndlessdService extends LoggedService {

    /** How the benchmark asks endlessd to reload. */
    public enum Trigger {
        /** {@code kill -HUP}: what the CLI does in effect, without starting a JVM for the client. */
        SIGHUP,
        /** {@code endlessd reload}, which waits for the outcome; what systemd's ExecReload runs. */
        CLI
    }

    private final Trigger trigger;

    public EndlessdService(Stage stage, String name, int port, Trigger trigger) {
        super(stage, name, port);
        this.trigger = trigger;
    }

    @Override
    List<String> command() {
        return List.of(stage.endlessd().toString(),
                "--cmd", stage.appShellCommand(),
                "--listen", ":" + port,
                "--name", name,
                "--runtime-dir", runtimeDir().toString(),
                "--ready-timeout", stage.readyTimeout().toMillis() + "ms",
                "--drain-timeout", stage.drainTimeout().toMillis() + "ms");
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
