package dev.endlessd.bench.service;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The app a run puts under load: the sample app, or an unmodified Spring Boot app (agent-it's, run under
 * endlessd through its Java agent). Each knows how it is told its port when it binds one itself, which line
 * says it serves, and which of its log lines mark the phases of a start.
 */
public enum App {
    SAMPLE("sample", "sample app") {
        @Override
        List<String> bindArgs(int port) {
            return List.of("--port", Integer.toString(port));
        }

        @Override
        List<String> workerArgs(int port) {
            return List.of();
        }

        @Override
        Pattern bareServes(int port) {
            return Pattern.compile("serving HTTP on \\S+:" + port + " ");
        }

        @Override
        List<Phase> phases() {
            return List.of(new Phase("main", "sample\\[%PID gen=\\d+\\] INFO  starting"),
                    new Phase("warm-up done", "sample\\[%PID gen=\\d+\\] INFO  warm-up: "));
        }
    },
    SPRING("spring", "Spring Boot app") {
        @Override
        List<String> bindArgs(int port) {
            return List.of("--server.port=" + port);
        }

        // The agent matches the app's bind to endlessd's socket by port: the app binds the port it is given.
        @Override
        List<String> workerArgs(int port) {
            return bindArgs(port);
        }

        @Override
        Pattern bareServes(int port) {
            return Pattern.compile("Tomcat started on port " + port + "\\b");
        }

        @Override
        List<Phase> phases() {
            return List.of(new Phase("main", "Starting \\S+ .*with PID %PID\\b"),
                    new Phase("Tomcat created", "\\b%PID --- .*Tomcat initialized with port"),
                    new Phase("context up", "\\b%PID --- .*Started \\S+ in "));
        }
    };

    /**
     * A moment of a start, found in the worker's output by a pattern in which {@code %PID} stands for its pid.
     */
    public record Phase(String name, String pattern) {
        Pattern forPid(long pid) {
            return Pattern.compile(pattern.replace("%PID", Long.toString(pid)));
        }
    }

    /** Marks every start has, before and after the app's own: the JVM's agent loaded, and READY. */
    static final Phase AGENT = new Phase("JVM up", "endlessd-agent: .*pid=%PID ");

    private final String id;
    private final String title;

    App(String id, String title) {
        this.id = id;
        this.title = title;
    }

    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    /** Arguments that make the app bind {@code port} itself (bare, and the naive restart). */
    abstract List<String> bindArgs(int port);

    /** Arguments for a worker under endlessd, which holds {@code port}. */
    abstract List<String> workerArgs(int port);

    /** The line an app binding its own port writes once it serves (it has no NOTIFY_SOCKET to tell). */
    abstract Pattern bareServes(int port);

    /** The app's own marks of a start, in the order they come. */
    abstract List<Phase> phases();

    public static App of(String id) {
        for (App app : values()) {
            if (app.id.equals(id)) {
                return app;
            }
        }
        throw new IllegalArgumentException("app: " + id + " (expected: sample or spring)");
    }
}
