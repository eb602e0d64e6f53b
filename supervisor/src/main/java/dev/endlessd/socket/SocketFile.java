package dev.endlessd.socket;

import dev.endlessd.os.Posix;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What stands at a path where a unix socket is about to be bound. A socket file outlives the process
 * that bound it, so one that refuses connections was left by a process that is gone and may be
 * removed; one that accepts belongs to a live server and must be left alone.
 */
public enum SocketFile {
    /** Nothing: the path is free. */
    ABSENT,
    /** A file, directory or device that is not a socket. */
    NOT_A_SOCKET,
    /** A socket something answers on. */
    LIVE,
    /** A socket whose server is gone: connecting is refused. */
    STALE;

    /**
     * Looks at {@code path} without following links, and connects to it if it is a socket.
     *
     * @throws IOException when connecting fails for a reason other than refusal (e.g. permission)
     */
    public static SocketFile at(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return ABSENT;
        }
        if (!Posix.isSocketFile(path)) {
            return NOT_A_SOCKET;
        }
        try {
            SocketChannel.open(UnixDomainSocketAddress.of(path)).close();
            return LIVE;
        } catch (ConnectException refused) {
            return STALE;
        }
    }
}
