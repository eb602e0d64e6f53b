package dev.endlessd.instance;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the daemon answers and announces itself.
 *
 * @param controlSocket the control socket's path ({@code control.sock} in the runtime directory unless
 *                      {@code --control-socket} says otherwise)
 * @param pidFile       {@code --pid-file}, if given
 */
public record DaemonFiles(Path controlSocket, Optional<Path> pidFile) {
}
