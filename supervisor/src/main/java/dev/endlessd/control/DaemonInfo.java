package dev.endlessd.control;

import dev.endlessd.socket.Listener;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What status shows about the daemon itself; fixed for the lifetime of the running code.
 *
 * @param name          the instance's {@code --name}
 * @param controlSocket where the control server listens
 * @param lastUpgrade   the upgrade that started the running code; empty when it ran from the start
 * @param startupCpu    how a starting worker gets less CPU ({@code --startup-cpu}) and why, in words
 */
public record DaemonInfo(String name, String version, long pid, Instant startedAt, Path controlSocket,
                         List<Listener> listeners, Optional<LastUpgrade> lastUpgrade, String startupCpu) {
    public DaemonInfo {
        listeners = List.copyOf(listeners);
    }

    /** A daemon that was never upgraded. */
    public DaemonInfo(String name, String version, long pid, Instant startedAt, Path controlSocket,
                      List<Listener> listeners) {
        this(name, version, pid, startedAt, controlSocket, listeners, Optional.empty(), "off");
    }
}
