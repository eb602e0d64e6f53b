package dev.endlessd.socket;

import io.netty.channel.Channel;

/**
 * A listening socket the supervisor holds for its workers and never accepts on.
 *
 * @param name        the worker sees it in {@code LISTEN_FDNAMES}
 * @param description where it listens, for logs and status ("127.0.0.1:8080", "unix:/run/app.sock",
 *                    "inherited fd 3")
 * @param fd          the supervisor's descriptor, non-blocking (see {@link Listeners})
 * @param channel     the Netty channel that bound it, or null for a socket inherited from systemd
 */
public record Listener(String name, String description, int fd, Channel channel) {

    /** Closes the supervisor's copy; workers keep theirs. Must be called only when the service stops. */
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return name + "=" + description;
    }
}
