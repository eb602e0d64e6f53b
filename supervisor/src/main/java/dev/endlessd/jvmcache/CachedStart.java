package dev.endlessd.jvmcache;

import dev.endlessd.spawn.ExitStatus;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the cache did for one worker: the archive it started from or the file it writes, and how that
 * went. Confined to the supervisor's event loop.
 */
public final class CachedStart {
    private final JavaCache cache;
    private final long generation;
    private final Optional<Flavor> flavor;
    private final String key;
    private final Optional<ArchiveStore.Archive> from;
    private final Optional<Path> writes;
    private CacheUse use;
    private int pid;
    private boolean served;

    CachedStart(JavaCache cache, long generation, Optional<Flavor> flavor, String key,
                Optional<ArchiveStore.Archive> from, Optional<Path> writes, CacheUse use) {
        this.cache = cache;
        this.generation = generation;
        this.flavor = flavor;
        this.key = key;
        this.from = from;
        this.writes = writes;
        this.use = use;
    }

    static CachedStart none(JavaCache cache, long generation) {
        return new CachedStart(cache, generation, Optional.empty(), "", Optional.empty(), Optional.empty(), CacheUse.NONE);
    }

    public CacheUse use() {
        return use;
    }

    /** The worker's process; from then on log lines name it. */
    public void spawned(int pid) {
        this.pid = pid;
    }

    /** The worker is ready: whether its JVM took the archive is now known. */
    public void ready() {
        served = true;
        if (from.isEmpty()) {
            return;
        }
        use = Mappings.maps(pid, from.get().inode(), cache.directory()) ? CacheUse.USED : CacheUse.REFUSED;
        cache.ready(this);
    }

    /**
     * The worker is gone. A JVM that exited (after SIGTERM too) wrote its archive whole; one killed by a
     * signal may have been killed mid-write. Whether it became ready is known from {@link #ready}: a
     * JVM that never served has nothing worth keeping, and one that crashed starting from the archive
     * may have crashed of it.
     */
    public void exited(ExitStatus status) {
        cache.exited(this, status, served);
    }

    long generation() {
        return generation;
    }

    int pid() {
        return pid;
    }

    Optional<Flavor> flavor() {
        return flavor;
    }

    String key() {
        return key;
    }

    Optional<ArchiveStore.Archive> from() {
        return from;
    }

    Optional<Path> writes() {
        return writes;
    }

    @Override
    public String toString() {
        return "gen=" + generation + (pid > 0 ? " pid=" + pid : "");
    }
}
