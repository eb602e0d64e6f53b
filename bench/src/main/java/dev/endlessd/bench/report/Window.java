package dev.endlessd.bench.report;

/** A reload window, in nanoseconds since measurement began: from the request to the later of READY and the old worker's exit. */
public record Window(long startNanos, long endNanos) {
    public boolean overlaps(long fromNanos, long toNanos) {
        return fromNanos <= endNanos && toNanos >= startNanos;
    }
}
