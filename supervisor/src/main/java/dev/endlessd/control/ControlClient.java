package dev.endlessd.control;

import dev.endlessd.os.ErrnoException;
import dev.endlessd.os.PeerCredentials;
import dev.endlessd.os.Posix;
import dev.endlessd.os.UnixSockets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalInt;
import jnr.constants.platform.Errno;

/**
 * The CLI's side of the control socket: one connection, one request, a blocking wait for the
 * answer with an optional deadline. See {@link ControlServer} for the protocol. Not thread-safe.
 *
 * <p>Before it believes a word, the client asks the kernel who is at the other end
 * ({@code SO_PEERCRED}): a process of our own uid, or root; and, for root's client, also the owner
 * of the directory that holds the socket, provided only that owner can write it (so root may talk to
 * a daemon of the user whose runtime directory it names). Anything else means someone else's
 * process took the socket's place, as another user could in a {@code /tmp/endlessd-UID} they created
 * first: its answer is refused, not printed.
 *
 * <p>The socket is opened natively because the JDK's unix channels do not tell a peer's uid as a number.
 */
public final class ControlClient implements AutoCloseable {
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int FILE_TYPE = 0170000;
    private static final int DIRECTORY = 0040000;

    private final Path path;
    private final int fd;
    private final byte[] chunk = new byte[8192];
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int consumed;
    private boolean closed;

    private ControlClient(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * @throws ControlException {@code NO_DAEMON} when nothing answers at {@code path},
     *                          {@code DENIED} when this user may not connect,
     *                          {@code UNTRUSTED} when a process we cannot trust answers there
     */
    public static ControlClient connect(Path path) throws ControlException {
        int fd;
        try {
            fd = UnixSockets.connect(path);
        } catch (ErrnoException e) {
            throw cannotConnect(path, e);
        }
        try {
            requireTrusted(path, UnixSockets.peer(fd), Posix.uid());
            return new ControlClient(path, fd);
        } catch (ErrnoException e) {
            Posix.close(fd);
            throw new ControlException(ControlException.Problem.NO_DAEMON, "cannot use the connection to " + path
                    + ": " + e.getMessage());
        } catch (ControlException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * Sends {@code request} and waits for the first line of the answer.
     *
     * @param within how long to wait, or null to wait as long as it takes
     */
    public ControlReply request(ControlRequest request, Duration within) throws ControlException {
        long deadline = deadline(within);
        try {
            byte[] line = (request.line() + "\n").getBytes(StandardCharsets.US_ASCII);
            try {
                Posix.writeFully(fd, line, line.length);
            } catch (ErrnoException closedFirst) {
                // a refusal may have come and gone before our line: what it said is still there to read
            }
            String first = readLine(deadline);
            if (first == null) {
                throw new ControlException(ControlException.Problem.NO_DAEMON, "endlessd at " + path
                        + " closed the connection without answering: it probably exited meanwhile (see its log)");
            }
            return ControlReply.parse(first).orElseThrow(() -> new ControlException(ControlException.Problem.NOT_UNDERSTOOD,
                    "unexpected answer from " + path + ": \"" + ControlRequest.printable(first)
                            + "\" (is this an endlessd control socket, of the same version?)"));
        } catch (ControlException e) {
            throw e;
        } catch (IOException e) {
            throw new ControlException(ControlException.Problem.NO_DAEMON, "lost the connection to " + path + ": "
                    + e.getMessage() + " (the daemon probably exited; see its log)");
        }
    }

    /**
     * Everything after the first line, up to the end of the connection (which, after {@code stop},
     * is when the daemon exits).
     *
     * @param within how long to wait, or null to wait as long as it takes
     */
    public String body(Duration within) throws ControlException {
        long deadline = deadline(within);
        try {
            while (fill(deadline)) {
                // until the daemon closes the connection
            }
        } catch (ControlException e) {
            throw e;
        } catch (IOException e) {
            throw new ControlException(ControlException.Problem.NO_DAEMON, "lost the connection to " + path + ": "
                    + e.getMessage());
        }
        byte[] all = received.toByteArray();
        return new String(all, consumed, all.length - consumed, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Posix.close(fd);
        }
    }

    /** The peer must be us, root, or (for root) the only user who can write the socket's directory. */
    static void requireTrusted(Path path, PeerCredentials peer, int ourUid) throws ControlException {
        if (peer.uid() == ourUid || peer.uid() == 0) {
            return;
        }
        Path directory = path.toAbsolutePath().getParent();
        OptionalInt owner = ourUid == 0 ? soleWriter(directory) : OptionalInt.empty();
        if (owner.isPresent() && owner.getAsInt() == peer.uid()) {
            return;
        }
        String expected = ourUid == 0 ? "root or the owner of " + directory : "uid " + ourUid + " or root";
        throw new ControlException(ControlException.Problem.UNTRUSTED, path + " is served by " + peer + ", not by "
                + expected + ": another user's process has taken its place, so its answer is not believed; check who"
                + " owns " + directory + " (ls -ld " + directory + ") and remove what is not yours");
    }

    /** The owner of {@code directory} when it is a real directory that nobody else may write. */
    private static OptionalInt soleWriter(Path directory) {
        try {
            int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & FILE_TYPE) != DIRECTORY || (mode & GROUP_OR_OTHERS_WRITE) != 0) {
                return OptionalInt.empty();
            }
            return OptionalInt.of((Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException gone) {
            return OptionalInt.empty();
        }
    }

    private String readLine(long deadline) throws IOException {
        while (true) {
            byte[] all = received.toByteArray();
            for (int i = consumed; i < all.length; i++) {
                if (all[i] == '\n') {
                    String line = new String(Arrays.copyOfRange(all, consumed, i), StandardCharsets.UTF_8);
                    consumed = i + 1;
                    return line;
                }
            }
            if (!fill(deadline)) {
                return null;
            }
        }
    }

    /** Reads what has arrived, waiting for more if nothing has; false at the end of the connection. */
    private boolean fill(long deadline) throws IOException {
        while (true) {
            long left = deadline == 0 ? -1 : (deadline - System.nanoTime()) / 1_000_000;
            if (deadline != 0 && left <= 0) {
                throw new ControlException(ControlException.Problem.NO_DAEMON, "no answer from " + path
                        + " in time: the daemon may be hung (see its log, or send it SIGQUIT for a thread dump)");
            }
            if (!Posix.awaitReadable(new int[] {fd}, (int) Math.min(left, Integer.MAX_VALUE))[0]) {
                continue;
            }
            int read;
            try {
                read = Posix.read(fd, chunk);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ECONNRESET.intValue()) {
                    // the daemon closed with our bytes unread (a refusal): what it sent before still counts
                    return false;
                }
                throw e;
            }
            if (read == 0) {
                return false;
            }
            received.write(chunk, 0, read);
            return true;
        }
    }

    private static long deadline(Duration within) {
        return within == null ? 0 : System.nanoTime() + Math.max(1, within.toNanos());
    }

    private static ControlException cannotConnect(Path path, ErrnoException e) {
        // EACCES comes first because a private directory also hides whether the socket exists
        if (e.errno() == Errno.EACCES.intValue()) {
            return new ControlException(ControlException.Problem.DENIED, "permission denied on " + path
                    + ": the daemon runs as another user; run this as that user or as root");
        }
        if (e.errno() == Errno.ENOENT.intValue() || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return new ControlException(ControlException.Problem.NO_DAEMON, "no endlessd is running there: "
                    + path + " does not exist (start the daemon, or pass the --name, --runtime-dir or "
                    + "--control-socket it was started with)");
        }
        if (e.errno() == Errno.ECONNREFUSED.intValue()) {
            return new ControlException(ControlException.Problem.NO_DAEMON, "no endlessd answers at " + path
                    + " (connection refused): the daemon that created it is gone; start it again");
        }
        return new ControlException(ControlException.Problem.NO_DAEMON, "cannot connect to " + path + ": "
                + Posix.describe(e.errno()));
    }
}
