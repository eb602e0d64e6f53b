package dev.endlessd.jvmcache;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which kind of class-data archive a JVM can write as it exits and start from, and the options that
 * say so. Only options the JVM of that feature release accepts: a JVM that meets an option it does not
 * know refuses to start.
 */
enum Flavor {
    /**
     * JDK 17-18: a dynamic CDS archive, written at exit ({@code -XX:ArchiveClassesAtExit}). The JVM
     * refuses to dump with any {@code -javaagent} (ours is always there) unless
     * {@code AllowArchivingWithJavaAgent}, a diagnostic option; and an archive written with it is used only
     * by a JVM that sets it too, so both sides get it. One JVM cannot read one dynamic archive and write
     * another (17 even fails to start), so a generation either starts from the archive or writes one.
     */
    DYNAMIC_AT_EXIT("jsa", 0xf00baba8),
    /**
     * JDK 19-24: {@code -XX:+AutoCreateSharedArchive}: the JVM maps the archive if it still fits (same
     * JVM, same class path) and otherwise runs without it and writes a new one at exit, in place of the
     * file it was given; so each generation gets a name of its own (a hard link to the archive), and a
     * rewrite never touches what other JVMs map.
     */
    DYNAMIC_AUTO("jsa", 0xf00baba8),
    /**
     * JDK 25+: the AOT cache (JEP 483/514): classes loaded and linked, and method profiles. A training
     * run with {@code -XX:AOTCacheOutput} records as it runs and, at exit, a child JVM assembles the cache.
     */
    AOT_CACHE("aot", 0xf00baba2);

    private static final List<String> AGENT_ARCHIVING =
            List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent");

    private final String extension;
    private final int magic;

    Flavor(String extension, int magic) {
        this.extension = extension;
        this.magic = magic;
    }

    /** The flavor for a HotSpot JVM of this feature release; none before 17 (the agent's floor as well). */
    static Optional<Flavor> forFeature(int feature) {
        if (feature < 17) {
            return Optional.empty();
        }
        if (feature < 19) {
            return Optional.of(DYNAMIC_AT_EXIT);
        }
        return Optional.of(feature < 25 ? DYNAMIC_AUTO : AOT_CACHE);
    }

    String extension() {
        return extension;
    }

    /** The first four bytes of an archive of this flavor, little-endian. */
    int magic() {
        return magic;
    }

    /** Whether the JVM itself writes a new archive when the one it was given does not fit. */
    boolean rewritesStaleArchive() {
        return this == DYNAMIC_AUTO;
    }

    /** Start from {@code archive}. */
    List<String> startFrom(Path archive) {
        return switch (this) {
            case DYNAMIC_AT_EXIT -> with(AGENT_ARCHIVING, "-XX:SharedArchiveFile=" + archive);
            case DYNAMIC_AUTO -> with(AGENT_ARCHIVING, "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive);
            case AOT_CACHE -> List.of("-XX:AOTCache=" + archive);
        };
    }

    /**
     * Start without an archive and write one to {@code output} at exit. Writing, the JVM warns of every
     * class it leaves out (dozens: the agent's ASM, JFR events, classes that failed verification) and
     * nothing of it needs action: the write is told to report errors only. A refused archive is still
     * named at warning level when a JVM starts from one.
     */
    List<String> writeAtExit(Path output) {
        return switch (this) {
            case DYNAMIC_AT_EXIT -> with(AGENT_ARCHIVING, "-XX:ArchiveClassesAtExit=" + output, "-Xlog:cds=error");
            case DYNAMIC_AUTO -> with(AGENT_ARCHIVING, "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + output,
                    "-Xlog:cds=error");
            case AOT_CACHE -> List.of("-XX:AOTCacheOutput=" + output, "-Xlog:aot=error");
        };
    }

    private static List<String> with(List<String> first, String... more) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(List.of(more));
        return List.copyOf(all);
    }
}
