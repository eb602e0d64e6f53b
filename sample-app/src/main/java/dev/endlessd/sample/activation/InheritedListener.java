package dev.endlessd.sample.activation;

import io.netty.channel.ServerChannel;
import java.net.SocketAddress;

/**
 * An inherited listening socket, ready to register with a {@code ServerBootstrap}.
 *
 * @param source       where it came from
 * @param channel      the Netty channel wrapping it, not yet registered
 * @param localAddress the address it listens on: an {@code InetSocketAddress}, or a
 *                     {@code DomainSocketAddress} for a unix socket
 */
public record InheritedListener(ListenFd source, ServerChannel channel, SocketAddress localAddress) {

    @Override
    public String toString() {
        return source + " " + localAddress;
    }
}
