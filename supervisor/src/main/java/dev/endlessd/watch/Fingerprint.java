package dev.endlessd.watch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.Adler32;
import java.util.zip.CRC32;

/**
 * The content of a watched file, or of every file under a watched directory (symbolic links
 * followed), as a checksum per file: what decides whether a change is worth a reload. Times,
 * owners and modes are left out, so a {@code touch} or a {@code chmod} changes nothing.
 *
 * <p>Names that start with {@code ..} are skipped: Kubernetes keeps a mounted ConfigMap's or
 * Secret's files in a timestamped {@code ..2024_...} directory that the {@code ..data} link points
 * to, and the visible names reach them through {@code ..data}; the timestamped name changes on
 * every update, whether the content did or not.
 *
 * <p>Checksums are CRC-32 and Adler-32 (both computed by zlib, fast even in an interpreted JVM) and
 * the length: whoever can write the watched files can reload the service anyway, so they need to
 * catch edits, not forgeries.
 *
 * @param sums a checksum per file, by path relative to the watched path ("" for a watched file)
 */
record Fingerprint(SortedMap<String, Sum> sums) {
    private static final int MAX_DEPTH = 16;
    private static final int MAX_FILES = 10_000;
    private static final int CHUNK = 64 * 1024;

    /** One file's content, summed. */
    record Sum(long length, long crc32, long adler32) {
    }

    Fingerprint {
        sums = new TreeMap<>(sums);
    }

    /**
     * Reads {@code path}; empty when it does not exist.
     *
     * @throws IOException when something under it cannot be read, or was replaced while it was read
     */
    static Optional<Fingerprint> of(Path path) throws IOException {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        SortedMap<String, Sum> sums = new TreeMap<>();
        if (!Files.isDirectory(path)) {
            sums.put("", sum(path));
            return Optional.of(new Fingerprint(sums));
        }
        try (Stream<Path> files = Files.walk(path, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = path.relativize(file);
                if (Files.isRegularFile(file) && !hidesKubernetesInternals(relative)) {
                    sums.put(relative.toString(), sum(file));
                }
                if (sums.size() > MAX_FILES) {
                    throw new IOException("more than " + MAX_FILES + " files under " + path + " (with symbolic links"
                            + " followed): watch the files the service reads, or a smaller directory");
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return Optional.of(new Fingerprint(sums));
    }

    /** "app.properties changed", "a.conf added; b.conf removed", "content changed": what differs from {@code before}. */
    String changesSince(Fingerprint before) {
        if (sums.keySet().equals(Set.of("")) && before.sums.keySet().equals(Set.of(""))) {
            return "content changed";
        }
        List<String> changed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, Sum> file : sums.entrySet()) {
            Sum old = before.sums.get(file.getKey());
            if (old == null) {
                added.add(file.getKey());
            } else if (!old.equals(file.getValue())) {
                changed.add(file.getKey());
            }
        }
        before.sums.keySet().stream().filter(name -> !sums.containsKey(name)).forEach(removed::add);
        List<String> parts = new ArrayList<>();
        describe(changed, "changed", parts);
        describe(added, "added", parts);
        describe(removed, "removed", parts);
        return String.join("; ", parts);
    }

    private static void describe(List<String> names, String what, List<String> parts) {
        if (names.isEmpty()) {
            return;
        }
        String shown = String.join(", ", names.subList(0, Math.min(3, names.size())).stream().map(Fingerprint::printable)
                .toList());
        parts.add(shown + (names.size() > 3 ? " and " + (names.size() - 3) + " more" : "") + " " + what);
    }

    /** A file name goes into log lines and status: no line breaks or escape sequences from it. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    private static boolean hidesKubernetesInternals(Path relative) {
        for (Path name : relative) {
            if (name.toString().startsWith("..")) {
                return true;
            }
        }
        return false;
    }

    private static Sum sum(Path file) throws IOException {
        CRC32 crc32 = new CRC32();
        Adler32 adler32 = new Adler32();
        long length = 0;
        byte[] chunk = new byte[CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read; (read = in.read(chunk)) > 0; length += read) {
                crc32.update(chunk, 0, read);
                adler32.update(chunk, 0, read);
            }
        }
        return new Sum(length, crc32.getValue(), adler32.getValue());
    }
}
