package dev.endlessd.agent.it;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 clients that send requests back to back until closed, and count every one: keep-alive
 * clients (some asking for a slow reply, so that requests are in flight when a worker drains) and
 * clients that open a new connection per request.
 *
 * <p>A request fails on a refused or reset connection, a timeout, a status other than 200 or a reply
 * cut short. One case is retried instead, as HTTP clients do for idempotent requests (RFC 9112
 * §9.3.1): a request on a reused keep-alive connection that the server closed before a byte of the
 * reply came; those retries are counted and reported, never hidden, and a second failure counts.
 */
final class Load implements AutoCloseable {
    private static final Pattern BODY_PID = Pattern.compile("hello from (\\d+)");
    private static final int TIMEOUT_MILLIS = 20_000;
    /**
     * Each client waits this long between requests: enough load that every reload happens with
     * requests in flight and connections kept alive, without taking the CPU a starting JVM needs on a
     * busy two-core machine.
     */
    private static final long THINK_MILLIS = 5;

    private final InetSocketAddress address;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger retriedAfterClose = new AtomicInteger();
    private final AtomicInteger retriedAfterReset = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Set<Long> servedBy = ConcurrentHashMap.newKeySet();
    private final List<Thread> clients = new ArrayList<>();

    Load(int port, int keepAliveClients, int slowClients, int newConnectionClients) {
        this.address = new InetSocketAddress("127.0.0.1", port);
        for (int i = 0; i < keepAliveClients + slowClients + newConnectionClients; i++) {
            boolean keepAlive = i < keepAliveClients + slowClients;
            String path = i >= keepAliveClients && keepAlive ? "/?sleep=200" : "/";
            Thread client = new Thread(() -> run(keepAlive, path), "load-" + i);
            client.setDaemon(true);
            client.start();
            clients.add(client);
        }
    }

    private void run(boolean keepAlive, String path) {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + address.getPort() + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII);
        Connection connection = null;
        while (running.get()) {
            boolean reused = connection != null;
            try {
                connection = exchange(connection, request, keepAlive);
            } catch (IOException e) {
                if (reused && e instanceof Refused refused && refused.nothingCame) {
                    (isReset(refused.getCause()) ? retriedAfterReset : retriedAfterClose).incrementAndGet();
                    try {
                        connection = exchange(null, request, keepAlive);
                    } catch (IOException again) {
                        failures.add("after a retry: " + again.getCause());
                        connection = null;
                    }
                } else {
                    failures.add((reused ? "reused connection: " : "new connection: ") + e.getCause());
                    connection = null;
                }
            }
            try {
                Thread.sleep(THINK_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (connection != null) {
            connection.close();
        }
    }

    /**
     * One request on {@code connection} (a new one if null); returns the connection to reuse, null when
     * it was closed. A failure closes the connection and says whether any byte of the reply came.
     */
    private Connection exchange(Connection connection, byte[] request, boolean keepAlive) throws Refused {
        Connection used = connection;
        try {
            if (used == null) {
                used = new Connection(address);
            }
            Reply reply = used.exchange(request);
            record(reply);
            if (!keepAlive || reply.close()) {
                used.close();
                return null;
            }
            return used;
        } catch (IOException e) {
            if (used != null) {
                used.close();
            }
            boolean nothingCame = used != null && used.replyBytes == 0 && (e instanceof EOFException || isReset(e));
            throw new Refused(e, nothingCame);
        }
    }

    /** A failed exchange; {@code nothingCame}: closed or reset before a byte of the reply, so it may be sent again. */
    private static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean nothingCame;

        Refused(IOException cause, boolean nothingCame) {
            super(cause);
            this.nothingCame = nothingCame;
        }
    }

    private static boolean isReset(Throwable e) {
        return e instanceof SocketException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("reset");
    }

    private void record(Reply reply) {
        if (reply.status() != 200) {
            failures.add("status " + reply.status());
            return;
        }
        Matcher pid = BODY_PID.matcher(reply.body());
        if (!pid.find()) {
            failures.add("unexpected body: " + reply.body());
            return;
        }
        servedBy.add(Long.parseLong(pid.group(1)));
        ok.incrementAndGet();
    }

    /** Waits until {@code count} more requests were answered, and fails at once if any failed. */
    void awaitMore(int count) {
        int before = ok.get();
        Endlessd.await(count + " more requests answered (failures: " + failures() + ")",
                () -> ok.get() >= before + count || !failures.isEmpty());
        if (!failures.isEmpty()) {
            throw new AssertionError("requests failed: " + failures());
        }
    }

    /** Waits until a reply came from {@code pid}. */
    void awaitServedBy(long pid) {
        Endlessd.await("a reply from pid " + pid + " (failures: " + failures() + ")", () -> servedBy.contains(pid));
    }

    int ok() {
        return ok.get();
    }

    int retriedAfterClose() {
        return retriedAfterClose.get();
    }

    int retriedAfterReset() {
        return retriedAfterReset.get();
    }

    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(TIMEOUT_MILLIS * 2L);
        }
    }

    private record Reply(int status, boolean close, String body) {
    }

    /** One client connection: writes a request, reads one whole reply (Content-Length or chunked). */
    private static final class Connection {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int replyBytes;

        Connection(InetSocketAddress address) throws IOException {
            socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.connect(address, TIMEOUT_MILLIS);
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        Reply exchange(byte[] request) throws IOException {
            replyBytes = 0;
            out.write(request);
            out.flush();
            String statusLine = line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP reply: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = parts[0].equals("HTTP/1.0");
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).strip());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:")) {
                    close = lower.contains("close") || (close && !lower.contains("keep-alive"));
                }
            }
            StringBuilder body = new StringBuilder();
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].strip(), 16); size > 0;
                     size = Long.parseLong(line().split(";")[0].strip(), 16)) {
                    body.append(read(size));
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                body.append(read(length));
            } else {
                throw new IOException("reply without a length (status " + status + ")");
            }
            return new Reply(status, close, body.toString());
        }

        private String read(long length) throws IOException {
            byte[] bytes = in.readNBytes((int) length);
            replyBytes += bytes.length;
            if (bytes.length < length) {
                throw new IOException("reply cut short after " + replyBytes + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    if (replyBytes == 0 && line.length() == 0) {
                        throw new EOFException("connection closed before a reply");
                    }
                    throw new IOException("reply cut short after " + replyBytes + " bytes");
                }
                replyBytes++;
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            replyBytes++;
            return line.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // done with it
            }
        }
    }
}
