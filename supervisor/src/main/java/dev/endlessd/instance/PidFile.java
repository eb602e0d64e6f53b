package dev.endlessd.instance;

import dev.endlessd.os.Posix;
import dev.endlessd.runtime.FileProblems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional {@code --pid-file}: written whole or not at all (a temporary file renamed over
 * it), and removed on exit if it still holds our pid.
 *
 * <p>Pid files often live in shared directories ({@code /tmp}, {@code /var/run} of old): the temporary
 * file gets an unpredictable name and is created only if nothing stands there, never through a
 * symlink ({@code O_CREAT|O_EXCL|O_NOFOLLOW}), so another user cannot make a daemon running as root
 * write into a file of its choosing. Reading it back on exit does not follow a symlink either, nor
 * wait on a FIFO someone put in its place.
 */
final class PidFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PidFile.class);
    private static final SecureRandom RANDOM = new SecureRandom();

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
            byte[] secret = new byte[8];
            RANDOM.nextBytes(secret);
            Path temporary = target.resolveSibling("." + target.getFileName() + "." + HexFormat.of().formatHex(secret)
                    + ".tmp");
            boolean created = false;
            try {
                try (SeekableByteChannel out = Files.newByteChannel(temporary,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")))) {
                    created = true;
                    out.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
                }
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                if (created) {
                    deleteQuietly(temporary);
                }
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
                if (holdsOurPid(file)) {
                    Files.delete(file);
                } else {
                    log.warn("--pid-file {} no longer holds our pid: left as it is", file);
                }
            } catch (IOException e) {
                log.warn("cannot remove --pid-file {}: {}", file, e.toString());
            }
        });
    }

    private boolean holdsOurPid(Path file) {
        int fd = Posix.open(file, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_CLOEXEC, 0);
        if (fd < 0) {
            return false;
        }
        try {
            return new String(Posix.readStart(fd, 64), StandardCharsets.US_ASCII).equals(content);
        } finally {
            Posix.close(fd);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the error that matters is already on its way
        }
    }
}
