package dev.endlessd.bench.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample app under {@code bench/restarter.py}, which on SIGHUP stops the worker, waits for it to exit,
 * then starts a new one: the baselines that do not overlap workers.
 */
public final class RestarterService extends LoggedService {

    /** What the restarter holds while no worker runs. */
    public enum Mode {
        /** Nothing: the app binds the port itself, so it is closed between the two workers. */
        NAIVE("naive"),
        /** The listening socket, passed as fd 3: connections wait in its backlog between the two workers. */
        HELD("held");

        private final String flag;

        Mode(String flag) {
            this.flag = flag;
        }
    }

    private final Mode mode;

    public RestarterService(Stage stage, String name, int port, Mode mode) {
        super(stage, name, port);
        this.mode = mode;
    }

    @Override
    List<String> command() {
        List<String> command = new ArrayList<>(List.of(stage.python().toString(), stage.restarter().toString(),
                "--mode", mode.flag, "--port", Integer.toString(port), "--name", name,
                "--ready-timeout", Long.toString(stage.readyTimeout().toSeconds()),
                "--stop-timeout", Long.toString(stage.drainTimeout().toSeconds()), "--"));
        command.addAll(stage.appCommand(List.of()));
        return command;
    }

    @Override
    boolean stopsOldWorkerFirst() {
        return true;
    }

    @Override
    void requestReload(long pid) throws IOException, InterruptedException {
        signal("HUP", pid);
    }
}
