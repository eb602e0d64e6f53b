package dev.endlessd.bench.load;

import java.util.List;

/**
 * Every measured request of one scenario: when it was meant to be sent, how long it took, how it ended, and
 * which worker answered. Times are nanoseconds since the start of measurement; latencies are microseconds.
 *
 * <p>Immutable once built.
 */
public final class Recording {
    private static final int RETRIED = 0x80;
    private static final Outcome[] OUTCOMES = Outcome.values();

    private final long[] starts;
    private final int[] latencies;
    private final byte[] outcomes;
    private final int[] pids;

    private Recording(long[] starts, int[] latencies, byte[] outcomes, int[] pids) {
        this.starts = starts;
        this.latencies = latencies;
        this.outcomes = outcomes;
        this.pids = pids;
    }

    static byte encode(Outcome outcome, boolean retried) {
        return (byte) (outcome.ordinal() | (retried ? RETRIED : 0));
    }

    public int size() {
        return starts.length;
    }

    /** Intended send time, in nanoseconds since measurement began. */
    public long startNanos(int i) {
        return starts[i];
    }

    /** From the intended send time to the last byte of the reply (or the failure), in microseconds. */
    public int latencyMicros(int i) {
        return latencies[i];
    }

    public long endNanos(int i) {
        return starts[i] + latencies[i] * 1000L;
    }

    public Outcome outcome(int i) {
        return OUTCOMES[outcomes[i] & (RETRIED - 1)];
    }

    /** Whether the request was sent a second time, on a new connection, after its reused connection closed. */
    public boolean retried(int i) {
        return (outcomes[i] & RETRIED) != 0;
    }

    /** The {@code X-Worker-Pid} of the reply, or 0 when there was none. */
    public int workerPid(int i) {
        return pids[i];
    }

    /** Joins recordings taken one after another, each shifted by its offset (nanoseconds). */
    public static Recording concat(List<Recording> parts, List<Long> offsets) {
        int total = parts.stream().mapToInt(Recording::size).sum();
        Builder builder = new Builder(total);
        for (int p = 0; p < parts.size(); p++) {
            Recording part = parts.get(p);
            long offset = offsets.get(p);
            for (int i = 0; i < part.size(); i++) {
                builder.put(part.starts[i] + offset, part.latencies[i], part.outcomes[i], part.pids[i]);
            }
        }
        return builder.build();
    }

    static Recording of(List<RequestLog> logs) {
        Builder builder = new Builder(logs.stream().mapToInt(RequestLog::size).sum());
        logs.forEach(log -> log.copyTo(builder));
        return builder.build();
    }

    /** Builds a recording of a known size; used by the generator and by tests. */
    public static final class Builder {
        private final long[] starts;
        private final int[] latencies;
        private final byte[] outcomes;
        private final int[] pids;
        private int next;

        public Builder(int size) {
            starts = new long[size];
            latencies = new int[size];
            outcomes = new byte[size];
            pids = new int[size];
        }

        public Builder add(long startNanos, int latencyMicros, Outcome outcome, boolean retried, int workerPid) {
            return put(startNanos, latencyMicros, encode(outcome, retried), workerPid);
        }

        Builder put(long startNanos, int latencyMicros, byte outcome, int workerPid) {
            starts[next] = startNanos;
            latencies[next] = latencyMicros;
            outcomes[next] = outcome;
            pids[next] = workerPid;
            next++;
            return this;
        }

        public Recording build() {
            if (next != starts.length) {
                throw new IllegalStateException("recording has " + next + " of " + starts.length + " requests");
            }
            return new Recording(starts, latencies, outcomes, pids);
        }
    }
}
