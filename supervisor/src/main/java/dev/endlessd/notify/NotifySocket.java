package dev.endlessd.notify;

import dev.endlessd.log.PeerText;
import dev.endlessd.log.ThrottledWarning;
import dev.endlessd.os.CredentialedDatagramSocket;
import dev.endlessd.os.ErrnoException;
import dev.endlessd.os.PeerCredentials;
import dev.endlessd.os.Posix;
import dev.endlessd.os.UnixSockets;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sd_notify socket of exactly one worker: a unix datagram socket at a path of its own in the
 * runtime directory, read on the supervisor's event loop.
 *
 * <p>A message counts only when the kernel says it comes from the worker's own process or from a
 * process of its session or process group (as systemd's {@code NotifyAccess=all} counts the unit's
 * processes): the worker itself, or {@code systemd-notify} run by it. Anything else — an older
 * generation, an unrelated process of the same uid, another user's process if someone loosened the
 * file's mode — is dropped, and said so in the log, with the sender. Until {@link #acceptFrom} names
 * the worker's pid, nothing counts.
 *
 * <p>What a sender can provoke in the log (refused, malformed, oversized datagrams) is throttled:
 * the first whole, then a count per ten seconds. Lines that are not {@code KEY=VALUE} are dropped
 * here, as systemd ignores them; the receiver sees only well-formed fields, their values without
 * control characters, so that no worker's text can drive the terminal that shows the log.
 *
 * <p>Opened, read and closed on the event loop it was opened on.
 */
public final class NotifySocket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotifySocket.class);

    /** systemd accepts notify datagrams up to this size; longer ones are truncated and dropped. */
    private static final int MAX_DATAGRAM_BYTES = 4096;
    /** Then other events get their turn; epoll reports the socket again while datagrams wait. */
    private static final int DATAGRAMS_PER_WAKEUP = 64;

    private final CredentialedDatagramSocket socket;
    private final Consumer<NotifyMessage> receiver;
    private final Object worker;
    private final ThrottledWarning refused;
    private final ThrottledWarning malformed;
    private IoRegistration registration;
    private int workerPid;
    private boolean closed;

    private NotifySocket(CredentialedDatagramSocket socket, EventLoop loop, Consumer<NotifyMessage> receiver,
                         Object worker) {
        this.socket = socket;
        this.receiver = receiver;
        this.worker = worker;
        this.refused = new ThrottledWarning(log, loop, worker, "notify messages refused");
        this.malformed = new ThrottledWarning(log, loop, worker, "malformed notify messages");
    }

    /**
     * Binds {@code path} (replacing a leftover file of an earlier run) and delivers each datagram
     * of the worker to {@code receiver} on {@code loop}. For a worker running as user {@code ownerUid},
     * the socket file becomes that user's, mode 0600, so the worker may send and no other user may.
     *
     * @param worker named in log lines (its {@code toString}, e.g. "gen=2 pid=4242")
     */
    public static NotifySocket open(Path path, EventLoop loop, Consumer<NotifyMessage> receiver,
                                    OptionalInt ownerUid, Object worker) throws IOException {
        if (!(loop instanceof IoEventLoop ioLoop)) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: an IoEventLoop with epoll)");
        }
        Files.deleteIfExists(path);
        CredentialedDatagramSocket socket;
        try {
            socket = CredentialedDatagramSocket.bind(path, MAX_DATAGRAM_BYTES);
        } catch (ErrnoException e) {
            // socket(2) fails when endlessd is out of descriptors (EMFILE) or memory; bind(2) on the path
            String failed = e.call().equals("socket") ? "create" : "bind";
            throw new IOException("cannot " + failed + " notify socket " + path + ": " + Posix.describe(e.errno()), e);
        }
        NotifySocket notify = new NotifySocket(socket, loop, receiver, worker);
        try {
            if (ownerUid.isPresent()) {
                handOver(path, ownerUid.getAsInt());
            }
            notify.register(ioLoop);
        } catch (IOException | RuntimeException e) {
            notify.close();
            throw e;
        }
        return notify;
    }

    private static void handOver(Path path, int uid) throws IOException {
        try {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new IOException("cannot hand notify socket " + path + " to uid " + uid + ": " + e, e);
        }
    }

    private void register(IoEventLoop loop) throws IOException {
        Future<IoRegistration> registered = loop.register(new Handle());
        if (!loop.inEventLoop()) {
            registered.awaitUninterruptibly();
        }
        if (!registered.isSuccess()) {
            throw new IOException("cannot watch notify socket " + socket.path() + ": " + registered.cause(),
                    registered.cause());
        }
        registration = registered.getNow();
        registration.submit(EpollIoOps.EPOLLIN);
    }

    /** From now on, messages of process {@code pid} and of its session or process group count. */
    public void acceptFrom(int pid) {
        this.workerPid = pid;
    }

    /**
     * The notify socket bound at {@code path} that this process already holds as {@code fd}: a
     * worker's, carried across an upgrade.
     */
    public static NotifySocket adopt(Path path, int fd, EventLoop loop, Consumer<NotifyMessage> receiver, Object worker)
            throws IOException {
        if (!(loop instanceof IoEventLoop ioLoop)) {
            throw new IllegalArgumentException("loop: " + loop + " (expected: an IoEventLoop with epoll)");
        }
        NotifySocket notify = new NotifySocket(CredentialedDatagramSocket.adopt(path, fd, MAX_DATAGRAM_BYTES), loop,
                receiver, worker);
        try {
            notify.register(ioLoop);
        } catch (IOException | RuntimeException e) {
            notify.close();
            throw e;
        }
        return notify;
    }

    /** The socket's descriptor, to carry across an upgrade. */
    public int fd() {
        return socket.fd();
    }

    public Path path() {
        return socket.path();
    }

    /**
     * A new descriptor connected to this socket, for a worker to inherit ({@code ENDLESSD_NOTIFY_FD}):
     * a plain {@code write(2)} on it is a notify datagram, for runtimes that cannot address a unix
     * datagram socket by path (the JDK before 22). Close-on-exec here; the caller closes it once spawned.
     * What the worker writes on it is checked like any other datagram: its sender is the writing process.
     */
    public int openClient() throws IOException {
        return UnixSockets.connectDatagram(socket.path());
    }

    /** Stops receiving, logs what the throttles still hold, and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            registration.cancel();
        }
        socket.close();
        refused.close();
        malformed.close();
        try {
            Files.deleteIfExists(socket.path());
        } catch (IOException ignored) {
            // a leftover file is replaced on the next bind
        }
    }

    private void receiveWaiting() {
        for (int i = 0; i < DATAGRAMS_PER_WAKEUP && !closed; i++) {
            CredentialedDatagramSocket.Datagram datagram;
            try {
                datagram = socket.receive();
            } catch (ErrnoException e) {
                log.error("{}: cannot read its notify socket {} any more ({}): its messages are lost from now on",
                        worker, socket.path(), e.getMessage());
                registration.cancel();
                return;
            }
            if (datagram == null) {
                return;
            }
            try (datagram) {
                take(datagram); // before the passed fds close: a BARRIER=1 sender waits for that, then exits
            }
        }
    }

    private void take(CredentialedDatagramSocket.Datagram datagram) {
        PeerCredentials sender = datagram.sender();
        if (!fromWorker(sender)) {
            refused.warn("{}: refused a notify message from {}: it is neither the worker nor a process of its"
                    + " session, so it cannot speak for it", worker, sender);
            return;
        }
        if (datagram.truncated()) {
            malformed.warn("{} sent a notify message longer than {} bytes: ignored", worker, MAX_DATAGRAM_BYTES);
            return;
        }
        NotifyMessage message = NotifyMessage.parse(new String(datagram.payload(), StandardCharsets.UTF_8));
        if (!message.malformedLines().isEmpty()) {
            malformed.warn("{} sent malformed notify lines {}: ignored (expected KEY=VALUE lines such as READY=1)",
                    worker, message.malformedLines().stream().map(line -> PeerText.printable(line, 80)).toList());
        }
        if (!message.fields().isEmpty()) {
            Map<String, String> fields = new LinkedHashMap<>();
            message.fields().forEach((key, value) -> fields.put(key, PeerText.terminalSafe(value)));
            receiver.accept(new NotifyMessage(fields, List.of()));
        }
    }

    private boolean fromWorker(PeerCredentials sender) {
        int pid = sender.pid();
        return workerPid > 0 && pid > 0
                && (pid == workerPid || Posix.sessionOf(pid) == workerPid || Posix.processGroupOf(pid) == workerPid);
    }

    /** The socket as Netty's epoll loop sees it. */
    private final class Handle implements EpollIoHandle {
        private final FileDescriptor fd = new FileDescriptor(socket.fd());

        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            receiveWaiting();
        }

        @Override
        public void close() {
            NotifySocket.this.close();
        }
    }
}
