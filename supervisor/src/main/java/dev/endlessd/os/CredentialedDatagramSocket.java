package dev.endlessd.os;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A bound, non-blocking unix datagram socket that tells for each datagram which process sent it:
 * with {@code SO_PASSCRED} the kernel attaches the sender's pid, uid and gid ({@code SCM_CREDENTIALS}),
 * which a process may only forge with {@code CAP_SYS_ADMIN}. File descriptors a sender passes along
 * ({@code SCM_RIGHTS}, e.g. sd_notify's {@code BARRIER=1}) are closed with the datagram, once it was
 * judged: {@code systemd-notify} waits for that close and then exits, and a sender that is gone can
 * no longer be found in its session.
 *
 * <p>Why natively: Netty's datagram channel reads with {@code recvfrom}, which drops the credentials.
 * Layouts are those of 64-bit Linux ({@code struct msghdr}, {@code cmsghdr}, {@code ucred}).
 *
 * <p>Not thread-safe: one thread receives; {@link #close} may come from any thread once it stopped.
 */
public final class CredentialedDatagramSocket implements AutoCloseable {
    private static final int MSG_TRUNC = 0x20;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int SCM_RIGHTS = 1;
    private static final int SCM_CREDENTIALS = 2;
    private static final int MSGHDR_BYTES = 56;
    private static final int IOVEC_BYTES = 16;
    private static final int CMSGHDR_BYTES = 16;
    /** Room for the credentials and a few passed fds; the kernel closes fds that do not fit. */
    private static final int CONTROL_BYTES = 128;

    /**
     * One datagram, its sender, whether it was longer than the buffer (its tail was dropped), and the
     * descriptors that came with it, which {@link #close} closes.
     */
    public record Datagram(byte[] payload, boolean truncated, PeerCredentials sender, List<Integer> passedFds)
            implements AutoCloseable {
        public Datagram {
            passedFds = List.copyOf(passedFds);
        }

        @Override
        public void close() {
            passedFds.forEach(Posix::close);
        }
    }

    private final Path path;
    private final int fd;
    private final int maxBytes;
    private final Pointer message;
    private final Pointer iovec;
    private final Pointer control;
    private final Pointer data;
    private boolean closed;

    private CredentialedDatagramSocket(Path path, int fd, int maxBytes) {
        this.path = path;
        this.fd = fd;
        this.maxBytes = maxBytes;
        this.message = Memory.allocateDirect(Posix.RUNTIME, MSGHDR_BYTES, true);
        this.iovec = Memory.allocateDirect(Posix.RUNTIME, IOVEC_BYTES, true);
        this.control = Memory.allocateDirect(Posix.RUNTIME, CONTROL_BYTES, true);
        this.data = Memory.allocateDirect(Posix.RUNTIME, maxBytes, true);
    }

    /**
     * Binds a new socket at {@code path}, which must not exist.
     *
     * @param maxBytes the longest datagram read whole
     */
    public static CredentialedDatagramSocket bind(Path path, int maxBytes) throws ErrnoException {
        byte[] address = UnixSockets.address(path);
        int fd = Posix.LIBC.socket(UnixSockets.AF_UNIX,
                UnixSockets.SOCK_DGRAM | UnixSockets.SOCK_NONBLOCK | UnixSockets.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw ErrnoException.last("socket");
        }
        // before bind: no datagram may arrive without its sender's credentials
        if (Posix.LIBC.setsockopt(fd, UnixSockets.SOL_SOCKET, UnixSockets.SO_PASSCRED, new int[] {1}, 4) != 0
                || Posix.LIBC.bind(fd, address, address.length) != 0) {
            ErrnoException error = ErrnoException.last("bind " + path);
            Posix.close(fd);
            throw error;
        }
        return new CredentialedDatagramSocket(path, fd, maxBytes);
    }

    /** The socket bound at {@code path} that this process already holds as {@code fd} (carried across an upgrade). */
    public static CredentialedDatagramSocket adopt(Path path, int fd, int maxBytes) {
        return new CredentialedDatagramSocket(path, fd, maxBytes);
    }

    public int fd() {
        return fd;
    }

    public Path path() {
        return path;
    }

    /** @return the next waiting datagram, or null when none is waiting */
    public Datagram receive() throws ErrnoException {
        iovec.putAddress(0, data.address());
        iovec.putLong(8, maxBytes);
        message.putAddress(0, 0L);
        message.putInt(8, 0);
        message.putAddress(16, iovec.address());
        message.putLong(24, 1);
        message.putAddress(32, control.address());
        message.putLong(40, CONTROL_BYTES);
        message.putInt(48, 0);
        long length;
        while ((length = Posix.LIBC.recvmsg(fd, message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) < 0) {
            int errno = Posix.errno();
            if (errno == Posix.EAGAIN) {
                return null;
            }
            if (errno != Posix.EINTR) {
                throw new ErrnoException("recvmsg on " + path, errno);
            }
        }
        List<Integer> passedFds = new ArrayList<>();
        PeerCredentials sender = readControl(message.getLong(40), passedFds);
        byte[] payload = new byte[(int) Math.min(length, maxBytes)];
        data.get(0, payload, 0, payload.length);
        return new Datagram(payload, (message.getInt(48) & MSG_TRUNC) != 0, sender, passedFds);
    }

    /** Takes the credentials out of the control messages, and every fd that came along into {@code passedFds}. */
    private PeerCredentials readControl(long controlLength, List<Integer> passedFds) {
        PeerCredentials sender = new PeerCredentials(0, -1, -1);
        long offset = 0;
        while (offset + CMSGHDR_BYTES <= controlLength) {
            long length = control.getLong(offset);
            if (length < CMSGHDR_BYTES || offset + length > controlLength) {
                break;
            }
            int level = control.getInt(offset + 8);
            int type = control.getInt(offset + 12);
            if (level == UnixSockets.SOL_SOCKET && type == SCM_CREDENTIALS && length >= CMSGHDR_BYTES + 12) {
                sender = new PeerCredentials(control.getInt(offset + CMSGHDR_BYTES),
                        control.getInt(offset + CMSGHDR_BYTES + 4), control.getInt(offset + CMSGHDR_BYTES + 8));
            } else if (level == UnixSockets.SOL_SOCKET && type == SCM_RIGHTS) {
                for (long at = offset + CMSGHDR_BYTES; at + 4 <= offset + length; at += 4) {
                    passedFds.add(control.getInt(at));
                }
            }
            offset += (length + 7) & ~7L;
        }
        return sender;
    }

    /** Closes the socket (once) and leaves the file at {@link #path} to the caller. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Posix.close(fd);
        }
    }
}
