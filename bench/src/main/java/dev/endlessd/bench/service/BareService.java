package dev.endlessd.bench.service;

import java.io.IOException;
import java.util.OptionalLong;

/** The app alone, binding the port itself: no supervisor, no reload. */
public final class BareService implements Service {
    private final Stage stage;
    private final String name;
    private final int port;
    private Process process;

    public BareService(Stage stage, String name, int port) {
        this.stage = stage;
        this.name = name;
        this.port = port;
    }

    @Override
    public void start() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(stage.appCommand(stage.app().bindArgs(port)))
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("LISTEN_") || key.equals("NOTIFY_SOCKET"));
        process = builder.start();
        Cleanup.started(this);
        ProcessOutput output = ProcessOutput.follow(name, process, stage.logs().resolve(name + ".log"));
        output.await(stage.app().bareServes(port), 0, stage.readyTimeout(),
                "the app to serve on port " + port);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Reload reload() {
        throw new UnsupportedOperationException(name + " has no reload");
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public OptionalLong supervisorPid() {
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        Processes.stop(process, stage.drainTimeout().plusSeconds(10));
        Cleanup.stopped(this);
    }
}
