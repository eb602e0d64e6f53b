package dev.endlessd.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * What one client recorded, in fixed-size chunks so that recording never copies a large array (a copy would
 * stall the client and show up as latency it did not see).
 *
 * <p>Not thread-safe: written by one client thread, read after it has finished.
 */
final class RequestLog {
    private static final int CHUNK = 1 << 14;

    private final List<long[]> starts = new ArrayList<>();
    private final List<int[]> latencies = new ArrayList<>();
    private final List<byte[]> outcomes = new ArrayList<>();
    private final List<int[]> pids = new ArrayList<>();
    private int size;

    void add(long startNanos, long latencyNanos, Outcome outcome, boolean retried, int workerPid) {
        int slot = size % CHUNK;
        if (slot == 0) {
            starts.add(new long[CHUNK]);
            latencies.add(new int[CHUNK]);
            outcomes.add(new byte[CHUNK]);
            pids.add(new int[CHUNK]);
        }
        int chunk = size / CHUNK;
        starts.get(chunk)[slot] = startNanos;
        latencies.get(chunk)[slot] = (int) Math.min(Integer.MAX_VALUE, latencyNanos / 1000);
        outcomes.get(chunk)[slot] = Recording.encode(outcome, retried);
        pids.get(chunk)[slot] = workerPid;
        size++;
    }

    int size() {
        return size;
    }

    /** Copies every request of this log into {@code into}. */
    void copyTo(Recording.Builder into) {
        for (int i = 0; i < size; i++) {
            int chunk = i / CHUNK;
            int slot = i % CHUNK;
            into.put(starts.get(chunk)[slot], latencies.get(chunk)[slot], outcomes.get(chunk)[slot],
                    pids.get(chunk)[slot]);
        }
    }
}
