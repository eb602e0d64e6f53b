package dev.endlessd.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlSocketFileTest {
    @TempDir
    Path dir;

    private static ServerSocketChannel listen(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return server;
    }

    @Test
    void aFreePathNeedsNothing() throws IOException {
        assertFalse(ControlSocketFile.claim(dir.resolve("control.sock")));
    }

    @Test
    void aSocketLeftByADeadDaemonIsRemoved() throws IOException {
        Path path = dir.resolve("control.sock");
        listen(path).close();
        assertTrue(Files.exists(path), "closing a JDK server channel leaves the file, as a crash does");

        assertTrue(ControlSocketFile.claim(path));
        assertFalse(Files.exists(path));
    }

    @Test
    void aSocketSomeoneAnswersOnIsRefused() throws IOException {
        Path path = dir.resolve("control.sock");
        try (ServerSocketChannel live = listen(path)) {
            IOException error = assertThrows(IOException.class, () -> ControlSocketFile.claim(path));
            assertTrue(error.getMessage().startsWith("another endlessd answers on control socket " + path), error.getMessage());
            assertTrue(Files.exists(path) && live.isOpen());
        }
    }

    @Test
    void aFifoIsNotTakenForAStaleSocketAndIsLeftAlone() throws Exception {
        Path path = dir.resolve("control.sock");
        // connecting to a FIFO is refused just as connecting to a stale socket is
        assertTrue(new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0, "mkfifo");

        IOException error = assertThrows(IOException.class, () -> ControlSocketFile.claim(path));

        assertTrue(error.getMessage().contains("exists and is not a socket"), error.getMessage());
        assertTrue(Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws IOException {
        Path path = dir.resolve("control.sock");
        Files.writeString(path, "precious");
        IOException error = assertThrows(IOException.class, () -> ControlSocketFile.claim(path));
        assertTrue(error.getMessage().contains("exists and is not a socket"), error.getMessage());
        assertTrue(Files.exists(path));
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path path = dir.resolve("nowhere").resolve("control.sock");
        IOException error = assertThrows(IOException.class, () -> ControlSocketFile.claim(path));
        assertTrue(error.getMessage().contains("does not exist"), error.getMessage());
    }
}
