package dev.endlessd.watch;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the service when the content of watched files or directories changes
 * ({@code --reload-on-change}).
 *
 * <p>A file is rarely changed in place: editors write a new file and rename it over the old one,
 * and Kubernetes updates a mounted ConfigMap or Secret by pointing its {@code ..data} link at a new
 * directory. So the watcher takes inotify events (through the JDK's {@link WatchService}) from the
 * directory that holds each watched path, from a watched directory and its subdirectories, and from
 * where a symbolic link points. Once the events have stopped for {@link #QUIET} (or kept coming for
 * {@link #LONGEST_WAIT}), it reads the content again ({@link Fingerprint}), and only a difference from
 * what it read last asks for a reload: a touch asks for none, a burst of changes for one. A reload
 * that fails is not retried: the old worker keeps serving until the content changes again.
 *
 * <p>Events are taken on a thread of its own, which also reads the files, so that a large file never
 * holds up the supervisor's event loop. {@link #status} may be called from any thread.
 */
public final class ChangeWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeWatcher.class);
    static final Duration QUIET = Duration.ofSeconds(1);
    static final Duration LONGEST_WAIT = Duration.ofSeconds(10);
    private static final int MAX_DEPTH = 16;

    private final List<Path> paths;
    private final ReloadRequester requester;
    private final Clock clock;
    private final WatchService service;
    private final Thread thread;
    private final AtomicReference<WatchStatus> status;
    /** What each path held at the last look, or at the last look it existed; the watcher's thread only. */
    private final Map<Path, Fingerprint> seen = new HashMap<>();
    private final Set<Path> gone = new HashSet<>();
    private final Set<Path> unwatchable = new HashSet<>();

    private ChangeWatcher(List<Path> paths, ReloadRequester requester, Clock clock, WatchService service) {
        this.paths = List.copyOf(paths);
        this.requester = requester;
        this.clock = clock;
        this.service = service;
        this.status = new AtomicReference<>(new WatchStatus(paths, Optional.empty()));
        this.thread = new Thread(this::run, "endlessd-watch");
        thread.setDaemon(true);
    }

    /**
     * Reads what each path holds now and starts listening for events, which wait until {@link #start}.
     *
     * @param paths absolute paths of existing files or directories
     * @throws IOException naming the path that cannot be read or watched
     */
    public static ChangeWatcher open(List<Path> paths, ReloadRequester requester, Clock clock) throws IOException {
        ChangeWatcher watcher = new ChangeWatcher(paths, requester, clock, paths.get(0).getFileSystem().newWatchService());
        try {
            for (Path path : paths) {
                watcher.seen.put(path, Fingerprint.of(path).orElseThrow(() -> new IOException(
                        "reload-on-change: " + path + " does not exist (expected: a file or a directory)")));
            }
            watcher.watchAll();
        } catch (IOException e) {
            watcher.close();
            throw e;
        }
        log.info("reloading when the content of {} changes (once {} ms pass without another change)", describe(paths),
                QUIET.toMillis());
        return watcher;
    }

    /** Starts acting on events. Call once the supervisor has its first worker on the way. */
    public void start() {
        thread.start();
    }

    public WatchStatus status() {
        return status.get();
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            log.debug("reload on change: closing the watch service: {}", e.toString());
        }
    }

    private void run() {
        while (true) {
            try {
                settle(service.take());
                compare();
                watchAll();
            } catch (ClosedWatchServiceException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("reload on change: unexpected failure; watching on (please report this)", e);
            }
        }
    }

    /** Takes events until none came for {@link #QUIET}, or for {@link #LONGEST_WAIT} at most. */
    private void settle(WatchKey first) throws InterruptedException {
        long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
        for (WatchKey key = first; key != null; ) {
            key.pollEvents();
            key.reset();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            key = service.poll(Math.min(QUIET.toNanos(), left), TimeUnit.NANOSECONDS);
        }
    }

    private void compare() {
        List<String> changes = new ArrayList<>();
        for (Path path : paths) {
            Optional<Fingerprint> now;
            try {
                now = Fingerprint.of(path);
            } catch (IOException e) {
                log.warn("reload on change: cannot read {} ({}): looking again at its next change", path, e.toString());
                continue;
            }
            if (now.isEmpty()) {
                if (gone.add(path)) {
                    log.warn("reload on change: {} is gone; the service reloads once it is back with other content", path);
                }
                continue;
            }
            gone.remove(path);
            Fingerprint before = seen.put(path, now.get());
            if (!now.get().equals(before)) {
                changes.add(path + ": " + now.get().changesSince(before));
            }
        }
        if (changes.isEmpty()) {
            log.debug("reload on change: files were touched, but the content is what it was: no reload");
            return;
        }
        String what = String.join("; ", changes);
        WatchStatus.Change change = new WatchStatus.Change(clock.instant(), what, Optional.empty());
        status.updateAndGet(current -> current.changed(change));
        requester.reload("file change: " + what, result -> {
            status.updateAndGet(current -> current.settled(change, result));
            if (!result.succeeded()) {
                log.warn("reload on change: the reload for {} failed; the next change to the files tries again", what);
            }
        });
    }

    /** Registers every directory whose events can mean a change; again after each change, as links move. */
    private void watchAll() {
        for (Path path : paths) {
            watch(path.getParent());
            watchTree(path);
            try {
                Path real = path.toRealPath();
                if (!real.equals(path)) {
                    watch(real.getParent());
                    watchTree(real);
                }
            } catch (IOException e) {
                // gone for now: the events of its parent bring it back
            }
        }
    }

    private void watchTree(Path path) {
        if (!Files.isDirectory(path)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(path, MAX_DEPTH)) {
            tree.filter(Files::isDirectory)
                    .filter(dir -> dir.equals(path) || !dir.getFileName().toString().startsWith(".."))
                    .forEach(this::watch);
        } catch (IOException | java.io.UncheckedIOException e) {
            log.debug("reload on change: cannot list {}: {}", path, e.toString());
        }
    }

    private void watch(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            return;
        }
        try {
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException e) {
            if (unwatchable.add(directory)) {
                log.warn("reload on change: cannot watch {} ({}): changes there go unnoticed", directory, e.toString());
            }
        }
    }

    private static String describe(List<Path> paths) {
        return String.join(", ", paths.stream().map(Path::toString).toList());
    }
}
