package dev.endlessd.spawn;

import dev.endlessd.os.Posix;
import java.util.List;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * Starts a process with {@code posix_spawn} so that exactly the passed descriptors (the listening
 * sockets and the notify client, at fd 3...), stdout and stderr are inherited, stdin is /dev/null, the
 * signal mask is empty, every signal has its default disposition, and the child leads a new session
 * (and so a new process group whose id is its pid).
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
public final class PosixSpawner {
    private static final String DEV_NULL = "/dev/null";

    private final NativeSpawn libc;
    private final Runtime runtime;

    public PosixSpawner() {
        this.libc = LibraryLoader.create(NativeSpawn.class).load("c");
        this.runtime = Runtime.getRuntime(libc);
    }

    /** @return the child's pid */
    public int spawn(SpawnRequest request) throws SpawnException {
        Pointer fileActions = Memory.allocateDirect(runtime, NativeSpawn.FILE_ACTIONS_SIZE);
        Pointer attributes = Memory.allocateDirect(runtime, NativeSpawn.ATTR_SIZE);
        check("posix_spawn_file_actions_init", libc.posix_spawn_file_actions_init(fileActions));
        try {
            check("posix_spawnattr_init", libc.posix_spawnattr_init(attributes));
            try {
                placeDescriptors(fileActions, FdLayout.of(request.passedFds(), request.stdout(), request.stderr()));
                resetSignals(attributes);
                return spawnWith(request, fileActions, attributes);
            } finally {
                libc.posix_spawnattr_destroy(attributes);
            }
        } finally {
            libc.posix_spawn_file_actions_destroy(fileActions);
        }
    }

    /** stdin is opened last: a source that sits at fd 0 (endlessd started with stdin closed) is copied first. */
    private void placeDescriptors(Pointer fileActions, FdLayout layout) throws SpawnException {
        for (FdLayout.Dup dup : layout.steps()) {
            check("posix_spawn_file_actions_adddup2",
                    libc.posix_spawn_file_actions_adddup2(fileActions, dup.from(), dup.to()));
        }
        check("posix_spawn_file_actions_addopen",
                libc.posix_spawn_file_actions_addopen(fileActions, 0, DEV_NULL, NativeSpawn.O_RDONLY, 0));
        check("posix_spawn_file_actions_addclosefrom_np",
                libc.posix_spawn_file_actions_addclosefrom_np(fileActions, layout.firstUnusedFd()));
    }

    private void resetSignals(Pointer attributes) throws SpawnException {
        Pointer none = Memory.allocateDirect(runtime, NativeSpawn.SIGSET_SIZE);
        Pointer all = Memory.allocateDirect(runtime, NativeSpawn.SIGSET_SIZE);
        check("sigemptyset", libc.sigemptyset(none) == 0 ? 0 : Errno.EINVAL.intValue());
        check("sigfillset", libc.sigfillset(all) == 0 ? 0 : Errno.EINVAL.intValue());
        check("posix_spawnattr_setsigmask", libc.posix_spawnattr_setsigmask(attributes, none));
        check("posix_spawnattr_setsigdefault", libc.posix_spawnattr_setsigdefault(attributes, all));
        // not with POSIX_SPAWN_SETPGROUP: setpgid fails (EPERM) for the session leader setsid made it
        short flags = (short) (NativeSpawn.POSIX_SPAWN_SETSIGMASK | NativeSpawn.POSIX_SPAWN_SETSIGDEF
                | NativeSpawn.POSIX_SPAWN_SETSID);
        check("posix_spawnattr_setflags", libc.posix_spawnattr_setflags(attributes, flags));
    }

    private int spawnWith(SpawnRequest request, Pointer fileActions, Pointer attributes) throws SpawnException {
        List<String> argv = request.argv();
        CharSequence[] envp = request.environment().entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .toArray(CharSequence[]::new);
        IntByReference pid = new IntByReference();
        int error = libc.posix_spawn(pid, argv.get(0), fileActions, attributes,
                argv.toArray(CharSequence[]::new), envp);
        if (error != 0) {
            throw new SpawnException("cannot start " + argv.get(0) + ": " + Posix.describe(error));
        }
        return pid.intValue();
    }

    private static void check(String call, int error) throws SpawnException {
        if (error != 0) {
            throw new SpawnException(call + " failed: " + Posix.describe(error));
        }
    }
}
