package dev.endlessd.bench.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Offers a {@link LoadSpec} to one address: one platform thread per simulated client, each with its own
 * blocking connection.
 *
 * <p>Closed loop: a client sends its next request when the previous one is answered; latency runs from the
 * send to the last byte of the reply. Paced: client {@code i} of {@code n} means to send request {@code k} at
 * {@code origin + (k + i/n) * n/rate}; latency runs from that intended time, so a server that stalls is
 * charged for the requests that queued behind the stall (no coordinated omission), as in wrk2.
 *
 * <p>Thread-safe: each {@link #start} runs independently.
 */
public final class LoadGenerator {
    private static final Duration LEAD = Duration.ofMillis(50);

    private static final int MAX_FAILURES_DESCRIBED = 20;
    private final LoadSpec spec;
    private final java.util.concurrent.atomic.AtomicInteger failuresDescribed = new java.util.concurrent.atomic.AtomicInteger();

    public LoadGenerator(LoadSpec spec) {
        this.spec = spec;
    }

    /**
     * Starts the clients. Requests meant to be sent during {@code warm} are not recorded; the run stops
     * sending after {@code warm + measure} and lets requests in flight finish.
     */
    public Run start(InetSocketAddress address, Duration warm, Duration measure) {
        long origin = System.nanoTime() + LEAD.toNanos();
        Run run = new Run(origin + warm.toNanos(), origin + warm.toNanos() + measure.toNanos());
        for (int i = 0; i < spec.connections(); i++) {
            RequestLog log = new RequestLog();
            int client = i;
            Thread thread = new Thread(() -> runClient(client, address, origin, run, log), "client-" + i);
            thread.setDaemon(true);
            run.add(thread, log);
            thread.start();
        }
        return run;
    }

    private void runClient(int client, InetSocketAddress address, long origin, Run run, RequestLog log) {
        long timeout = spec.timeout().toNanos();
        long period = spec.paced() ? Math.round(1e9 * spec.connections() / spec.rate()) : 0;
        long next = origin + period * client / spec.connections();
        parkUntil(origin);
        try (ClientConnection connection = new ClientConnection(address, spec.mode(), spec.path())) {
            while (true) {
                long intended;
                if (spec.paced()) {
                    intended = next;
                    next += period;
                    parkUntil(intended);
                } else {
                    intended = System.nanoTime();
                }
                if (intended >= run.end) {
                    return;
                }
                Outcome outcome = connection.exchange(timeout);
                long done = System.nanoTime();
                if (intended >= run.measureStart) {
                    log.add(intended - run.measureStart, done - intended, outcome, connection.retried(),
                            connection.workerPid());
                    if (outcome.failed()) {
                        describeFailure(intended - run.measureStart, done - intended, outcome, connection);
                    }
                }
                if (outcome.failed() && !spec.paced()) {
                    LockSupport.parkNanos(spec.failPause().toNanos());
                }
            }
        }
    }

    /**
     * The first failures of a run, one line each on stderr: the counts say that requests failed, this
     * says how (the status a non-2xx reply had, which worker answered, after how long).
     */
    private void describeFailure(long atNanos, long tookNanos, Outcome outcome, ClientConnection connection) {
        if (failuresDescribed.getAndIncrement() < MAX_FAILURES_DESCRIBED) {
            System.err.printf(java.util.Locale.ROOT, "load: request at %.3f s failed: %s%s after %d ms, worker pid %d%s%n",
                    atNanos / 1e9, outcome, connection.status() > 0 ? " (HTTP " + connection.status() + ")" : "",
                    tookNanos / 1_000_000, connection.workerPid(), connection.retried() ? ", sent again on a new connection" : "");
            if (!connection.failedReplyStart().isEmpty()) {
                System.err.printf("load:   the reply began: %s%n",
                        connection.failedReplyStart().replace("\r\n", "\\r\\n ").replaceAll("\\s+", " "));
            }
        }
    }

    /** Sleeps until {@link System#nanoTime()} reaches {@code nanoTime}. */
    public static void parkUntil(long nanoTime) {
        for (long wait = nanoTime - System.nanoTime(); wait > 0; wait = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    /** A load run in progress; times are {@link System#nanoTime()} values. */
    public static final class Run {
        private final long measureStart;
        private final long end;
        private final List<Thread> threads = new ArrayList<>();
        private final List<RequestLog> logs = new ArrayList<>();

        private Run(long measureStart, long end) {
            this.measureStart = measureStart;
            this.end = end;
        }

        private void add(Thread thread, RequestLog log) {
            threads.add(thread);
            logs.add(log);
        }

        /** When measurement begins: time 0 of the recording. */
        public long measureStartNanos() {
            return measureStart;
        }

        /** When clients stop sending. */
        public long endNanos() {
            return end;
        }

        /** Waits for every client to finish and returns what they measured. */
        public Recording await() throws InterruptedException {
            for (Thread thread : threads) {
                thread.join();
            }
            return Recording.of(logs);
        }
    }
}
