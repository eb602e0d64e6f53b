package dev.endlessd.sample.activation;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import java.nio.charset.StandardCharsets;

/**
 * Sends {@code sd_notify} state changes ({@code READY=1}, {@code STATUS=...}, {@code STOPPING=1}) to the
 * process that started us, the way endlessd and systemd expect them: one unix datagram per message,
 * newline-separated {@code KEY=VALUE} lines.
 *
 * <p>Abstract addresses ({@code NOTIFY_SOCKET=@name}) work, though Netty does not document them: for a
 * single contiguous buffer its {@code sendto(2)} passes the address length as the path's byte length,
 * so a path that starts with NUL names the abstract socket exactly. Every message here is one such
 * buffer.
 *
 * <p>Thread-safe: any thread may call {@link #send}; the datagram is written on the channel's event loop.
 */
public final class SdNotifier implements AutoCloseable {

    private final NotifySocket target;
    private final Channel channel;

    private SdNotifier(NotifySocket target, Channel channel) {
        this.target = target;
        this.channel = channel;
    }

    /**
     * Opens an unbound unix datagram socket on one of {@code group}'s event loops, to send to
     * {@code target}. Blocks until the channel is registered, so it must not be called from an event loop.
     *
     * @throws IllegalStateException when the socket cannot be created (e.g. epoll is unavailable)
     */
    // DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION is deprecated with no replacement; the alternatives, bind() or
    // connect(), would give the socket an address or tie it to one receiver, which sendto() per message avoids.
    @SuppressWarnings("deprecation")
    public static SdNotifier open(NotifySocket target, EventLoopGroup group) {
        ChannelFuture registered = new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                // Unbound and unconnected: without this Netty would call the channel inactive and refuse writes.
                .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                .handler(new ChannelHandlerAdapter() { })
                .register()
                .awaitUninterruptibly();
        if (!registered.isSuccess()) {
            throw new IllegalStateException("cannot open a socket for NOTIFY_SOCKET=" + target, registered.cause());
        }
        return new SdNotifier(target, registered.channel());
    }

    /**
     * Sends one message, e.g. {@code "READY=1\nSTATUS=serving on :8080"}.
     *
     * @return completes when the kernel took the datagram, or fails with the reason (e.g. nobody listens
     *         at the address any more)
     */
    public ChannelFuture send(String message) {
        return channel.writeAndFlush(new DomainDatagramPacket(
                Unpooled.copiedBuffer(message, StandardCharsets.UTF_8), target.address()));
    }

    /** Sends {@code READY=1} with a {@code STATUS=} line. */
    public ChannelFuture ready(String status) {
        return send("READY=1\nSTATUS=" + oneLine(status));
    }

    /** Sends {@code STOPPING=1} with a {@code STATUS=} line. */
    public ChannelFuture stopping(String status) {
        return send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    /** The socket messages go to. */
    public NotifySocket target() {
        return target;
    }

    /** Closes the sending socket without waiting; messages already sent are unaffected. */
    @Override
    public void close() {
        channel.close();
    }

    // A line break would start a new KEY=VALUE line and let the status forge other fields.
    private static String oneLine(String status) {
        return status.replace('\n', ' ').replace('\r', ' ');
    }
}
