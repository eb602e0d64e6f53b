package dev.endlessd.bench.service;

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
 */
public record Reload(long triggerNanos, long readyNanos, long oldGoneNanos, boolean succeeded, String detail,
                     long timeToReadyMillis, long oldGoneMillis) {

    /** The reload window on the generator's clock ends when both the new worker is ready and the old one gone. */
    public long windowEndNanos() {
        return Math.max(Math.max(readyNanos, oldGoneNanos), triggerNanos);
    }
}
