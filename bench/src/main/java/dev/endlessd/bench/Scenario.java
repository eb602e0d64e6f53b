package dev.endlessd.bench;

/** The ways of running the app that one pass compares, all under the same load. */
public enum Scenario {
    BARE_STEADY("bare-steady", "bare app, steady",
            "the app binds the port itself (--port), no supervisor, no reload: the data-path baseline"),
    ENDLESSD_STEADY("endlessd-steady", "endlessd, steady",
            "under endlessd, no reload: what the supervisor costs on the data path"),
    ENDLESSD_RELOAD("endlessd-reload", "endlessd reload",
            "under endlessd (java cache on, its default), reloaded periodically: the new worker starts beside the"
                    + " old one, which drains once the new one is ready; one reload before measuring, so that the"
                    + " measured generations of a Java app start from the cache the first one wrote as it exited"),
    ENDLESSD_RELOAD_NO_CACHE("endlessd-reload-nocache", "endlessd reload, cache off",
            "as endlessd reload, with --java-cache=off: every generation starts cold"),
    HELD_RESTART("held-restart", "socket held, stop-then-start",
            "bench/restarter.py holds the socket and passes it as fd 3; a restart stops the old worker, waits for"
                    + " its exit, then starts the new one (systemctl restart of a socket-activated service)"),
    NAIVE_RESTART("naive-restart", "naive restart",
            "the app binds the port itself; a restart sends SIGTERM, waits for the exit, starts the app again");

    private final String id;
    private final String title;
    private final String description;

    Scenario(String id, String title, String description) {
        this.id = id;
        this.title = title;
        this.description = description;
    }

    /** Short name for files, CSV and JSON. */
    public String id() {
        return id;
    }

    /** Name in tables and charts. */
    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public boolean reloads() {
        return this == ENDLESSD_RELOAD || this == ENDLESSD_RELOAD_NO_CACHE || this == HELD_RESTART
                || this == NAIVE_RESTART;
    }

    public boolean underEndlessd() {
        return this == ENDLESSD_STEADY || this == ENDLESSD_RELOAD || this == ENDLESSD_RELOAD_NO_CACHE;
    }
}
