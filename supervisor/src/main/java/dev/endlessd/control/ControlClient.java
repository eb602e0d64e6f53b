package dev.endlessd.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Arrays;
import jdk.net.ExtendedSocketOptions;

/**
 * The CLI's side of the control socket: one connection, one request, a blocking wait for the
 * answer with an optional deadline. See {@link ControlServer} for the protocol. Not thread-safe.
 *
 * <p>Before it believes a word, the client asks the kernel who listens at the other end
 * ({@code SO_PEERCRED}): a process of our own uid, or root; for root's client also the owner of the
 * directory that holds the socket, provided only that owner may write it (so root can talk to a
 * user's daemon by its runtime directory). Anything else means another user's process took the
 * socket's place, as another user could in a {@code /tmp/endlessd-UID} they created first: its answer
 * is refused, not printed. The uids are compared as the JDK's user principals, which compare by uid;
 * ours and root's are those of {@code /proc/self} and {@code /proc}, read without loading libc bindings,
 * which the probe's fast path avoids.
 */
public final class ControlClient implements AutoCloseable {
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int FILE_TYPE = 0170000;
    private static final int DIRECTORY = 0040000;

    private final Path path;
    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer chunk = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int consumed;

    private ControlClient(Path path, SocketChannel channel, Selector selector) {
        this.path = path;
        this.channel = channel;
        this.selector = selector;
    }

    /**
     * @throws ControlException {@code NO_DAEMON} when nothing answers at {@code path},
     *                          {@code DENIED} when this user may not connect,
     *                          {@code UNTRUSTED} when a process of another user answers there
     */
    public static ControlClient connect(Path path) throws ControlException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            throw cannotConnect(path, e);
        }
        try {
            requireTrusted(path, channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user(),
                    Files.getOwner(Path.of("/proc/self")), Files.getOwner(Path.of("/proc")));
        } catch (ControlException e) {
            close(channel);
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            close(channel);
            throw new ControlException(ControlException.Problem.UNTRUSTED, "cannot tell who serves " + path
                    + " (SO_PEERCRED, /proc): " + e + "; its answer is not believed");
        }
        try {
            Selector selector = Selector.open();
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            return new ControlClient(path, channel, selector);
        } catch (IOException e) {
            close(channel);
            throw new ControlException(ControlException.Problem.NO_DAEMON, "cannot use the connection to " + path + ": " + e);
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
            ByteBuffer line = ByteBuffer.wrap((request.line() + "\n").getBytes(StandardCharsets.US_ASCII));
            while (line.hasRemaining()) {
                channel.write(line);
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
        } catch (IOException e) {
            throw new ControlException(ControlException.Problem.NO_DAEMON, "lost the connection to " + path + ": "
                    + e.getMessage());
        }
        byte[] all = received.toByteArray();
        return new String(all, consumed, all.length - consumed, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        close(selector);
        close(channel);
    }

    /**
     * The peer must be us, root, or (for root) the only user who can write the socket's directory.
     *
     * @param us   our own user; {@code root} too when we are root
     */
    static void requireTrusted(Path path, UserPrincipal peer, UserPrincipal us, UserPrincipal root)
            throws ControlException {
        if (peer.equals(us) || peer.equals(root)) {
            return;
        }
        Path directory = path.toAbsolutePath().getParent();
        if (us.equals(root) && soleWriterIs(directory, peer)) {
            return;
        }
        String expected = us.equals(root) ? "root or the owner of " + directory : "user " + us.getName() + " or root";
        throw new ControlException(ControlException.Problem.UNTRUSTED, path + " is served by user " + peer.getName()
                + ", not by " + expected + ": another user's process has taken its place, so its answer is not"
                + " believed; check who owns " + directory + " (ls -ld " + directory + ") and remove what is not yours");
    }

    /** Whether {@code directory} is a real directory of {@code owner} that nobody else may write. */
    private static boolean soleWriterIs(Path directory, UserPrincipal owner) {
        try {
            int mode = (Integer) Files.getAttribute(directory, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & FILE_TYPE) == DIRECTORY && (mode & GROUP_OR_OTHERS_WRITE) == 0
                    && Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS).equals(owner);
        } catch (IOException | RuntimeException gone) {
            return false;
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
            chunk.clear();
            int read;
            try {
                read = channel.read(chunk);
            } catch (IOException reset) {
                // the daemon closed with our bytes unread (a refusal): what it sent before still counts
                return false;
            }
            if (read < 0) {
                return false;
            }
            if (read > 0) {
                received.write(chunk.array(), 0, read);
                return true;
            }
            long left = deadline == 0 ? 0 : (deadline - System.nanoTime()) / 1_000_000;
            if (deadline != 0 && left <= 0) {
                throw new ControlException(ControlException.Problem.NO_DAEMON, "no answer from " + path
                        + " in time: the daemon may be hung (see its log, or send it SIGQUIT for a thread dump)");
            }
            selector.select(left);
            selector.selectedKeys().clear();
        }
    }

    private static long deadline(Duration within) {
        return within == null ? 0 : System.nanoTime() + Math.max(1, within.toNanos());
    }

    private static ControlException cannotConnect(Path path, IOException e) {
        // the JDK reports connect errors by message only; EACCES comes first because a private
        // directory also hides whether the socket exists
        if (String.valueOf(e.getMessage()).contains("Permission denied")) {
            return new ControlException(ControlException.Problem.DENIED, "permission denied on " + path
                    + ": the daemon runs as another user; run this as that user or as root");
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return new ControlException(ControlException.Problem.NO_DAEMON, "no endlessd is running there: "
                    + path + " does not exist (start the daemon, or pass the --name, --runtime-dir or "
                    + "--control-socket it was started with)");
        }
        if (e instanceof ConnectException) {
            return new ControlException(ControlException.Problem.NO_DAEMON, "no endlessd answers at " + path
                    + " (connection refused): the daemon that created it is gone; start it again");
        }
        return new ControlException(ControlException.Problem.NO_DAEMON, "cannot connect to " + path + ": "
                + e.getMessage());
    }

    private static void close(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // nothing left to tell the user
        }
    }
}
