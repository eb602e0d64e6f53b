package dev.endlessd.jvmcache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The archives in the cache directory. An archive is only ever published whole: a JVM writes to a name
 * of its generation's own ({@code incoming-PID-gen7.jsa}, PID the daemon's), and once that JVM has exited cleanly the file is
 * flushed to disk and renamed, in one step, to {@code KEY-SIZE.EXT}. Readers therefore see the old
 * archive or the new one, never a half-written file, however many generations exit at once. The size in
 * the name is checked before each use: JDK 17 dies of SIGBUS when it maps a truncated archive.
 */
final class ArchiveStore {
    private static final Pattern PUBLISHED = Pattern.compile("([0-9a-f]{16})-([0-9]+)\\.(jsa|aot)");
    private static final Pattern FAILURE_MARK = Pattern.compile("[0-9a-f]{16}\\.failed");
    private static final Pattern INCOMING = Pattern.compile("incoming-([0-9]+)-gen[0-9]+\\..*");
    private static final long OWN_PID = ProcessHandle.current().pid();
    /** Smaller than any archive a JVM writes (a header alone is larger). */
    private static final long MIN_SIZE = 4096;

    private final Path directory;
    private final int owner;

    ArchiveStore(Path directory, int owner) {
        this.directory = directory;
        this.owner = owner;
    }

    Path directory() {
        return directory;
    }

    /** A published archive and its inode, by which a JVM's mapping of it is recognised. */
    record Archive(Path path, long inode) {
    }

    /**
     * The published archive for {@code key}, if one is whole; a file under that key that is not (truncated,
     * foreign, not ours) is removed, so that the next generation writes a new one.
     *
     * @param problems told of each file removed, and why
     */
    Optional<Archive> find(String key, Flavor flavor, List<String> problems) throws IOException {
        StateDirectory.checkCache(directory, owner);
        Path newest = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, key + "-*." + flavor.extension())) {
            for (Path file : files) {
                Matcher name = PUBLISHED.matcher(file.getFileName().toString());
                Optional<String> problem = name.matches()
                        ? problem(file, flavor, Optional.of(Long.parseLong(name.group(2))))
                        : Optional.of("not an archive name endlessd gives");
                if (problem.isPresent()) {
                    problems.add(file.getFileName() + ": " + problem.get());
                    Files.deleteIfExists(file);
                } else if (newest == null || Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                        .compareTo(Files.getLastModifiedTime(newest, LinkOption.NOFOLLOW_LINKS)) > 0) {
                    newest = file; // two only while one is being published: the other goes with it
                }
            }
        }
        return newest == null ? Optional.empty() : Optional.of(new Archive(newest, inode(newest)));
    }

    /** Where generation {@code generation} writes; whatever an earlier run left there is removed. */
    Path incoming(long generation, Flavor flavor) throws IOException {
        Path incoming = directory.resolve("incoming-" + OWN_PID + "-gen" + generation + "." + flavor.extension());
        discard(incoming);
        return incoming;
    }

    /** Gives {@code incoming} the archive's content under a name of its own, for a JVM that may replace it. */
    void link(Path incoming, Archive archive) throws IOException {
        Files.createLink(incoming, archive.path());
    }

    /**
     * Publishes what a generation wrote, replacing every other archive.
     *
     * @param unchanged the inode {@code incoming} had when it was a link to the archive the JVM started
     *                  from: a file with it was not rewritten and is only removed
     * @return the published archive; empty when there was nothing whole to publish (the reason in
     *         {@code problems})
     */
    Optional<Path> publish(Path incoming, String key, Flavor flavor, Optional<Long> unchanged, List<String> problems)
            throws IOException {
        try {
            if (!Files.exists(incoming, LinkOption.NOFOLLOW_LINKS)) {
                problems.add("the JVM wrote no archive (see its own output: disk full? a JVM option that prevents"
                        + " archiving?)");
                return Optional.empty();
            }
            if (unchanged.isPresent() && unchanged.get() == inode(incoming)) {
                return Optional.empty();
            }
            Optional<String> problem = problem(incoming, flavor, Optional.empty());
            if (problem.isPresent()) {
                problems.add(problem.get());
                return Optional.empty();
            }
            try (FileChannel channel = FileChannel.open(incoming, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                channel.force(true); // a crash after the rename must not leave a published name on unwritten blocks
            }
            Path published = directory.resolve(key + "-" + Files.size(incoming) + "." + flavor.extension());
            Files.move(incoming, published, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (Path other : publishedArchives()) {
                if (!other.equals(published)) {
                    Files.deleteIfExists(other);
                }
            }
            return Optional.of(published);
        } finally {
            discard(incoming);
        }
    }

    /** Removes a generation's incoming file and what its JVM wrote beside it (the AOT training record). */
    void discard(Path incoming) throws IOException {
        Files.deleteIfExists(incoming);
        Files.deleteIfExists(incoming.resolveSibling(incoming.getFileName() + ".config"));
    }

    /** The file whose presence says a JVM crashed starting from {@code key}'s archive. */
    Path failureMark(String key) {
        return directory.resolve(key + ".failed");
    }

    boolean failed(String key) {
        return Files.exists(failureMark(key), LinkOption.NOFOLLOW_LINKS);
    }

    void markFailed(String key) throws IOException {
        if (!failed(key)) {
            Files.createFile(failureMark(key));
        }
    }

    /** Removes {@code archive} unless its name now stands for another file (a newer archive published meanwhile). */
    void remove(Archive archive) throws IOException {
        if (Files.exists(archive.path(), LinkOption.NOFOLLOW_LINKS) && inode(archive.path()) == archive.inode()) {
            Files.deleteIfExists(archive.path());
        }
    }

    /**
     * Removes what earlier runs left half done: anything but a published archive or the incoming file of
     * a daemon that still runs (another endlessd of the same name, with another runtime directory, may
     * share this state directory).
     */
    void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                Matcher incoming = INCOMING.matcher(name);
                boolean writerRuns = incoming.matches() && ProcessHandle.of(Long.parseLong(incoming.group(1)))
                        .map(ProcessHandle::isAlive).orElse(false);
                if (!PUBLISHED.matcher(name).matches() && !FAILURE_MARK.matcher(name).matches() && !writerRuns) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private List<Path> publishedArchives() throws IOException {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                if (PUBLISHED.matcher(file.getFileName().toString()).matches()) {
                    archives.add(file);
                }
            }
        }
        return archives;
    }

    /** Why {@code file} is not a whole archive of {@code flavor} that the cache's owner wrote, if it is not. */
    private Optional<String> problem(Path file, Flavor flavor, Optional<Long> expectedSize) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("not a regular file");
        }
        int fileOwner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (fileOwner != owner) {
            return Optional.of("belongs to uid " + fileOwner + ", not " + owner);
        }
        long size = Files.size(file);
        if (expectedSize.isPresent() && size != expectedSize.get()) {
            return Optional.of("truncated or changed: " + size + " bytes, " + expectedSize.get() + " when written");
        }
        if (size < MIN_SIZE) {
            return Optional.of("too small to be an archive (" + size + " bytes)");
        }
        ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // a regular file of at least MIN_SIZE bytes yields its first four
            }
        }
        int magic = head.flip().remaining() == 4 ? head.getInt() : 0;
        if (magic != flavor.magic()) {
            return Optional.of(String.format("not a %s archive (magic 0x%08x)", flavor.extension(), magic));
        }
        return Optional.empty();
    }

    private static long inode(Path file) throws IOException {
        return ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }
}
