package dev.endlessd.os;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Unix sockets opened natively: a connected datagram socket for a worker, and the address both ends use. */
public final class UnixSockets {
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 04000;
    static final int SOCK_CLOEXEC = 02000000;
    static final int SOL_SOCKET = 1;
    static final int SO_PASSCRED = 16;

    /** {@code sizeof(sun_path)}: a path and its terminating NUL must fit. */
    private static final int MAX_PATH_BYTES = 108;

    private UnixSockets() {
    }

    /**
     * A unix datagram socket connected to the one bound at {@code path}, close-on-exec, in blocking
     * mode: a plain {@code write(2)} on it sends one datagram there.
     *
     * @return the fd, which the caller must close
     */
    public static int connectDatagram(Path path) throws ErrnoException {
        byte[] address = address(path);
        int fd = Posix.LIBC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw ErrnoException.last("socket");
        }
        while (Posix.LIBC.connect(fd, address, address.length) != 0) {
            int errno = Posix.errno();
            if (errno != Posix.EINTR) {
                Posix.close(fd);
                throw new ErrnoException("connect to " + path, errno);
            }
        }
        return fd;
    }

    /** A {@code struct sockaddr_un} naming {@code path}. */
    static byte[] address(Path path) throws ErrnoException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= MAX_PATH_BYTES) {
            throw new ErrnoException("socket path " + path + " is longer than " + (MAX_PATH_BYTES - 1) + " bytes",
                    jnr.constants.platform.Errno.ENAMETOOLONG.intValue());
        }
        // a 16-bit sa_family_t in the machine's byte order, then the NUL-terminated path
        return ByteBuffer.allocate(2 + name.length + 1).order(ByteOrder.nativeOrder())
                .putShort((short) AF_UNIX).put(name).array();
    }
}
