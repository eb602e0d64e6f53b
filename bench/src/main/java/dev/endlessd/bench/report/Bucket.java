package dev.endlessd.bench.report;

/**
 * Requests whose intended send time fell in one time slice; latencies of the successful ones, in microseconds.
 *
 * @param startMillis the slice's start, in milliseconds since measurement began
 */
public record Bucket(long startMillis, int ok, int failed, LatencySummary latency) {
}
