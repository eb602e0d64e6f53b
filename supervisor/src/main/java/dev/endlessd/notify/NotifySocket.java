package dev.endlessd.notify;

import dev.endlessd.os.Posix;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The sd_notify socket of exactly one worker: a unix datagram socket at a path of its own inside
 * the supervisor's private (0700) runtime directory. A message is attributed by the socket it
 * arrives on, because Netty's datagram channel cannot read {@code SCM_CREDENTIALS}, and only the
 * worker that was handed the path (and processes of our own uid) can reach it.
 *
 * <p>Messages are delivered on the event loop the socket was opened on.
 */
public final class NotifySocket implements AutoCloseable {
    /** systemd accepts notify datagrams up to this size; longer ones are truncated and dropped. */
    private static final int MAX_DATAGRAM_BYTES = 4096;

    private final Path path;
    private final Channel channel;

    private NotifySocket(Path path, Channel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Binds {@code path} (replacing a leftover file of an earlier run) and delivers each datagram
     * to {@code receiver} on {@code loop}. For a worker running as user {@code ownerUid}, the socket
     * file becomes that user's, mode 0600, so the worker may send and no other user may.
     */
    public static NotifySocket open(Path path, EventLoop loop, Consumer<NotifyMessage> receiver,
                                    java.util.OptionalInt ownerUid) throws IOException {
        Files.deleteIfExists(path);
        EpollDomainDatagramChannel channel;
        try {
            channel = new EpollDomainDatagramChannel();
        } catch (ChannelException e) {
            // socket(2) failed: out of descriptors (EMFILE, ENFILE) or memory
            throw new IOException("cannot create notify socket " + path + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(MAX_DATAGRAM_BYTES));
        channel.pipeline().addLast(new Receiver(receiver));
        ChannelFuture bound = completed(loop, loop.register(channel));
        if (bound.isSuccess()) {
            bound = completed(loop, channel.bind(new DomainSocketAddress(path.toFile())));
        }
        if (!bound.isSuccess()) {
            channel.close();
            throw new IOException("cannot bind notify socket " + path + ": " + bound.cause().getMessage(), bound.cause());
        }
        NotifySocket socket = new NotifySocket(path, channel);
        if (ownerUid.isPresent()) {
            try {
                Files.setAttribute(path, "unix:uid", ownerUid.getAsInt());
                Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                socket.close();
                throw new IOException("cannot hand notify socket " + path + " to uid " + ownerUid.getAsInt() + ": " + e, e);
            }
        }
        return socket;
    }

    /** On the loop itself, register and bind run inline, so the future is already complete. */
    private static ChannelFuture completed(EventLoop loop, ChannelFuture future) {
        if (!loop.inEventLoop()) {
            future.awaitUninterruptibly();
        }
        if (!future.isDone()) {
            throw new IllegalStateException("channel operation did not complete inline on the event loop");
        }
        return future;
    }

    public Path path() {
        return path;
    }

    /**
     * A new descriptor connected to this socket, for a worker to inherit ({@code ENDLESSD_NOTIFY_FD}):
     * a plain {@code write(2)} on it is a notify datagram, for runtimes that cannot address a unix
     * datagram socket by path (the JDK before 22). Close-on-exec here; the caller closes it once spawned.
     */
    public int openClient() throws IOException {
        return Posix.connectedDatagramSocket(path);
    }

    /** Stops receiving and removes the socket file. */
    @Override
    public void close() {
        channel.close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the runtime directory is private; a leftover file is replaced on the next bind
        }
    }

    private static final class Receiver extends SimpleChannelInboundHandler<DomainDatagramPacket> {
        private final Consumer<NotifyMessage> receiver;

        Receiver(Consumer<NotifyMessage> receiver) {
            this.receiver = receiver;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
            receiver.accept(NotifyMessage.parse(packet.content().toString(StandardCharsets.UTF_8)));
        }
    }
}
