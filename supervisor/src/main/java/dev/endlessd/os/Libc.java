package dev.endlessd.os;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.IntByReference;

/**
 * Every libc call the supervisor makes, bound once, with jnr-ffi, by {@link Posix}. Public only
 * because jnr-ffi generates the implementation in a class loader of its own; use {@link Posix} and
 * {@link PosixSpawn}.
 *
 * <p>The spawn functions are bound here rather than through jnr-posix, whose {@code posix_spawnp}
 * wrapper drops the error code, refuses signal-mask attributes and has no {@code addclosefrom_np};
 * they return 0 or an errno value and do not set {@code errno}.
 */
public interface Libc {
    @SaveError
    int kill(int pid, int signal);

    @SaveError
    int waitpid(int pid, @Out int[] status, int options);

    @SaveError
    int waitid(int idType, int id, Pointer info, int options);

    @SaveError
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int getuid();

    @SaveError
    int getpriority(int which, int who);

    @SaveError
    int setpriority(int which, int who, int priority);

    @SaveError
    int fcntl(int fd, int command, int argument);

    @SaveError
    int dup2(int fd, int newFd);

    @SaveError
    int open(CharSequence path, int flags, int mode);

    @SaveError
    int close(int fd);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int connect(int fd, @In byte[] address, int length);

    @SaveError
    int flock(int fd, int operation);

    @SaveError
    int ftruncate(int fd, long length);

    @SaveError
    long getxattr(CharSequence path, CharSequence name, @Out byte[] value, long size);

    @SaveError
    long pwrite(int fd, @In byte[] buffer, long count, long offset);

    @SaveError
    long pread(int fd, @Out byte[] buffer, long count, long offset);

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

    int isatty(int fd);

    @SaveError
    int getsid(int pid);

    @SaveError
    int getpgid(int pid);

    @SaveError
    int pipe2(@Out int[] fds, int flags);

    @SaveError
    long read(int fd, @Out byte[] buffer, long count);

    @SaveError
    long write(int fd, @In byte[] buffer, long count);

    @SaveError
    int poll(Pointer fds, long count, int timeoutMillis);

    @SaveError
    int bind(int fd, @In byte[] address, int length);

    @SaveError
    int setsockopt(int fd, int level, int option, @In int[] value, int length);

    @SaveError
    long recvmsg(int fd, Pointer message, int flags);

    @SaveError
    int memfd_create(CharSequence name, int flags);

    @SaveError
    int execve(CharSequence path, @In CharSequence[] argv, @In CharSequence[] envp);

    @SaveError
    int sigaction(int signal, Pointer action, Pointer oldAction);
}
