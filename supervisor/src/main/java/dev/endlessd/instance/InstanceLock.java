package dev.endlessd.instance;

import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import jnr.constants.platform.Errno;

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
 *
 * <p>It also holds a shared {@code flock} on the directory itself. Age-based cleaners pass over a
 * directory they cannot lock: systemd-tmpfiles tries {@code LOCK_EX|LOCK_NB} before it descends.
 * Without it, the daily clean-up of {@code /tmp} (where the runtime directory falls back to) deletes
 * the lock file once it is old enough (systemd 252 does, though the file is locked); only the
 * sockets, which it sees in use, would stay.
 */
final class InstanceLock implements AutoCloseable {
    private static final int ATTEMPTS = 10;
    private static final long CLEANER_WAIT_MILLIS = 50;

    private final Path file;
    private final int fd;
    private final int directoryFd;

    private InstanceLock(Path file, int fd, int directoryFd) {
        this.file = file;
        this.fd = fd;
        this.directoryFd = directoryFd;
    }

    /**
     * @throws StartupException when another daemon holds the lock, naming its pid and the fix
     */
    static InstanceLock acquire(Path runtimeDirectory, String serviceName, long pid) throws StartupException {
        Path file = runtimeDirectory.resolve("lock");
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                int fd = open(file);
                if (!tryLock(fd, Posix.LOCK_EX, "flock")) {
                    String holder = holder(fd);
                    Posix.close(fd);
                    throw new StartupException("endlessd '" + serviceName + "' is already running" + holder
                            + ": stop it (endlessd stop --name " + serviceName + ") or choose another --name", null);
                }
                if (isStillAt(fd, file)) {
                    try {
                        Posix.rewrite(fd, (pid + "\n").getBytes(StandardCharsets.US_ASCII));
                        return new InstanceLock(file, fd, holdAgainstCleaners(runtimeDirectory));
                    } catch (IOException e) {
                        Posix.close(fd);
                        throw e;
                    }
                }
                Posix.close(fd);
            }
            throw new IOException("it keeps being replaced (" + ATTEMPTS + " attempts)");
        } catch (IOException e) {
            throw new StartupException("cannot lock " + file + ": " + e.getMessage()
                    + " (pass --runtime-dir to use another place)", e);
        }
    }

    /** The lock this process still holds as {@code fd}, carried across an upgrade's exec. */
    static InstanceLock adopt(Path runtimeDirectory, int fd) throws StartupException {
        try {
            return new InstanceLock(runtimeDirectory.resolve("lock"), fd, holdAgainstCleaners(runtimeDirectory));
        } catch (IOException e) {
            throw new StartupException("cannot hold " + runtimeDirectory + " after the upgrade: " + e.getMessage(), e);
        }
    }

    /** The lock file's descriptor, to carry across an upgrade. */
    int fd() {
        return fd;
    }

    /**
     * Removes the file while still holding the lock, then the runtime directory if nothing else is
     * left in it (so that stopped instances do not pile up), then releases both.
     */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover file holds no lock; the next daemon reuses it
        }
        try {
            Files.delete(file.getParent());
        } catch (IOException notEmptyOrGone) {
            // a daemon of the same name starting now already has its files there: the directory is its
        }
        Posix.close(fd);
        Posix.close(directoryFd);
    }

    /** A cleaner holds its exclusive lock only while it looks through the directory: wait that out. */
    private static int holdAgainstCleaners(Path directory) throws IOException {
        int fd = Posix.open(directory, Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot open the directory " + directory + ": " + Posix.describe(Posix.errno()));
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (tryLock(fd, Posix.LOCK_SH, "flock on the directory " + directory)) {
                return fd;
            }
            try {
                Thread.sleep(CLEANER_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Posix.close(fd);
        throw new IOException("another process keeps an exclusive lock on the directory " + directory);
    }

    /**
     * {@code flock} without waiting: true when taken, false when another process holds a conflicting
     * lock. Any other failure closes {@code fd} and is thrown, after {@code what}.
     */
    private static boolean tryLock(int fd, int operation, String what) throws IOException {
        if (Posix.flock(fd, operation | Posix.LOCK_NB)) {
            return true;
        }
        int errno = Posix.errno();
        if (errno == Errno.EWOULDBLOCK.intValue()) {
            return false;
        }
        Posix.close(fd);
        throw new IOException(what + ": " + Posix.describe(errno));
    }

    private static int open(Path file) throws IOException {
        // never through a symlink: as root, a planted "lock" link would have us truncate its target
        int fd = Posix.open(file, Posix.O_RDWR | Posix.O_CREAT | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0600);
        if (fd < 0 && Posix.errno() == Errno.ENOENT.intValue()) {
            throw new IOException("the runtime directory was removed while this daemon started (a daemon of the same"
                    + " name that stopped just now removes its empty directory): start again");
        }
        if (fd < 0) {
            throw new IOException("cannot open it: " + Posix.describe(Posix.errno()));
        }
        return fd;
    }

    /** Compares the locked file (through /proc, which reaches it even when unlinked) with what the path names now. */
    private static boolean isStillAt(int fd, Path file) {
        try {
            Path locked = Path.of("/proc/self/fd/" + fd);
            return Files.getAttribute(locked, "unix:dev").equals(Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS))
                    && Files.getAttribute(locked, "unix:ino").equals(Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException gone) {
            return false;
        }
    }

    private static String holder(int fd) {
        String pid = new String(Posix.readStart(fd, 32), StandardCharsets.US_ASCII).strip();
        return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    }
}
