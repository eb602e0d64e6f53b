package dev.endlessd.os;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The few libc calls the supervisor makes outside spawning, bound with jnr-ffi. Public only
 * because jnr-ffi generates the implementation in a class loader of its own; use {@link Posix}.
 */
public interface Libc {
    @SaveError
    int kill(int pid, int signal);

    @SaveError
    int waitpid(int pid, @Out int[] status, int options);

    int getuid();

    @SaveError
    int getpriority(int which, int who);

    @SaveError
    int setpriority(int which, int who, int priority);

    @SaveError
    int fcntl(int fd, int command, int argument);

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
    long pwrite(int fd, @In byte[] buffer, long count, long offset);

    @SaveError
    long pread(int fd, @Out byte[] buffer, long count, long offset);

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
}
