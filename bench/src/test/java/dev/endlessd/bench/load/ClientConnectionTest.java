package dev.endlessd.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ClientConnectionTest {
    private static final long TIMEOUT = Duration.ofSeconds(5).toNanos();
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Worker-Pid: 4242\r\n\r\nhello";

    private FakeServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void keepAliveRequestsShareOneConnectionAndReportTheWorker() throws IOException {
        server = new FakeServer(List.of(OK, OK, OK));
        try (ClientConnection client = client(ConnectionMode.KEEPALIVE)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(Outcome.OK, client.exchange(TIMEOUT));
                assertEquals(4242, client.workerPid());
                assertFalse(client.retried());
            }
        }
        assertEquals(1, server.accepted.get());
    }

    @Test
    void newConnectionModeConnectsForEveryRequestAndAsksToClose() throws IOException {
        server = new FakeServer(List.of(OK), List.of(OK));
        try (ClientConnection client = client(ConnectionMode.CLOSE)) {
            assertEquals(Outcome.OK, client.exchange(TIMEOUT));
            assertEquals(Outcome.OK, client.exchange(TIMEOUT));
        }
        assertEquals(2, server.accepted.get());
        assertTrue(server.lastRequest.contains("Connection: close\r\n"), server.lastRequest);
    }

    @Test
    void connectionCloseInTheReplyEndsTheConnection() throws IOException {
        String closing = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 2\r\n\r\nok";
        server = new FakeServer(List.of(closing), List.of(OK));
        try (ClientConnection client = client(ConnectionMode.KEEPALIVE)) {
            assertEquals(Outcome.OK, client.exchange(TIMEOUT));
            assertEquals(Outcome.OK, client.exchange(TIMEOUT));
            assertFalse(client.retried());
        }
        assertEquals(2, server.accepted.get());
    }

    @Test
    void aReusedConnectionClosedBeforeTheReplyIsRetriedOnceOnANewOne() throws IOException {
        server = new FakeServer(List.of(OK, FakeServer.CLOSE), List.of(OK));
        try (ClientConnection client = client(ConnectionMode.KEEPALIVE)) {
            assertEquals(Outcome.OK, client.exchange(TIMEOUT));
            assertEquals(Outcome.OK, client.exchange(TIMEOUT));
            assertTrue(client.retried());
        }
    }

    @Test
    void aFreshConnectionClosedBeforeTheReplyIsAnEmptyReplyAndNotRetried() throws IOException {
        server = new FakeServer(List.of(FakeServer.CLOSE), List.of(OK));
        try (ClientConnection client = client(ConnectionMode.KEEPALIVE)) {
            assertEquals(Outcome.EMPTY, client.exchange(TIMEOUT));
            assertFalse(client.retried());
        }
    }

    @Test
    void aRetryThatFailsAgainCounts() throws IOException {
        server = new FakeServer(List.of(OK, FakeServer.CLOSE), List.of(FakeServer.CLOSE));
        try (ClientConnection client = client(ConnectionMode.KEEPALIVE)) {
            assertEquals(Outcome.OK, client.exchange(TIMEOUT));
            assertEquals(Outcome.EMPTY, client.exchange(TIMEOUT));
            assertTrue(client.retried());
        }
    }

    @Test
    void repliesAreClassified() throws IOException {
        server = new FakeServer(List.of("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 8\r\n\r\ndraining", OK),
                List.of("SSH-2.0-OpenSSH\r\n\r\n"),
                List.of("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\ncut short" + FakeServer.CLOSE),
                List.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
        try (ClientConnection client = client(ConnectionMode.KEEPALIVE)) {
            assertEquals(Outcome.NON_2XX, client.exchange(TIMEOUT));
            assertEquals(Outcome.OK, client.exchange(TIMEOUT), "a complete non-2xx reply keeps the connection");
            assertEquals(1, server.accepted.get());
            client.close();
            assertEquals(Outcome.MALFORMED, client.exchange(TIMEOUT));
            assertEquals(Outcome.MALFORMED, client.exchange(TIMEOUT));
            assertEquals(Outcome.MALFORMED, client.exchange(TIMEOUT));
        }
    }

    @Test
    void nothingListeningIsRefused() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (ClientConnection client = new ClientConnection(new InetSocketAddress("127.0.0.1", port),
                ConnectionMode.KEEPALIVE, "/")) {
            assertEquals(Outcome.REFUSED, client.exchange(TIMEOUT));
        }
    }

    @Test
    void noReplyWithinTheTimeoutIsATimeout() throws IOException {
        server = new FakeServer(List.of(FakeServer.SILENCE));
        try (ClientConnection client = client(ConnectionMode.KEEPALIVE)) {
            assertEquals(Outcome.TIMEOUT, client.exchange(Duration.ofMillis(100).toNanos()));
        }
    }

    @Test
    void findsTheEndOfTheHead() {
        byte[] bytes = "HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        assertEquals(25, ClientConnection.indexOfBlankLine(bytes, 0, bytes.length));
        assertEquals(-1, ClientConnection.indexOfBlankLine(bytes, 0, 20));
    }

    private ClientConnection client(ConnectionMode mode) {
        return new ClientConnection(new InetSocketAddress("127.0.0.1", server.port()), mode, "/");
    }

    /**
     * Answers the n-th connection's requests with the n-th script, one reply per request. {@link #CLOSE}
     * closes the connection instead of replying; {@link #SILENCE} never replies. Text after CLOSE inside a
     * reply is sent, then the connection is closed.
     */
    private static final class FakeServer implements AutoCloseable {
        static final String CLOSE = "\u0000close";
        static final String SILENCE = "\u0000silence";

        final AtomicInteger accepted = new AtomicInteger();
        volatile String lastRequest = "";
        private final ServerSocket listener;
        private final List<List<String>> scripts;

        @SafeVarargs
        FakeServer(List<String>... scripts) throws IOException {
            this.scripts = List.of(scripts);
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(this::serve, "fake-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void serve() {
            try {
                while (true) {
                    Socket socket = listener.accept();
                    int n = accepted.getAndIncrement();
                    List<String> script = n < scripts.size() ? scripts.get(n) : List.of();
                    Thread thread = new Thread(() -> converse(socket, script), "fake-connection-" + n);
                    thread.setDaemon(true);
                    thread.start();
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void converse(Socket socket, List<String> script) {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                for (String reply : script) {
                    lastRequest = readRequest(in);
                    if (reply.equals(SILENCE)) {
                        in.read();
                        return;
                    }
                    int close = reply.indexOf(CLOSE);
                    out.write((close < 0 ? reply : reply.substring(0, close)).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (close >= 0) {
                        return;
                    }
                }
                in.read();
            } catch (IOException e) {
                // the client went away
            }
        }

        private static String readRequest(InputStream in) throws IOException {
            StringBuilder request = new StringBuilder();
            while (request.indexOf("\r\n\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("client closed");
                }
                request.append((char) b);
            }
            return request.toString();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
