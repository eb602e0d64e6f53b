package dev.endlessd.sample;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Clients that request {@code GET /} back to back, 20 requests per keep-alive connection (so that new
 * connections reach every worker), reconnecting early after {@code Connection: close}, and keep every
 * failure: an I/O error, a status other than 200, or anything else a client thread would die of.
 */
final class KeepAliveLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, Integer> answeredBy = new ConcurrentHashMap<>();
    private final Set<String> greetings = ConcurrentHashMap.newKeySet();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> clients = new ArrayList<>();

    KeepAliveLoad(SocketAddress address, int clientCount) {
        for (int i = 0; i < clientCount; i++) {
            Thread client = new Thread(() -> keepRequesting(address), "keep-alive-load-" + i);
            client.setDaemon(true);
            client.start();
            clients.add(client);
        }
    }

    private void keepRequesting(SocketAddress address) {
        RawHttpConnection connection = null;
        int onThisConnection = 0;
        while (running.get()) {
            try {
                if (connection == null) {
                    connection = new RawHttpConnection(address);
                    onThisConnection = 0;
                }
                RawHttpConnection.Response response = connection.get("/");
                if (response.status() != 200) {
                    failures.add("status " + response.status());
                }
                answeredBy.merge(response.headers().get("x-worker-pid"), 1, Integer::sum);
                response.body().lines().filter(line -> line.startsWith("greeting: ")).forEach(greetings::add);
                if (response.closes() || ++onThisConnection == 20) {
                    connection.close();
                    connection = null;
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                failures.add(e.toString());
                close(connection);
                connection = null;
            }
        }
        close(connection);
    }

    /** Requests answered so far, by worker pid. */
    Map<String, Integer> answeredBy() {
        return Map.copyOf(answeredBy);
    }

    int answered() {
        return answeredBy.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The {@code greeting: ...} lines seen in answers. */
    Set<String> greetings() {
        return Set.copyOf(greetings);
    }

    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** Waits until {@code count} more requests were answered than when called. */
    void awaitMore(int count, Duration within) throws InterruptedException {
        int before = answered();
        await(() -> answered() >= before + count, within, count + " more requests answered (failures: " + failures() + ")");
    }

    static void await(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + within);
            }
            Thread.sleep(10); // polling a condition, not waiting in place of one
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join();
        }
    }

    private static void close(RawHttpConnection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // the failure that matters was recorded
            }
        }
    }
}
