package dev.endlessd.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
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
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int LOCK_SH = 1;
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    private static final int PRIO_PROCESS = 0;
    private static final int PRIO_PGRP = 1;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    private static final int ECHILD = 10;
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int P_ALL = 0;
    private static final int WNOHANG = 1;
    private static final int WEXITED = 4;
    private static final int WNOWAIT = 0x01000000;
    /** sizeof(siginfo_t) on Linux, and where si_pid lies in it on 64-bit targets (after three ints and padding). */
    private static final int SIGINFO_BYTES = 128;
    private static final int SIGINFO_PID_OFFSET = 16;
    private static final short POLLIN = 0x001;
    private static final short POLLOUT = 0x004;
    private static final int POLLFD_BYTES = 8;

    /** The one binding of libc in the supervisor; {@link PosixSpawn} and {@link UnixSockets} use it too. */
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
     * Makes this process a child subreaper ({@code PR_SET_CHILD_SUBREAPER}): a process of its
     * descendants that loses its parent is re-parented to it, rather than to the pid namespace's init,
     * and must be reaped by it. Implied for pid 1; kept across execve.
     */
    public static void becomeChildSubreaper() throws ErrnoException {
        if (LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
            throw ErrnoException.last("prctl(PR_SET_CHILD_SUBREAPER)");
        }
    }

    /**
     * Blocks until some child of this process has exited, and names it without reaping it
     * ({@code waitid(P_ALL, WEXITED|WNOWAIT)}): it stays a zombie, for whoever waits for it by pid.
     *
     * @return the pid of a child that has exited, or 0 when this process has no child at all
     */
    public static int peekExitedChild() throws ErrnoException {
        Pointer info = Memory.allocateDirect(RUNTIME, SIGINFO_BYTES);
        while (true) {
            info.putInt(SIGINFO_PID_OFFSET, 0);
            if (LIBC.waitid(P_ALL, 0, info, WEXITED | WNOWAIT) == 0) {
                return info.getInt(SIGINFO_PID_OFFSET);
            }
            int errno = errno();
            if (errno == ECHILD) {
                return 0;
            }
            if (errno != EINTR) {
                throw ErrnoException.last("waitid");
            }
        }
    }

    /**
     * Reaps child {@code pid} if it has exited, without waiting.
     *
     * @return its raw wait status, or -1 when it has not exited or is not (any more) our child
     */
    public static int reapIfExited(int pid) {
        int[] status = new int[1];
        int reaped;
        do {
            reaped = LIBC.waitpid(pid, status, WNOHANG);
        } while (reaped < 0 && errno() == EINTR);
        return reaped == pid ? status[0] : -1;
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

    /** Whether {@code fd} is open on a terminal. */
    public static boolean isTerminal(int fd) {
        return LIBC.isatty(fd) == 1;
    }

    /** The value of extended attribute {@code name} of {@code path} (up to 64 bytes), or empty when it has none or cannot be read. */
    public static Optional<String> extendedAttribute(Path path, String name) {
        byte[] value = new byte[64];
        long length = LIBC.getxattr(path.toString(), name, value, value.length);
        return length < 0 ? Optional.empty() : Optional.of(new String(value, 0, (int) length, StandardCharsets.UTF_8));
    }

    /** The session id of process {@code pid}, or -1 when it is gone. */
    public static int sessionOf(int pid) {
        return LIBC.getsid(pid);
    }

    /** The process group id of process {@code pid}, or -1 when it is gone. */
    public static int processGroupOf(int pid) {
        return LIBC.getpgid(pid);
    }

    /**
     * A pipe whose two ends are close-on-exec, so that no other child inherits them by accident.
     *
     * @return the read end, then the write end
     */
    public static int[] pipe() throws ErrnoException {
        int[] ends = new int[2];
        if (LIBC.pipe2(ends, O_CLOEXEC) != 0) {
            throw ErrnoException.last("pipe2");
        }
        return ends;
    }

    /**
     * Reads what is there, up to {@code buffer.length} bytes, retrying after signals.
     *
     * @return the bytes read, 0 at the end of the input
     */
    public static int read(int fd, byte[] buffer) throws ErrnoException {
        while (true) {
            long read = LIBC.read(fd, buffer, buffer.length);
            if (read >= 0) {
                return (int) read;
            }
            if (errno() != EINTR) {
                throw ErrnoException.last("read");
            }
        }
    }

    /**
     * One write(2), retried after signals only: on a non-blocking descriptor that is full, it fails.
     *
     * @return the bytes written
     */
    public static int write(int fd, byte[] buffer) throws ErrnoException {
        while (true) {
            long written = LIBC.write(fd, buffer, buffer.length);
            if (written >= 0) {
                return (int) written;
            }
            if (errno() != EINTR) {
                throw ErrnoException.last("write");
            }
        }
    }

    /** Writes {@code length} bytes of {@code buffer} whole, waiting while {@code fd} is full. */
    public static void writeFully(int fd, byte[] buffer, int length) throws ErrnoException {
        byte[] rest = length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
        while (rest.length > 0) {
            long written = LIBC.write(fd, rest, rest.length);
            if (written >= 0) {
                rest = Arrays.copyOfRange(rest, (int) written, rest.length);
            } else if (errno() == EAGAIN) {
                poll(new int[] {fd}, POLLOUT, -1);
            } else if (errno() != EINTR) {
                throw ErrnoException.last("write");
            }
        }
    }

    /**
     * Waits until one of {@code fds} can be read (or is at its end, or failed).
     *
     * @param timeoutMillis -1 to wait as long as it takes
     * @return for each fd, whether it is ready; all false when the time ran out
     */
    public static boolean[] awaitReadable(int[] fds, int timeoutMillis) throws ErrnoException {
        return poll(fds, POLLIN, timeoutMillis);
    }

    private static boolean[] poll(int[] fds, short events, int timeoutMillis) throws ErrnoException {
        Pointer table = Memory.allocateDirect(RUNTIME, POLLFD_BYTES * fds.length);
        for (int i = 0; i < fds.length; i++) {
            table.putInt(i * POLLFD_BYTES, fds[i]);
            table.putShort(i * POLLFD_BYTES + 4, events);
            table.putShort(i * POLLFD_BYTES + 6, (short) 0);
        }
        while (LIBC.poll(table, fds.length, timeoutMillis) < 0) {
            if (errno() != EINTR) {
                throw ErrnoException.last("poll");
            }
        }
        boolean[] ready = new boolean[fds.length];
        for (int i = 0; i < fds.length; i++) {
            ready[i] = table.getShort(i * POLLFD_BYTES + 6) != 0;
        }
        return ready;
    }
}
