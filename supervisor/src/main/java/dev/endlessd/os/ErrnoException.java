package dev.endlessd.os;

import java.io.IOException;

/** A libc call failed; the message names the call and says why in words, the errno stays for decisions. */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    ErrnoException(String call, int errno) {
        super(call + ": " + Posix.describe(errno));
        this.call = call;
        this.errno = errno;
    }

    /** For the calling thread's errno after {@code call} failed. */
    static ErrnoException last(String call) {
        return new ErrnoException(call, Posix.errno());
    }

    /** The call that failed, e.g. "socket" or "bind /run/x.sock". */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
