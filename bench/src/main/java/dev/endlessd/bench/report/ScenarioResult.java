package dev.endlessd.bench.report;

import dev.endlessd.bench.Scenario;
import dev.endlessd.bench.load.Outcome;
import dev.endlessd.bench.service.Reload;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * The figures of one scenario in one pass.
 *
 * @param seconds     measured time (without warm-up)
 * @param failures    failed requests by kind; kinds that did not occur are absent
 * @param retried     requests sent a second time after their reused keep-alive connection closed (each
 *                    ended as its retry did, which is what {@code ok} and {@code failures} count)
 * @param overall     latency of the successful requests
 * @param inReloads   latency of the successful requests that overlapped a reload window
 * @param afterReady  latency of the successful requests that overlapped the first second after a new worker's
 *                    READY (all reloads pooled): what the clients it first serves see of its warmth
 * @param throughput  successful requests per second
 * @param workersSeen distinct worker pids that answered
 * @param supervisor  the long-lived process's figures, null when there is none
 * @param error       why the scenario could not complete, or null
 */
public record ScenarioResult(String pass, Scenario scenario, double seconds, long requests, long ok,
                             Map<Outcome, Long> failures, long retried, LatencySummary overall,
                             LatencySummary inReloads, LatencySummary afterReady, double throughput, List<Reload> reloads,
                             List<Window> windows, int workersSeen, SupervisorFigures supervisor,
                             List<Bucket> series, MachineLoad machine, String error) {

    public long failed() {
        return failures.values().stream().mapToLong(Long::longValue).sum();
    }

    public long failed(Outcome kind) {
        return failures.getOrDefault(kind, 0L);
    }

    public long reloadsSucceeded() {
        return reloads.stream().filter(Reload::succeeded).count();
    }

    /** Log: reload requested to the new worker's READY, in ms. */
    public LongStream timesToReady() {
        return reloads.stream().mapToLong(Reload::timeToReadyMillis).filter(ms -> ms >= 0);
    }

    /** Log: reload requested to the old worker's exit, in ms. */
    public LongStream timesToOldGone() {
        return reloads.stream().mapToLong(Reload::oldGoneMillis).filter(ms -> ms >= 0);
    }

    /** A scenario that could not run, with the reason. */
    public static ScenarioResult failed(String pass, Scenario scenario, String error) {
        return new ScenarioResult(pass, scenario, 0, 0, 0, Collections.emptyMap(), 0, LatencySummary.EMPTY,
                LatencySummary.EMPTY, LatencySummary.EMPTY, 0, List.of(), List.of(), 0, null, List.of(), null, error);
    }
}
