package dev.endlessd.spawn;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The libc spawn API, bound directly: jnr-posix's own {@code posix_spawnp} wrapper drops the error
 * code and refuses signal-mask attributes, and it has no {@code addclosefrom_np}.
 * Every function returns 0 or an errno value (these functions do not set {@code errno}).
 *
 * <p>Public only because jnr-ffi generates the implementation in a class loader of its own.
 */
public interface NativeSpawn {
    short POSIX_SPAWN_SETSIGDEF = 0x04;
    short POSIX_SPAWN_SETSIGMASK = 0x08;
    /** glibc 2.26+. */
    short POSIX_SPAWN_SETSID = 0x80;

    int O_RDONLY = 0;

    /** Generous upper bounds of glibc's opaque types on 64-bit Linux (80, 336 and 128 bytes). */
    int FILE_ACTIONS_SIZE = 256;
    int ATTR_SIZE = 512;
    int SIGSET_SIZE = 128;

    int posix_spawn(@Out IntByReference pid, CharSequence path, Pointer fileActions, Pointer attr,
                    @In CharSequence[] argv, @In CharSequence[] envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, CharSequence path, int flags, int mode);

    /** glibc 2.34+. */
    int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_destroy(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    int sigemptyset(Pointer sigset);

    int sigfillset(Pointer sigset);
}
