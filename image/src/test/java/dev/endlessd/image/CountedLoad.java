package dev.endlessd.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Clients that each send GET / on a new connection, back to back, and count: every refused or reset
 * connection, timeout and status other than 200 is a failure. Keeps the last body seen.
 */
final class CountedLoad implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 10_000;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicReference<String> lastBody = new AtomicReference<>("");
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> clients = new ArrayList<>();

    CountedLoad(int port, int clientCount) {
        for (int i = 0; i < clientCount; i++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    try {
                        String response = get(port);
                        if (response.startsWith("HTTP/1.1 200 ")) {
                            ok.incrementAndGet();
                            lastBody.set(response.substring(response.indexOf("\r\n\r\n") + 4));
                        } else {
                            failures.add(response.lines().findFirst().orElse("(empty response)"));
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                }
            }, "counted-load-" + i);
            client.setDaemon(true);
            client.start();
            clients.add(client);
        }
    }

    static String get(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    int ok() {
        return ok.get();
    }

    String lastBody() {
        return lastBody.get();
    }

    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    @Override
    public void close() {
        running.set(false);
        for (Thread client : clients) {
            try {
                client.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
