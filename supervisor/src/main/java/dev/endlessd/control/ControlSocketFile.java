package dev.endlessd.control;

import dev.endlessd.socket.SocketFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the control socket lives, and how a starting daemon makes that path its own. */
public final class ControlSocketFile {
    /** The control socket's name inside the instance's runtime directory. */
    public static final String DEFAULT_NAME = "control.sock";

    private ControlSocketFile() {
    }

    /** The default control socket of the instance whose runtime directory is {@code runtimeDirectory}. */
    public static Path in(Path runtimeDirectory) {
        return runtimeDirectory.resolve(DEFAULT_NAME);
    }

    /**
     * Makes {@code path} free for {@link ControlServer#bind}: a socket left by a daemon that is gone
     * (connecting is refused) is removed; a socket something still answers on is refused.
     *
     * @return true when a stale socket was removed
     * @throws IOException naming the path and the fix
     */
    public static boolean claim(Path path) throws IOException {
        Path directory = path.toAbsolutePath().getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new IOException("the directory of control socket " + path + " does not exist: create it or "
                    + "pass another --control-socket");
        }
        SocketFile existing;
        try {
            existing = SocketFile.at(path);
        } catch (IOException e) {
            throw new IOException("cannot tell whether control socket " + path + " is in use: " + e.getMessage()
                    + " (remove it, or pass another --control-socket)", e);
        }
        return switch (existing) {
            case ABSENT -> false;
            case NOT_A_SOCKET ->
                    throw new IOException(path + " exists and is not a socket: remove it, or pass another --control-socket");
            case LIVE -> throw new IOException("another endlessd answers on control socket " + path + ": stop it "
                    + "(endlessd stop --control-socket " + path + ") or pass another --control-socket");
            case STALE -> {
                Files.delete(path);
                yield true;
            }
        };
    }
}
