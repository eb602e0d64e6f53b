package dev.endlessd.os;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * What it takes for this process to execute another program in its own place, keeping its pid and
 * its children: choosing the descriptors that survive, keeping signals from killing it while no
 * handler exists, the exec itself. Thread-safe; meant for the one thread that execs.
 *
 * <p>Why marks instead of closing: everything else keeps working should the exec fail, and Netty,
 * jnr and the JDK open descriptors without {@code O_CLOEXEC} that would otherwise leak into the new
 * image, one set per upgrade.
 */
public final class SelfExec {
    private static final int F_GETFD = 1;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int F_DUPFD_CLOEXEC = 1030;
    /** Where copies kept aside start, clear of the low numbers a program hands on by number. */
    private static final int ASIDE_FROM = 100;
    /** glibc's struct sigaction is 152 bytes on 64-bit Linux; its handler is the first field. */
    private static final int SIGACTION_BYTES = 256;
    private static final long SIG_DFL = 0;
    private static final long SIG_IGN = 1;

    private SelfExec() {
    }

    /** An in-memory file without close-on-exec, for state handed across the exec. */
    public static int memoryFile(String name) throws ErrnoException {
        int fd = Posix.LIBC.memfd_create(name, 0);
        if (fd < 0) {
            throw ErrnoException.last("memfd_create");
        }
        return fd;
    }

    /**
     * Marks every open descriptor above 2 close-on-exec, except {@code keep}, whose mark is cleared.
     *
     * @throws IOException when one to keep is not open
     */
    public static void closeOnExecExcept(Set<Integer> keep) throws IOException {
        for (int fd : keep) {
            setCloseOnExec(fd, false);
        }
        for (int fd : openDescriptors()) {
            if (fd > 2 && !keep.contains(fd)) {
                try {
                    setCloseOnExec(fd, true);
                } catch (ErrnoException closedMeanwhile) {
                    // the listing's own descriptor, or one another thread closed since
                }
            }
        }
    }

    /** A close-on-exec copy of {@code fd}, numbered {@value #ASIDE_FROM} or above, to put back with {@link #putBack}. */
    public static int copyAside(int fd) throws ErrnoException {
        int copy = Posix.LIBC.fcntl(fd, F_DUPFD_CLOEXEC, ASIDE_FROM);
        if (copy < 0) {
            throw new ErrnoException("fcntl(" + fd + ", F_DUPFD_CLOEXEC)", Posix.errno());
        }
        return copy;
    }

    /**
     * Makes {@code fd} refer again to what {@code copy} refers to, replacing whatever {@code fd} is now
     * (closed meanwhile, or reused), without close-on-exec.
     */
    public static void putBack(int copy, int fd) throws ErrnoException {
        if (Posix.LIBC.dup2(copy, fd) < 0) {
            throw new ErrnoException("dup2(" + copy + ", " + fd + ")", Posix.errno());
        }
    }

    /** The descriptors open in this process. */
    public static List<Integer> openDescriptors() throws IOException {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path entry : entries) {
                fds.add(Integer.parseInt(entry.getFileName().toString()));
            }
        }
        return fds;
    }

    private static void setCloseOnExec(int fd, boolean on) throws ErrnoException {
        int flags = Posix.LIBC.fcntl(fd, F_GETFD, 0);
        if (flags < 0) {
            throw new ErrnoException("fcntl(" + fd + ", F_GETFD)", Posix.errno());
        }
        int wanted = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        if (wanted != flags && Posix.LIBC.fcntl(fd, F_SETFD, wanted) < 0) {
            throw new ErrnoException("fcntl(" + fd + ", F_SETFD)", Posix.errno());
        }
    }

    /**
     * Ignores {@code signals} until {@link Ignored#restore}: across an exec, a handled signal falls back
     * to its default action, which for SIGHUP, SIGINT and SIGTERM ends the process before the new
     * program has installed its handlers; an ignored one stays ignored.
     */
    public static Ignored ignore(int... signals) throws ErrnoException {
        Pointer ignore = action(SIG_IGN);
        List<Pointer> saved = new ArrayList<>();
        int done = 0;
        try {
            for (int signal : signals) {
                Pointer old = Memory.allocateDirect(Posix.RUNTIME, SIGACTION_BYTES, true);
                if (Posix.LIBC.sigaction(signal, ignore, old) != 0) {
                    throw ErrnoException.last("sigaction(" + signal + ", SIG_IGN)");
                }
                saved.add(old);
                done++;
            }
        } catch (ErrnoException e) {
            new Ignored(java.util.Arrays.copyOf(signals, done), saved).restore();
            throw e;
        }
        return new Ignored(signals.clone(), saved);
    }

    /** Gives {@code signal} its default action: in the new program, before it installs its own handler. */
    public static void defaultAction(int signal) throws ErrnoException {
        if (Posix.LIBC.sigaction(signal, action(SIG_DFL), null) != 0) {
            throw ErrnoException.last("sigaction(" + signal + ", SIG_DFL)");
        }
    }

    private static Pointer action(long handler) {
        Pointer action = Memory.allocateDirect(Posix.RUNTIME, SIGACTION_BYTES, true);
        action.putAddress(0, handler);
        return action;
    }

    /** Signals ignored by {@link #ignore}, with the actions they had. */
    public static final class Ignored {
        private final int[] signals;
        private final List<Pointer> saved;

        private Ignored(int[] signals, List<Pointer> saved) {
            this.signals = signals;
            this.saved = saved;
        }

        /** Puts back the actions the signals had: after an exec that failed. */
        public void restore() {
            for (int i = 0; i < signals.length; i++) {
                Posix.LIBC.sigaction(signals[i], saved.get(i), null);
            }
        }
    }

    /**
     * Replaces this process's program. Returns only when that failed, with the reason.
     *
     * @param argv        {@code argv[0]} first
     * @param environment the whole environment of the new program
     */
    public static ErrnoException exec(Path program, List<String> argv, Map<String, String> environment) {
        CharSequence[] envp = environment.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .toArray(CharSequence[]::new);
        Posix.LIBC.execve(program.toString(), argv.toArray(CharSequence[]::new), envp);
        return new ErrnoException("execve " + program, Posix.errno());
    }
}
