package dev.endlessd.jvmcache;

import dev.endlessd.spawn.ExitStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data cache of one instance's Java workers ({@code --java-cache}). A generation that finds no
 * archive for its JVM and command starts cold and writes one as it exits after serving (it leaves anyway:
 * the archive costs the reload nothing); later generations start from it. A generation that finds one
 * starts from it and writes nothing.
 *
 * <p>Nothing here may stop a worker from starting: whatever goes wrong (no state directory, a full disk,
 * a corrupt or foreign archive, a JVM that refuses it) ends in a warning and a worker that starts as it
 * would without the cache. Archives that the JVM refused, or that a worker died starting from, are
 * removed so that the next generation writes a fresh one.
 *
 * <p>Threading: {@link #prepare} and the {@link CachedStart} methods run on the supervisor's event loop;
 * publishing a written archive (an fsync of tens of megabytes) runs on a thread of its own.
 */
public final class JavaCache {
    private static final Logger log = LoggerFactory.getLogger(JavaCache.class);
    private static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
    private static final long CLOSE_WAIT_SECONDS = 30;
    /**
     * How a JVM dies of a fatal error (hs_err): SIGABRT, or the signal itself (Linux numbers: SIGILL,
     * SIGABRT, SIGBUS, SIGFPE, SIGSEGV). An app that fails to start exits with a status instead.
     */
    private static final java.util.Set<Integer> CRASH_SIGNALS = java.util.Set.of(4, 6, 7, 8, 11);

    private final Optional<ArchiveStore> store;
    private final String command;
    private final Path workingDirectory;
    private final ExecutorService publisher;
    private String lastReasonWithout = "";
    /** Keys some live generation writes an archive for: a second writer would only redo its work. */
    private final java.util.Set<String> keysBeingWritten = new java.util.HashSet<>();

    private JavaCache(Optional<ArchiveStore> store, String command, Path workingDirectory) {
        this.store = store;
        this.command = command;
        this.workingDirectory = workingDirectory;
        this.publisher = store.isEmpty() ? null : Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "endlessd-java-cache");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** No cache: every worker's environment stays as it is. */
    public static JavaCache off() {
        return new JavaCache(Optional.empty(), "", Path.of(""));
    }

    /**
     * The cache in the instance's state directory, created if missing.
     *
     * @param environment the daemon's environment, for {@code STATE_DIRECTORY}, {@code XDG_STATE_HOME}, {@code HOME}
     * @param writer      the uid (and gid) workers run as with {@code --user}: their JVMs write the archives
     * @throws IOException naming the directory, the problem and the fix
     */
    public static JavaCache open(String serviceName, Map<String, String> environment, int uid, OptionalInt writer,
                                 OptionalInt writerGid, String command) throws IOException {
        Path instance = StateDirectory.locate(serviceName, environment, uid);
        if (instance.toString().matches(".*[\"'\\\\].*")) {
            throw new IOException("state directory " + instance + " has a quote or backslash in its path, which"
                    + " JAVA_TOOL_OPTIONS cannot carry: set STATE_DIRECTORY elsewhere (or --java-cache=off)");
        }
        Path directory = StateDirectory.prepareCache(instance, uid, writer, writerGid);
        ArchiveStore store = new ArchiveStore(directory, writer.orElse(uid));
        store.removeLeftovers();
        return new JavaCache(Optional.of(store), command, Path.of("").toAbsolutePath());
    }

    /** The directory the archives are kept in, when the cache is on. */
    public Optional<Path> location() {
        return store.map(ArchiveStore::directory);
    }

    /**
     * Decides how generation {@code generation} uses the cache and adds the options that say so to
     * {@code JAVA_TOOL_OPTIONS} in {@code environment} (after what is already there). Never fails: a
     * problem is logged and the worker starts without the cache.
     *
     * @param environment the worker's environment, changed in place
     */
    public CachedStart prepare(long generation, Map<String, String> environment) {
        if (store.isEmpty()) {
            return CachedStart.none(this, generation);
        }
        JavaRuntime.Result found = JavaRuntime.find(command, environment, workingDirectory);
        Optional<Flavor> flavor = found.runtime().flatMap(runtime -> Flavor.forFeature(runtime.feature()));
        if (flavor.isEmpty()) {
            String why = found.runtime().map(runtime -> "java " + runtime.version() + " in " + runtime.home()
                    + " is older than 17").orElse(found.whyNone());
            if (!why.equals(lastReasonWithout)) {
                log.info("gen={} starts without the java cache: {} (the cache serves commands that start a HotSpot"
                        + " java 17 or newer directly, e.g. 'java -jar app.jar' or 'exec /opt/jdk/bin/java ...')",
                        generation, why);
                lastReasonWithout = why;
            }
            return CachedStart.none(this, generation);
        }
        lastReasonWithout = "";
        JavaRuntime runtime = found.runtime().get();
        String key = CacheKey.of(flavor.get(), runtime, command, environment, workingDirectory);
        try {
            return start(generation, flavor.get(), runtime, key, environment);
        } catch (IOException | RuntimeException e) {
            log.warn("gen={} starts without the java cache: {}", generation, describe(e));
            return CachedStart.none(this, generation);
        }
    }

    private CachedStart start(long generation, Flavor flavor, JavaRuntime runtime, String key,
                              Map<String, String> environment) throws IOException {
        ArchiveStore archives = store.get();
        if (archives.failed(key)) {
            log.info("gen={} starts without the java cache: a worker crashed starting from this JVM and command's"
                    + " archive before (remove {} to try again)", generation, archives.failureMark(key));
            return CachedStart.none(this, generation);
        }
        List<String> problems = new ArrayList<>();
        Optional<ArchiveStore.Archive> archive = archives.find(key, flavor, problems);
        problems.forEach(problem -> log.warn("gen={}: java cache file {}: removed", generation, problem));
        CachedStart start;
        List<String> options;
        if (archive.isPresent() && flavor.rewritesStaleArchive()) {
            Path own = archives.incoming(generation, flavor);
            archives.link(own, archive.get());
            options = flavor.startFrom(own);
            start = new CachedStart(this, generation, Optional.of(flavor), key, archive, Optional.of(own), CacheUse.OFFERED);
        } else if (archive.isPresent()) {
            options = flavor.startFrom(archive.get().path());
            start = new CachedStart(this, generation, Optional.of(flavor), key, archive, Optional.empty(), CacheUse.OFFERED);
        } else if (keysBeingWritten.contains(key)) {
            log.info("gen={} starts cold: an older generation writes the java cache for this JVM and command as it"
                    + " exits", generation);
            return new CachedStart(this, generation, Optional.of(flavor), key, Optional.empty(), Optional.empty(),
                    CacheUse.COLD);
        } else {
            Path output = archives.incoming(generation, flavor);
            keysBeingWritten.add(key); // after the last step that can fail: the exit of this worker removes it
            options = flavor.writeAtExit(output);
            start = new CachedStart(this, generation, Optional.of(flavor), key, Optional.empty(), Optional.of(output),
                    CacheUse.WRITING);
        }
        environment.put(JAVA_TOOL_OPTIONS, append(environment.get(JAVA_TOOL_OPTIONS), options));
        if (archive.isPresent()) {
            log.info("gen={} starts from the java cache {} (java {})", generation, archive.get().path(), runtime.version());
        } else {
            log.info("gen={} starts cold (no java cache yet for java {} and this command) and writes one in {} as it"
                    + " exits after serving", generation, runtime.version(), archives.directory());
        }
        return start;
    }

    /** Called by {@link CachedStart#ready}. */
    void ready(CachedStart start) {
        if (start.use() != CacheUse.REFUSED) {
            log.info("{} started from the java cache", start);
            return;
        }
        if (start.flavor().map(Flavor::rewritesStaleArchive).orElse(false)) {
            log.warn("{}: its JVM refused the java cache {} (another JVM build or class path; its own output says"
                    + " why) and started cold; it writes a new one as it exits", start, start.from().get().path());
            return;
        }
        log.warn("{}: its JVM refused the java cache {} (another JVM build or class path; its own output says why)"
                + " and started cold; removed, so that the next generation writes a new one", start,
                start.from().get().path());
        discard(start);
    }

    /** Called by {@link CachedStart#exited}. */
    void exited(CachedStart start, ExitStatus status, boolean served) {
        boolean exitedNormally = status.signal() == 0;
        if (start.from().isPresent() && !served && CRASH_SIGNALS.contains(status.signal())) {
            log.warn("{} crashed ({}) before it was ready while starting from the java cache {}: removed, and this JVM"
                    + " and command get no cache again (a JVM bug with this archive is likelier than chance; remove {}"
                    + " to try again)", start, status, start.from().get().path(),
                    store.get().failureMark(start.key()));
            discard(start);
            try {
                store.get().markFailed(start.key());
            } catch (IOException e) {
                log.warn("{}: cannot record that the java cache failed: {}", start, describe(e));
            }
        }
        if (start.writes().isEmpty()) {
            return;
        }
        if (start.from().isEmpty()) {
            keysBeingWritten.remove(start.key());
        }
        Path output = start.writes().get();
        if (!served || !exitedNormally) {
            if (served && start.use() == CacheUse.WRITING) {
                log.warn("{} was killed before its java cache was whole (raise --drain-timeout if it needs longer to"
                        + " exit): not kept", start);
            }
            onPublisher(() -> discardIncoming(output));
            return;
        }
        // JDK 19-24 were given a link to the archive: the same inode at exit means the JVM wrote nothing new
        Optional<Long> unchanged = start.from().map(ArchiveStore.Archive::inode);
        onPublisher(() -> publish(start, output, unchanged));
    }

    /** Off the event loop; after {@link #close} (a worker that outlived the daemon's stop) the file is left for the next start. */
    private void onPublisher(Runnable task) {
        try {
            publisher.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            log.debug("java cache closed: {} left for the next start to clean up", task);
        }
    }

    private void publish(CachedStart start, Path output, Optional<Long> unchanged) {
        List<String> problems = new ArrayList<>();
        try {
            Optional<Path> published = store.get().publish(output, start.key(), start.flavor().get(), unchanged, problems);
            published.ifPresent(path -> log.info("{} wrote the java cache {} as it exited: the next generations start"
                    + " from it", start, path));
            problems.forEach(problem -> log.warn("{}: no java cache kept: {}", start, problem));
        } catch (IOException | RuntimeException e) {
            log.warn("{}: the java cache it wrote cannot be kept: {}", start, describe(e));
        }
    }

    private void discard(CachedStart start) {
        ArchiveStore.Archive archive = start.from().get();
        try {
            store.get().remove(archive);
        } catch (IOException e) {
            log.warn("{}: cannot remove java cache {}: {}", start, archive.path(), describe(e));
        }
    }

    private void discardIncoming(Path incoming) {
        try {
            store.get().discard(incoming);
        } catch (IOException e) {
            log.debug("cannot remove {}: {}", incoming, describe(e));
        }
    }

    Path directory() {
        return store.map(ArchiveStore::directory).orElse(Path.of(""));
    }

    /** Waits for archives still being published, so that the one the last worker wrote as it stopped is kept. */
    public void close() {
        if (publisher == null) {
            return;
        }
        publisher.shutdown();
        try {
            if (!publisher.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("the java cache was still being written after {}s; the next start finds the last whole one",
                        CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The user's options and the agent first; the JVM splits at whitespace and honours quotes (JDK 9+). */
    static String append(String existing, List<String> options) {
        StringBuilder all = new StringBuilder(existing == null ? "" : existing.strip());
        for (String option : options) {
            if (all.length() > 0) {
                all.append(' ');
            }
            all.append(option.matches(".*\\s.*") ? "\"" + option + "\"" : option);
        }
        return all.toString();
    }

    private static String describe(Exception e) {
        return e instanceof IOException io ? dev.endlessd.runtime.FileProblems.describe(io)
                : String.valueOf(e.getMessage());
    }
}
