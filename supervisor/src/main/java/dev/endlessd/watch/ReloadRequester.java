package dev.endlessd.watch;

import java.util.function.Consumer;

/** How the watcher asks for a reload: the daemon's wiring hands it the supervisor's reload entry point. */
@FunctionalInterface
public interface ReloadRequester {
    /**
     * Asks for a reload. Called on the watcher's thread.
     *
     * @param origin for the supervisor's log, e.g. "file change: /etc/app: app.properties changed"
     * @param done   told the outcome exactly once, on any thread
     */
    void reload(String origin, Consumer<ReloadResult> done);
}
