package dev.endlessd.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.constants.platform.OpenFlags;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Keeps a second daemon of the same name out of the runtime directory: an {@code flock} on
 * {@code <runtime dir>/lock}, held for the daemon's lifetime and dropped by the kernel however the
 * daemon ends, so a crash leaves nothing that blocks a restart. The holder writes its pid into the
 * file, for the message the second daemon prints, and removes the file when it stops.
 *
 * <p>Why {@code flock} and not {@code FileChannel.tryLock}: the JDK's lock is a POSIX record lock,
 * which the kernel drops as soon as the process closes <em>any</em> descriptor of the file, even
 * one opened just to read it. Why the inode check: removing a lock file races with a daemon that
 * opened it just before; it would lock the removed file while a third locks a new one. So a daemon
 * that got the lock makes sure the path still names the file it locked, and starts over if not.
 */
final class InstanceLock implements AutoCloseable {
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int ATTEMPTS = 10;

    private final Path file;
    private final int fd;

    private InstanceLock(Path file, int fd) {
        this.file = file;
        this.fd = fd;
    }

    /**
     * @throws StartupException when another daemon holds the lock, naming its pid and the fix
     */
    static InstanceLock acquire(Path runtimeDirectory, String serviceName, long pid) throws StartupException {
        Path file = runtimeDirectory.resolve("lock");
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                int fd = open(file);
                if (POSIX.flock(fd, LOCK_EX | LOCK_NB) != 0) {
                    String holder = holder(fd);
                    POSIX.close(fd);
                    throw new StartupException("endlessd '" + serviceName + "' is already running" + holder
                            + ": stop it (endlessd stop --name " + serviceName + ") or choose another --name", null);
                }
                if (isStillAt(fd, file)) {
                    byte[] content = (pid + "\n").getBytes(StandardCharsets.US_ASCII);
                    if (POSIX.ftruncate(fd, 0) != 0 || POSIX.pwrite(fd, content, content.length, 0) != content.length) {
                        POSIX.close(fd);
                        throw new IOException("cannot write to it (errno " + POSIX.errno() + ")");
                    }
                    return new InstanceLock(file, fd);
                }
                POSIX.close(fd);
            }
            throw new IOException("it keeps being replaced (" + ATTEMPTS + " attempts)");
        } catch (IOException e) {
            throw new StartupException("cannot lock " + file + ": " + e.getMessage()
                    + " (pass --runtime-dir to use another place)", e);
        }
    }

    /** Removes the file while still holding the lock, then releases it. */
    @Override
    public void close() {
        POSIX.unlink(file.toString());
        POSIX.close(fd);
    }

    private static int open(Path file) throws IOException {
        int fd = POSIX.open(file.toString(),
                OpenFlags.O_RDWR.intValue() | OpenFlags.O_CREAT.intValue() | OpenFlags.O_CLOEXEC.intValue(), 0600);
        if (fd < 0) {
            throw new IOException("cannot open it (errno " + POSIX.errno() + ")");
        }
        return fd;
    }

    private static boolean isStillAt(int fd, Path file) {
        FileStat locked = POSIX.allocateStat();
        FileStat named = POSIX.allocateStat();
        return POSIX.fstat(fd, locked) == 0 && POSIX.lstat(file.toString(), named) == 0
                && locked.dev() == named.dev() && locked.ino() == named.ino();
    }

    private static String holder(int fd) {
        byte[] content = new byte[32];
        int read = POSIX.pread(fd, content, content.length, 0);
        String pid = read > 0 ? new String(content, 0, read, StandardCharsets.US_ASCII).strip() : "";
        return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    }
}
