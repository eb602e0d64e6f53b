package dev.endlessd.instance;

import dev.endlessd.runtime.FileProblems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional {@code --pid-file}: written whole or not at all (a temporary file renamed over
 * it), and removed on exit if it still holds our pid.
 */
final class PidFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PidFile.class);

    private final Optional<Path> path;
    private final String content;

    private PidFile(Optional<Path> path, String content) {
        this.path = path;
        this.content = content;
    }

    /** Writes {@code pid} to {@code path}; does nothing when there is no path. */
    static PidFile write(Optional<Path> path, long pid) throws StartupException {
        String content = pid + "\n";
        if (path.isPresent()) {
            Path target = path.get();
            Path temporary = target.resolveSibling("." + target.getFileName() + "." + pid + ".tmp");
            try {
                Files.writeString(temporary, content);
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                deleteQuietly(temporary);
                throw new StartupException("cannot write --pid-file " + target + ": " + FileProblems.describe(e)
                        + " (check that its directory exists and is writable)", e);
            }
        }
        return new PidFile(path, content);
    }

    @Override
    public void close() {
        path.ifPresent(file -> {
            try {
                if (Files.readString(file).equals(content)) {
                    Files.delete(file);
                } else {
                    log.warn("--pid-file {} no longer holds our pid: left as it is", file);
                }
            } catch (IOException e) {
                log.warn("cannot remove --pid-file {}: {}", file, e.toString());
            }
        });
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the error that matters is already on its way
        }
    }
}
