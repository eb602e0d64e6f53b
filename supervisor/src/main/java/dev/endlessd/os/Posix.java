package dev.endlessd.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The process and descriptor calls the supervisor needs, on Linux. Thread-safe.
 *
 * <p>Why not jnr-posix's {@code POSIX} facade: it binds about three hundred libc functions on first
 * use, which costs the daemon about 4.6 MiB of resident memory (measured: a JVM that binds these
 * calls through jnr-ffi, on which jnr-posix is built, stays 4.6 MiB smaller) out of a budget of 48.
 */
public final class Posix {
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    private static final int PRIO_PROCESS = 0;
    private static final int PRIO_PGRP = 1;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int EINTR = 4;
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = O_CLOEXEC;
    /** {@code sizeof(sockaddr_un.sun_path)} on Linux. */
    private static final int UNIX_PATH_MAX = 108;

    /** The one binding of libc in the supervisor; {@link PosixSpawn} uses it too. */
    static final Libc LIBC = LibraryLoader.create(Libc.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Posix() {
    }

    /** The calling thread's errno after the last bound call that failed. */
    public static int errno() {
        return RUNTIME.getLastError();
    }

    /** "Operation not permitted (EPERM)" for an errno value. */
    public static String describe(int errno) {
        Errno known = Errno.valueOf(errno);
        return known.defined() ? known.description() + " (" + known.name() + ")" : "errno " + errno;
    }

    public static int uid() {
        return LIBC.getuid();
    }

    /** This process's niceness (-20..19). */
    public static int niceness() {
        return LIBC.getpriority(PRIO_PROCESS, 0);
    }

    /**
     * Sets the niceness of every thread of every process in process group {@code pgid} (Linux
     * applies a process-group priority thread by thread, unlike a process priority, which reaches
     * only the main thread).
     *
     * @return false when the group is gone or we may not raise its priority
     */
    public static boolean setGroupNiceness(int pgid, int niceness) {
        return LIBC.setpriority(PRIO_PGRP, pgid, niceness) == 0;
    }

    /**
     * Sends {@code signal} to a process, or to a process group when {@code pid} is negative.
     *
     * @return false when no such process (group) exists or it may not be signalled
     */
    public static boolean kill(int pid, int signal) {
        return LIBC.kill(pid, signal) == 0;
    }

    /** Blocks until child {@code pid} has exited and reaps it; returns the raw wait status. */
    public static int waitpid(int pid) {
        int[] status = new int[1];
        while (LIBC.waitpid(pid, status, 0) != pid) {
            int errno = errno();
            if (errno != EINTR) {
                throw new IllegalStateException("waitpid(" + pid + "): " + describe(errno));
            }
        }
        return status[0];
    }

    /**
     * Sets {@code O_NONBLOCK} on the open file description behind {@code fd}, which every process
     * holding a copy of it shares.
     */
    public static void setNonBlocking(int fd) throws IOException {
        int flags = LIBC.fcntl(fd, F_GETFL, 0);
        if (flags < 0 || (flags & O_NONBLOCK) == 0 && LIBC.fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
            throw new IOException("fd " + fd + ": cannot set O_NONBLOCK: " + describe(errno()));
        }
    }

    /** Whether this process's {@code fd} is an open socket. */
    public static boolean isSocket(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString().startsWith("socket:");
        } catch (IOException notOpen) {
            return false;
        }
    }

    /** Whether {@code path} itself (not a symlink's target) is a socket file. */
    public static boolean isSocketFile(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** @return the fd, or -1 with {@link #errno()} set */
    public static int open(Path path, int flags, int mode) {
        return LIBC.open(path.toString(), flags, mode);
    }

    /**
     * A unix datagram socket connected to the one bound at {@code path}, close-on-exec, in blocking
     * mode: a plain {@code write(2)} on it sends one datagram there.
     *
     * @return the fd, which the caller must close
     */
    public static int connectedDatagramSocket(Path path) throws IOException {
        byte[] name = path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (name.length >= UNIX_PATH_MAX) {
            throw new IOException(path + ": a unix socket path must be shorter than " + UNIX_PATH_MAX + " bytes");
        }
        // struct sockaddr_un: a 16-bit sa_family_t in the machine's byte order, then the NUL-terminated path
        byte[] address = java.nio.ByteBuffer.allocate(2 + name.length + 1).order(java.nio.ByteOrder.nativeOrder())
                .putShort((short) AF_UNIX).put(name).array();
        int fd = LIBC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot create a unix datagram socket: " + describe(errno()));
        }
        if (LIBC.connect(fd, address, address.length) != 0) {
            int error = errno();
            LIBC.close(fd);
            throw new IOException("cannot connect to " + path + ": " + describe(error));
        }
        return fd;
    }

    public static void close(int fd) {
        LIBC.close(fd);
    }

    /** @return true when the lock was taken */
    public static boolean flock(int fd, int operation) {
        return LIBC.flock(fd, operation) == 0;
    }

    /** Replaces the whole content of the file behind {@code fd}. */
    public static void rewrite(int fd, byte[] content) throws IOException {
        if (LIBC.ftruncate(fd, 0) != 0 || LIBC.pwrite(fd, content, content.length, 0) != content.length) {
            throw new IOException("cannot write: " + describe(errno()));
        }
    }

    /** Reads up to {@code max} bytes from the start of the file behind {@code fd}. */
    public static byte[] readStart(int fd, int max) {
        byte[] buffer = new byte[max];
        long read = LIBC.pread(fd, buffer, max, 0);
        return read <= 0 ? new byte[0] : java.util.Arrays.copyOf(buffer, (int) read);
    }
}
