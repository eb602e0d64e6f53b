package dev.endlessd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Requirements;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client against a scripted peer on a real unix socket. */
@Timeout(10)
class ControlClientTest {
    private static final Duration WITHIN = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private Path path;
    private ServerSocketChannel server;

    @BeforeEach
    void listen() throws IOException {
        path = dir.resolve("control.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    /** Accepts one connection, reads one line, answers {@code answer} (null: nothing) and closes. */
    private CompletableFuture<String> peerAnswering(String answer) {
        return CompletableFuture.supplyAsync(() -> {
            try (SocketChannel peer = server.accept()) {
                ByteBuffer request = ByteBuffer.allocate(256);
                while (request.position() == 0 || request.get(request.position() - 1) != '\n') {
                    if (peer.read(request) < 0) {
                        break;
                    }
                }
                if (answer != null) {
                    peer.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
                }
                return new String(request.array(), 0, request.position(), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void sendsOneLineAndReadsTheAnswerAndItsBody() throws Exception {
        CompletableFuture<String> peer = peerAnswering("ok\nline one\nline two\n");
        try (ControlClient client = ControlClient.connect(path)) {
            assertEquals(ControlReply.ok(""), client.request(ControlRequest.STATUS, WITHIN));
            assertEquals("line one\nline two\n", client.body(WITHIN));
        }
        assertEquals("status\n", peer.get(5, TimeUnit.SECONDS));
    }

    @Test
    void anErrorAnswerIsAReplyNotAnException() throws Exception {
        peerAnswering("error failed reload gen=2 failed: worker exited with exit status 3 before it was ready\n");
        try (ControlClient client = ControlClient.connect(path)) {
            ControlReply reply = client.request(ControlRequest.RELOAD, null);
            assertEquals(ControlReply.Kind.FAILED, reply.kind());
            assertEquals("reload gen=2 failed: worker exited with exit status 3 before it was ready", reply.text());
        }
    }

    @Test
    void noSocketFileMeansNoDaemon() throws IOException {
        ControlException error = assertThrows(ControlException.class, () -> ControlClient.connect(dir.resolve("other.sock")));
        assertEquals(ControlException.Problem.NO_DAEMON, error.problem());
        assertTrue(error.getMessage().contains(dir.resolve("other.sock") + " does not exist"), error.getMessage());
    }

    @Test
    void aStaleSocketMeansNoDaemon() throws IOException {
        server.close();
        ControlException error = assertThrows(ControlException.class, () -> ControlClient.connect(path));
        assertEquals(ControlException.Problem.NO_DAEMON, error.problem());
        assertTrue(error.getMessage().contains("connection refused"), error.getMessage());
    }

    @Test
    void aConnectionClosedWithoutAnAnswerMeansTheDaemonWentAway() throws Exception {
        peerAnswering(null);
        try (ControlClient client = ControlClient.connect(path)) {
            ControlException error = assertThrows(ControlException.class,
                    () -> client.request(ControlRequest.STATUS, WITHIN));
            assertEquals(ControlException.Problem.NO_DAEMON, error.problem());
            assertTrue(error.getMessage().contains("closed the connection without answering"), error.getMessage());
        }
    }

    @Test
    void somethingThatIsNotTheProtocolIsNotUnderstood() throws Exception {
        peerAnswering("HTTP/1.1 400 Bad Request\r\n\r\n");
        try (ControlClient client = ControlClient.connect(path)) {
            ControlException error = assertThrows(ControlException.class,
                    () -> client.request(ControlRequest.STATUS, WITHIN));
            assertEquals(ControlException.Problem.NOT_UNDERSTOOD, error.problem());
        }
    }

    @Test
    void aDaemonThatNeverAnswersIsGivenUpOnAtTheDeadline() throws Exception {
        try (ControlClient client = ControlClient.connect(path); SocketChannel silent = server.accept()) {
            ControlException error = assertThrows(ControlException.class,
                    () -> client.request(ControlRequest.STATUS, Duration.ofMillis(100)));
            assertEquals(ControlException.Problem.NO_DAEMON, error.problem());
            assertTrue(error.getMessage().contains("in time") && silent.isOpen(), error.getMessage());
        }
    }

    private static UserPrincipal user(String name) throws IOException {
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
    }

    @Test
    void aPeerOfOurUserOrRootIsBelieved() throws Exception {
        ControlClient.requireTrusted(path, user("daemon"), user("daemon"), user("root"));
        ControlClient.requireTrusted(path, user("root"), user("daemon"), user("root"));
    }

    @Test
    void aPeerOfAnotherUserIsNotBelievedNamingItAndWhereToLook() throws Exception {
        ControlException error = assertThrows(ControlException.class,
                () -> ControlClient.requireTrusted(path, user("nobody"), user("daemon"), user("root")));
        assertEquals(ControlException.Problem.UNTRUSTED, error.problem());
        assertEquals(path + " is served by user nobody, not by user daemon or root: another user's process has"
                + " taken its place, so its answer is not believed; check who owns " + dir + " (ls -ld " + dir
                + ") and remove what is not yours", error.getMessage());
    }

    @Test
    void rootAlsoBelievesTheOwnerOfADirectoryOnlyThatOwnerMayWrite() throws Exception {
        Requirements.assumeRoot("to give the directory away");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx--x--x"));
        Path socket = theirs.resolve("control.sock");

        ControlClient.requireTrusted(socket, user("nobody"), user("root"), user("root"));
        assertThrows(ControlException.class, () -> ControlClient.requireTrusted(socket, user("daemon"), user("root"),
                user("root")));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThrows(ControlException.class, () -> ControlClient.requireTrusted(socket, user("nobody"), user("root"),
                user("root")));
    }
}
