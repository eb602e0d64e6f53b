package dev.endlessd.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients that send requests back to back, each on a fresh connection, and keep every failure:
 * a refused connection, a reset, a timeout, a status other than 200, or an answer that is not the
 * fixture's.
 */
public final class HttpLoad implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger ok = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Set<Integer> servedBy = ConcurrentHashMap.newKeySet();
    private final List<Thread> clients = new ArrayList<>();

    public HttpLoad(int port, int clientCount) {
        for (int i = 0; i < clientCount; i++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    try {
                        Http.Response response = Http.get(port, "/");
                        if (response.status() == 200) {
                            ok.incrementAndGet();
                            servedBy.add(response.workerPid());
                        } else {
                            failures.add("status " + response.status());
                        }
                    } catch (IOException | RuntimeException | AssertionError e) {
                        // anything else would end this client silently and count nothing
                        failures.add(e.toString());
                    }
                }
            }, "http-load-" + i);
            client.setDaemon(true);
            client.start();
            clients.add(client);
        }
    }

    /** Waits until {@code count} more requests succeeded than had when called. */
    public void awaitMoreRequests(int count) {
        int before = ok.get();
        DaemonProcess.await(count + " more requests answered (failures so far: " + failures + ")",
                () -> ok.get() >= before + count);
    }

    public int ok() {
        return ok.get();
    }

    public List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    public Set<Integer> servedBy() {
        return Set.copyOf(servedBy);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join();
        }
    }
}
