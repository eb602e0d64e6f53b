package dev.endlessd.notify;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the service manager that started endlessd (systemd with {@code Type=notify}, which sets
 * {@code NOTIFY_SOCKET}) how the service is doing: {@code READY=1} when a worker serves,
 * {@code RELOADING=1} during a reload, {@code STOPPING=1}, and a {@code STATUS=} line.
 *
 * <p>{@code NOTIFY_SOCKET} may name a path or, with a leading {@code @}, an abstract socket; Netty
 * passes the exact address length for a single-buffer datagram, so a leading NUL reaches the abstract
 * name. Send from the event loop the notifier was opened on.
 */
public final class SystemdNotifier {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

    private final String target;
    private final DomainSocketAddress address;
    private final Channel channel;
    private boolean warned;

    private SystemdNotifier(String target, DomainSocketAddress address, Channel channel) {
        this.target = target;
        this.address = address;
        this.channel = channel;
    }

    /**
     * Opens an unbound datagram socket on {@code loop} when {@code notifySocket} is set.
     * Must not be called on the loop itself (it waits for the registration).
     */
    // DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION is deprecated without a replacement; binding or connecting
    // instead would give the socket an address of its own or tie it to one peer, which sendto() avoids.
    @SuppressWarnings("deprecation")
    public static Optional<SystemdNotifier> open(String notifySocket, EventLoop loop) throws IOException {
        if (notifySocket == null || notifySocket.isEmpty()) {
            return Optional.empty();
        }
        if (!notifySocket.startsWith("/") && !notifySocket.startsWith("@")) {
            throw new IOException("NOTIFY_SOCKET=" + notifySocket + " (expected: an absolute path or @abstract-name)");
        }
        String path = notifySocket.startsWith("@") ? "\0" + notifySocket.substring(1) : notifySocket;
        ChannelFuture registered = new Bootstrap()
                .group(loop)
                .channel(EpollDomainDatagramChannel.class)
                .option(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true)
                .handler(new ChannelHandlerAdapter() { })
                .register()
                .awaitUninterruptibly();
        if (!registered.isSuccess()) {
            throw new IOException("cannot open a socket for NOTIFY_SOCKET=" + notifySocket, registered.cause());
        }
        return Optional.of(new SystemdNotifier(notifySocket, new DomainSocketAddress(path), registered.channel()));
    }

    /** Sends newline-separated {@code KEY=VALUE} lines as one datagram. */
    public void send(String fields) {
        channel.writeAndFlush(new DomainDatagramPacket(Unpooled.copiedBuffer(fields, StandardCharsets.UTF_8), address))
                .addListener(sent -> {
                    if (!sent.isSuccess() && !warned) {
                        warned = true;
                        log.warn("cannot notify the service manager at NOTIFY_SOCKET={}: {}", target, sent.cause().toString());
                    }
                });
    }
}
