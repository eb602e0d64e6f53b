package dev.endlessd.watch;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code endlessd status} shows of {@code --reload-on-change}: the watched paths and the last
 * change that asked for a reload. Immutable.
 */
public record WatchStatus(List<Path> paths, Optional<Change> lastChange) {

    /**
     * @param what   which files changed, e.g. "/etc/app: app.properties changed"
     * @param result empty while its reload runs
     */
    public record Change(Instant at, String what, Optional<ReloadResult> result) {
    }

    public WatchStatus {
        paths = List.copyOf(paths);
    }

    WatchStatus changed(Change change) {
        return new WatchStatus(paths, Optional.of(change));
    }

    /** The result of {@code change}'s reload, unless a newer change took its place meanwhile. */
    WatchStatus settled(Change change, ReloadResult result) {
        if (lastChange.isEmpty() || lastChange.get() != change) {
            return this;
        }
        return changed(new Change(change.at(), change.what(), Optional.of(result)));
    }
}
