package dev.endlessd.control;

import dev.endlessd.socket.Listener;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What status shows about the daemon itself; fixed for the daemon's lifetime.
 *
 * @param name          the instance's {@code --name}
 * @param controlSocket where the control server listens
 */
public record DaemonInfo(String name, String version, long pid, Instant startedAt, Path controlSocket,
                         List<Listener> listeners) {
    public DaemonInfo {
        listeners = List.copyOf(listeners);
    }
}
