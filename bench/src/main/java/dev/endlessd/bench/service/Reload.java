package dev.endlessd.bench.service;

import java.util.Map;

/**
 * One reload (or restart) as the benchmark saw it. Times ending in {@code Nanos} are on the load generator's
 * clock ({@link System#nanoTime()}), taken when the signal was sent and when the service's log line arrived;
 * durations ending in {@code Millis} come from the timestamps in the service's own log.
 *
 * @param triggerNanos       when the reload was asked for
 * @param readyNanos         when the new worker's READY arrived; 0 if it never did
 * @param oldGoneNanos       when the old worker's exit was reported; 0 if it was not seen
 * @param succeeded          whether a new worker serves afterwards
 * @param detail             the new generation and pid, or why the reload failed
 * @param timeToReadyMillis  log: from "reload requested" to the new worker's READY; -1 if none
 * @param oldGoneMillis      log: from "reload requested" to the old worker's exit; -1 if not seen
 * @param start              how the new worker started; {@link Start#UNKNOWN} where the service does not say
 */
public record Reload(long triggerNanos, long readyNanos, long oldGoneNanos, boolean succeeded, String detail,
                     long timeToReadyMillis, long oldGoneMillis, Start start) {

    /**
     * How a new worker got to READY.
     *
     * @param javaCache      endlessd's word for the worker's Java cache: "used", "cold" (none yet: it or an older
     *                       generation writes one), "none" (the cache does not serve this command), "off"
     *                       (--java-cache=off), or "-" when the log did not say
     * @param cpuMillis      the worker's CPU time (utime + stime) when its READY arrived; -1 if unread
     * @param phaseMillis    moments of the start in the worker's output (see {@link App}), in ms after the
     *                       spawn as the lines arrived, in the order found; a phase not seen is absent
     */
    public record Start(String javaCache, long cpuMillis, Map<String, Long> phaseMillis) {
        public static final Start UNKNOWN = new Start("-", -1, Map.of());
    }

    public Reload(long triggerNanos, long readyNanos, long oldGoneNanos, boolean succeeded, String detail,
                  long timeToReadyMillis, long oldGoneMillis) {
        this(triggerNanos, readyNanos, oldGoneNanos, succeeded, detail, timeToReadyMillis, oldGoneMillis, Start.UNKNOWN);
    }

    /** The reload window on the generator's clock ends when both the new worker is ready and the old one gone. */
    public long windowEndNanos() {
        return Math.max(Math.max(readyNanos, oldGoneNanos), triggerNanos);
    }
}
