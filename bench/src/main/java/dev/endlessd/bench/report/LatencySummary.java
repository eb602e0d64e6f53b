package dev.endlessd.bench.report;

import java.util.Arrays;

/**
 * Percentiles of a set of latencies, in microseconds. Percentiles are nearest-rank: p99 is the smallest
 * latency that at least 99% of the requests did not exceed.
 *
 * @param count how many latencies
 */
public record LatencySummary(int count, int p50, int p99, int max) {
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0);

    /** Summarizes {@code micros[0, count)}; sorts that range in place. */
    public static LatencySummary of(int[] micros, int count) {
        if (count == 0) {
            return EMPTY;
        }
        Arrays.sort(micros, 0, count);
        return new LatencySummary(count, rank(micros, count, 0.50), rank(micros, count, 0.99), micros[count - 1]);
    }

    static int rank(int[] sorted, int count, double quantile) {
        int rank = (int) Math.ceil(quantile * count);
        return sorted[Math.max(0, Math.min(count, rank) - 1)];
    }

    public boolean isEmpty() {
        return count == 0;
    }
}
