package dev.endlessd.os;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import jnr.constants.platform.Errno;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * Starts a process with {@code posix_spawn} so that exactly the descriptors placed by the given
 * {@code dup2} steps, stdout and stderr are inherited, stdin is /dev/null, the signal mask is empty,
 * every signal has its default disposition, and the child leads a new session (and so a new process
 * group whose id is its pid).
 *
 * <p>Why not {@link ProcessBuilder}: it marks every fd above 2 close-on-exec. Why the mask and
 * dispositions: the child inherits the spawning thread's mask, and HotSpot blocks SIGQUIT on its
 * threads; ignored dispositions survive exec too. Why {@code closefrom}: Netty and the JDK open
 * descriptors without {@code O_CLOEXEC}, and a leaked notify or control socket would keep it alive
 * in every worker. Why a session: a worker left in endlessd's session keeps endlessd's controlling
 * terminal, and after a drop to {@code --user} could push input into root's shell with
 * {@code TIOCSTI}; a process can only do that to its own controlling terminal, and a new session has none.
 *
 * <p>Thread-safe: every call works on its own native buffers.
 */
public final class PosixSpawn {
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** glibc 2.26+. */
    private static final short POSIX_SPAWN_SETSID = 0x80;
    /** Generous upper bounds of glibc's opaque types on 64-bit Linux (80, 336 and 128 bytes). */
    private static final int FILE_ACTIONS_SIZE = 256;
    private static final int ATTR_SIZE = 512;
    private static final int SIGSET_SIZE = 128;
    private static final String DEV_NULL = "/dev/null";

    /** One {@code dup2(from, to)} in the child, in order. */
    public record Dup2(int from, int to) {
    }

    private PosixSpawn() {
    }

    /**
     * @param argv        program and arguments; {@code argv[0]} is an absolute path
     * @param environment the complete environment of the child
     * @param dups        the steps that place the inherited descriptors
     * @param closeFrom   every descriptor from this one up is closed in the child, after the steps
     * @return the child's pid
     * @throws IOException naming the call that failed and why
     */
    public static int spawn(List<String> argv, Map<String, String> environment, List<Dup2> dups, int closeFrom)
            throws IOException {
        Libc libc = Posix.LIBC;
        Pointer fileActions = Memory.allocateDirect(Posix.RUNTIME, FILE_ACTIONS_SIZE);
        Pointer attributes = Memory.allocateDirect(Posix.RUNTIME, ATTR_SIZE);
        check("posix_spawn_file_actions_init", libc.posix_spawn_file_actions_init(fileActions));
        try {
            check("posix_spawnattr_init", libc.posix_spawnattr_init(attributes));
            try {
                placeDescriptors(libc, fileActions, dups, closeFrom);
                resetSignals(libc, attributes);
                IntByReference pid = new IntByReference();
                CharSequence[] envp = environment.entrySet().stream()
                        .map(entry -> entry.getKey() + "=" + entry.getValue())
                        .toArray(CharSequence[]::new);
                int error = libc.posix_spawn(pid, argv.get(0), fileActions, attributes,
                        argv.toArray(CharSequence[]::new), envp);
                if (error != 0) {
                    throw new IOException("cannot start " + argv.get(0) + ": " + Posix.describe(error));
                }
                return pid.intValue();
            } finally {
                libc.posix_spawnattr_destroy(attributes);
            }
        } finally {
            libc.posix_spawn_file_actions_destroy(fileActions);
        }
    }

    /** stdin is opened last: a source that sits at fd 0 (endlessd started with stdin closed) is copied first. */
    private static void placeDescriptors(Libc libc, Pointer fileActions, List<Dup2> dups, int closeFrom)
            throws IOException {
        for (Dup2 dup : dups) {
            check("posix_spawn_file_actions_adddup2", libc.posix_spawn_file_actions_adddup2(fileActions, dup.from(), dup.to()));
        }
        check("posix_spawn_file_actions_addopen",
                libc.posix_spawn_file_actions_addopen(fileActions, 0, DEV_NULL, Posix.O_RDONLY, 0));
        check("posix_spawn_file_actions_addclosefrom_np", libc.posix_spawn_file_actions_addclosefrom_np(fileActions, closeFrom));
    }

    private static void resetSignals(Libc libc, Pointer attributes) throws IOException {
        Pointer none = Memory.allocateDirect(Posix.RUNTIME, SIGSET_SIZE);
        Pointer all = Memory.allocateDirect(Posix.RUNTIME, SIGSET_SIZE);
        check("sigemptyset", libc.sigemptyset(none) == 0 ? 0 : Errno.EINVAL.intValue());
        check("sigfillset", libc.sigfillset(all) == 0 ? 0 : Errno.EINVAL.intValue());
        check("posix_spawnattr_setsigmask", libc.posix_spawnattr_setsigmask(attributes, none));
        check("posix_spawnattr_setsigdefault", libc.posix_spawnattr_setsigdefault(attributes, all));
        // not with POSIX_SPAWN_SETPGROUP: setpgid fails (EPERM) for the session leader setsid made it
        check("posix_spawnattr_setflags", libc.posix_spawnattr_setflags(attributes,
                (short) (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID)));
    }

    private static void check(String call, int error) throws IOException {
        if (error != 0) {
            throw new IOException(call + " failed: " + Posix.describe(error));
        }
    }
}
