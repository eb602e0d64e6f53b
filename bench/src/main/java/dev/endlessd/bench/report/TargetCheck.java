package dev.endlessd.bench.report;

import dev.endlessd.bench.Scenario;
import dev.endlessd.bench.load.LoadSpec;
import dev.endlessd.bench.service.Reload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * One of endlessd's targets, checked against one pass.
 *
 * @param target   what is promised
 * @param measured the figures it was judged on
 */
public record TargetCheck(String target, String measured, Verdict verdict) {

    /** PASS, FAIL, or n/a when the pass cannot tell (a scenario is missing, or the pace fixes the figure). */
    public enum Verdict {
        PASS, FAIL, NA;

        static Verdict of(boolean pass) {
            return pass ? PASS : FAIL;
        }

        @Override
        public String toString() {
            return this == NA ? "n/a" : name();
        }
    }

    public static final long RSS_LIMIT_KIB = 48 * 1024;
    public static final double P99_FACTOR = 2.0;
    public static final double THROUGHPUT_SHARE = 0.95;
    public static final double CACHED_READY_SHARE = 0.6;

    /**
     * Checks the four targets against the results of one pass, then, when the pass has the cache-off reload
     * scenario, its failures and p99 and the time and CPU to READY from the cache against cold.
     */
    public static List<TargetCheck> evaluate(LoadSpec load, List<ScenarioResult> results) {
        Optional<ScenarioResult> reload = find(results, Scenario.ENDLESSD_RELOAD);
        Optional<ScenarioResult> steady = find(results, Scenario.ENDLESSD_STEADY);
        Optional<ScenarioResult> bare = find(results, Scenario.BARE_STEADY);
        Optional<ScenarioResult> cold = find(results, Scenario.ENDLESSD_RELOAD_NO_CACHE);
        List<TargetCheck> checks = new ArrayList<>();
        checks.add(failures(reload, steady));
        checks.add(p99(reload, steady));
        checks.add(throughput(load, steady, bare));
        checks.add(rss(reload, steady));
        if (cold.isPresent()) {
            checks.add(failures(cold, steady).named("0 failed requests under endlessd, java cache off"));
            checks.add(p99(cold, steady).named(String.format(Locale.ROOT,
                    "p99 in reload windows <= %.0fx steady p99, java cache off", P99_FACTOR)));
            checks.add(cachedReady("time to READY from the java cache <= 0.6x cold (wall)", reload, cold,
                    Reload::timeToReadyMillis, "ms"));
            checks.add(cachedReady("CPU to READY from the java cache <= 0.6x cold", reload, cold,
                    r -> r.start().cpuMillis(), "CPU ms"));
        }
        return checks;
    }

    private static TargetCheck failures(Optional<ScenarioResult> reload, Optional<ScenarioResult> steady) {
        String target = "0 failed requests under endlessd";
        if (reload.isEmpty() || steady.isEmpty()) {
            return new TargetCheck(target, "endlessd scenarios missing", Verdict.NA);
        }
        long failed = reload.get().failed() + steady.get().failed();
        return new TargetCheck(target, String.format(Locale.ROOT, "reload: %d failed%s of %d; steady: %d failed of %d",
                reload.get().failed(), Report.kinds(reload.get()), reload.get().requests(), steady.get().failed(),
                steady.get().requests()), Verdict.of(failed == 0));
    }

    private static TargetCheck p99(Optional<ScenarioResult> reload, Optional<ScenarioResult> steady) {
        String target = String.format(Locale.ROOT, "p99 in reload windows <= %.0fx steady p99", P99_FACTOR);
        if (reload.isEmpty() || steady.isEmpty() || reload.get().inReloads().isEmpty()) {
            return new TargetCheck(target, "no reload window measured", Verdict.NA);
        }
        int windowP99 = reload.get().inReloads().p99();
        int steadyP99 = steady.get().overall().p99();
        return new TargetCheck(target, String.format(Locale.ROOT, "%s ms in windows vs %s ms steady (%.1fx)",
                Report.ms(windowP99), Report.ms(steadyP99), windowP99 / (double) Math.max(1, steadyP99)),
                Verdict.of(windowP99 <= P99_FACTOR * steadyP99));
    }

    private TargetCheck named(String name) {
        return new TargetCheck(name, measured, verdict);
    }

    /**
     * The median over the reloads whose new worker started from the cache against the median over those of the
     * cache-off scenario (all cold), same pass, same load.
     */
    private static TargetCheck cachedReady(String target, Optional<ScenarioResult> cached,
                                           Optional<ScenarioResult> cold, ToLongFunction<Reload> figure, String unit) {
        long[] used = cached.stream().flatMap(r -> r.reloads().stream())
                .filter(r -> r.succeeded() && r.start().javaCache().equals("used")).mapToLong(figure)
                .filter(v -> v >= 0).sorted().toArray();
        long[] none = cold.stream().flatMap(r -> r.reloads().stream()).filter(Reload::succeeded).mapToLong(figure)
                .filter(v -> v >= 0).sorted().toArray();
        if (used.length == 0 || none.length == 0) {
            return new TargetCheck(target, used.length == 0 ? "no measured reload started from the java cache"
                    : "no cold reload measured", Verdict.NA);
        }
        long fromCache = median(used);
        long coldMedian = median(none);
        double share = fromCache / (double) Math.max(1, coldMedian);
        return new TargetCheck(target, String.format(Locale.ROOT, "median %d %s from the cache (%d reloads) vs %d %s"
                + " cold (%d reloads): %.2fx", fromCache, unit, used.length, coldMedian, unit, none.length, share),
                Verdict.of(share <= CACHED_READY_SHARE));
    }

    static long median(long[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static TargetCheck throughput(LoadSpec load, Optional<ScenarioResult> steady,
                                          Optional<ScenarioResult> bare) {
        String target = String.format(Locale.ROOT, "throughput >= %.0f%% of the app binding the port itself",
                100 * THROUGHPUT_SHARE);
        if (steady.isEmpty() || bare.isEmpty()) {
            return new TargetCheck(target, "steady scenarios missing", Verdict.NA);
        }
        double share = steady.get().throughput() / bare.get().throughput();
        String measured = String.format(Locale.ROOT, "endlessd %.0f req/s vs bare %.0f req/s (%.1f%%)",
                steady.get().throughput(), bare.get().throughput(), 100 * share);
        if (load.paced()) {
            return new TargetCheck(target, measured + "; paced load fixes the rate", Verdict.NA);
        }
        return new TargetCheck(target, measured, Verdict.of(share >= THROUGHPUT_SHARE));
    }

    private static TargetCheck rss(Optional<ScenarioResult> reload, Optional<ScenarioResult> steady) {
        String target = "supervisor RSS <= " + RSS_LIMIT_KIB / 1024 + " MiB";
        long peak = 0;
        long sampled = 0;
        for (Optional<ScenarioResult> result : List.of(reload, steady)) {
            if (result.isPresent() && result.get().supervisor() != null) {
                SupervisorFigures figures = result.get().supervisor();
                peak = Math.max(peak, figures.after().peakRssKiB());
                sampled = Math.max(sampled, figures.maxRssKiB());
            }
        }
        if (peak == 0) {
            return new TargetCheck(target, "endlessd not sampled", Verdict.NA);
        }
        return new TargetCheck(target, String.format(Locale.ROOT,
                "peak (VmHWM) %.1f MiB; highest VmRSS sampled under load %.1f MiB", peak / 1024.0, sampled / 1024.0),
                Verdict.of(peak <= RSS_LIMIT_KIB));
    }

    private static Optional<ScenarioResult> find(List<ScenarioResult> results, Scenario scenario) {
        return results.stream().filter(r -> r.scenario() == scenario && r.error() == null).findFirst();
    }
}
