package dev.endlessd.bench.report;

import dev.endlessd.bench.Scenario;
import dev.endlessd.bench.load.Outcome;
import dev.endlessd.bench.load.Recording;
import dev.endlessd.bench.service.Reload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a recording and the reloads that happened during it into a {@link ScenarioResult}. */
public final class Analysis {
    private static final long FIRST_SECOND_NANOS = 1_000_000_000L;

    private final Duration bucket;

    /** @param bucket the time slice of the per-window series */
    public Analysis(Duration bucket) {
        this.bucket = bucket;
    }

    /**
     * @param measureStartNanos the generator's time 0, to place reloads on the recording's time axis
     */
    public ScenarioResult analyze(String pass, Scenario scenario, Duration measured, Recording recording,
                                  long measureStartNanos, List<Reload> reloads, SupervisorFigures supervisor,
                                  MachineLoad machine) {
        List<Window> windows = new ArrayList<>();
        List<Window> firstSeconds = new ArrayList<>();
        for (Reload reload : reloads) {
            windows.add(new Window(reload.triggerNanos() - measureStartNanos,
                    reload.windowEndNanos() - measureStartNanos));
            if (reload.succeeded()) {
                long ready = reload.readyNanos() - measureStartNanos;
                firstSeconds.add(new Window(ready, ready + FIRST_SECOND_NANOS));
            }
        }
        Map<Outcome, Long> failures = new EnumMap<>(Outcome.class);
        Set<Integer> workers = new HashSet<>();
        int[] okLatencies = new int[recording.size()];
        int[] windowLatencies = new int[recording.size()];
        int[] afterReadyLatencies = new int[recording.size()];
        int ok = 0;
        int inWindows = 0;
        int afterReady = 0;
        long retried = 0;
        for (int i = 0; i < recording.size(); i++) {
            Outcome outcome = recording.outcome(i);
            if (recording.retried(i)) {
                retried++;
            }
            if (recording.workerPid(i) != 0) {
                workers.add(recording.workerPid(i));
            }
            if (outcome.failed()) {
                failures.merge(outcome, 1L, Long::sum);
                continue;
            }
            okLatencies[ok++] = recording.latencyMicros(i);
            if (inAnyWindow(windows, recording.startNanos(i), recording.endNanos(i))) {
                windowLatencies[inWindows++] = recording.latencyMicros(i);
            }
            if (inAnyWindow(firstSeconds, recording.startNanos(i), recording.endNanos(i))) {
                afterReadyLatencies[afterReady++] = recording.latencyMicros(i);
            }
        }
        double seconds = measured.toNanos() / 1e9;
        return new ScenarioResult(pass, scenario, seconds, recording.size(), ok, failures, retried,
                LatencySummary.of(okLatencies, ok), LatencySummary.of(windowLatencies, inWindows),
                LatencySummary.of(afterReadyLatencies, afterReady), ok / seconds,
                List.copyOf(reloads), windows, workers.size(), supervisor, series(recording, measured), machine,
                null);
    }

    private static boolean inAnyWindow(List<Window> windows, long start, long end) {
        for (Window window : windows) {
            if (window.overlaps(start, end)) {
                return true;
            }
        }
        return false;
    }

    /** Buckets by intended send time; requests meant for after the end (none) would land in the last one. */
    List<Bucket> series(Recording recording, Duration measured) {
        long width = bucket.toNanos();
        int buckets = (int) Math.max(1, (measured.toNanos() + width - 1) / width);
        int[] okCount = new int[buckets];
        int[] failedCount = new int[buckets];
        for (int i = 0; i < recording.size(); i++) {
            int b = index(recording.startNanos(i), width, buckets);
            if (recording.outcome(i).failed()) {
                failedCount[b]++;
            } else {
                okCount[b]++;
            }
        }
        int[] offsets = new int[buckets + 1];
        for (int b = 0; b < buckets; b++) {
            offsets[b + 1] = offsets[b] + okCount[b];
        }
        int[] latencies = new int[offsets[buckets]];
        int[] fill = offsets.clone();
        for (int i = 0; i < recording.size(); i++) {
            if (!recording.outcome(i).failed()) {
                latencies[fill[index(recording.startNanos(i), width, buckets)]++] = recording.latencyMicros(i);
            }
        }
        List<Bucket> series = new ArrayList<>(buckets);
        int[] scratch = new int[latencies.length];
        for (int b = 0; b < buckets; b++) {
            int count = okCount[b];
            System.arraycopy(latencies, offsets[b], scratch, 0, count);
            series.add(new Bucket(b * width / 1_000_000, count, failedCount[b], LatencySummary.of(scratch, count)));
        }
        return series;
    }

    private static int index(long startNanos, long width, int buckets) {
        return (int) Math.min(buckets - 1, Math.max(0, startNanos / width));
    }
}
