package dev.endlessd.bench.report;

import dev.endlessd.bench.load.Outcome;
import dev.endlessd.bench.service.Reload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** The human-readable tables: Markdown, so the same text reads in a terminal and in RESULTS.md. */
public final class Report {
    private Report() {
    }

    public static String pass(PassResult pass) {
        StringBuilder out = new StringBuilder();
        out.append("### Pass `").append(pass.name()).append("`: ").append(pass.load().describe()).append("\n\n");
        out.append("| scenario | requests ok | failed | failures by kind | retried | req/s | p50 ms | p99 ms | max ms |"
                + " requests in reload windows | p50 ms | p99 ms | max ms |\n");
        out.append("|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (ScenarioResult r : pass.results()) {
            if (r.error() != null) {
                out.append("| ").append(r.scenario().title()).append(" | could not run: ")
                        .append(r.error().lines().findFirst().orElse("")).append(" |||||||||||\n");
                continue;
            }
            LatencySummary w = r.inReloads();
            boolean windows = !r.windows().isEmpty();
            out.append(row(r.scenario().title(), r.ok(), r.failed(), kindsOrDash(r), r.retried(),
                    String.format(Locale.ROOT, "%.0f", r.throughput()), ms(r.overall().p50()), ms(r.overall().p99()),
                    ms(r.overall().max()), windows ? w.count() : "-", windows ? ms(w.p50()) : "-",
                    windows ? ms(w.p99()) : "-", windows ? ms(w.max()) : "-"));
        }
        out.append('\n');
        out.append("| scenario | reloads ok | time to ready ms (median / max) | old worker gone ms (median / max) |"
                + " workers seen | supervisor RSS MiB before → after (peak; anonymous part after) | supervisor CPU ms under load |"
                + " supervisor fds before → after | CPU % of machine: busy | generator | service | others |"
                + " load avg |\n");
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (ScenarioResult r : pass.results()) {
            if (r.error() != null) {
                continue;
            }
            SupervisorFigures s = r.supervisor();
            MachineLoad m = r.machine();
            out.append(row(r.scenario().title(),
                    r.scenario().reloads() ? r.reloadsSucceeded() + "/" + r.reloads().size() : "-",
                    medianMax(r.timesToReady()), medianMax(r.timesToOldGone()), r.workersSeen(),
                    s == null ? "-" : String.format(Locale.ROOT, "%.1f → %.1f (%.1f; anon %.1f) %s",
                            s.before().rssMiB(), s.after().rssMiB(), s.after().peakRssMiB(),
                            s.after().anonKiB() / 1024.0, s.process()),
                    s == null ? "-" : s.cpuMillisDuringLoad(),
                    s == null ? "-" : s.before().fds() + " → " + s.after().fds(),
                    String.format(Locale.ROOT, "%.0f", m.busyPercent()),
                    String.format(Locale.ROOT, "%.0f", m.generatorPercent()),
                    String.format(Locale.ROOT, "%.0f", m.servicePercent()),
                    String.format(Locale.ROOT, "%.0f", m.othersPercent()),
                    String.format(Locale.ROOT, "%.2f → %.2f", m.loadAverageBefore(), m.loadAverageAfter())));
        }
        out.append('\n');
        starts(pass, out);
        out.append("| target (endlessd) | measured | verdict |\n|---|---|---|\n");
        for (TargetCheck check : pass.checks()) {
            out.append(row(check.target(), check.measured(), "**" + check.verdict() + "**"));
        }
        return out.toString();
    }

    /**
     * The new workers of the endlessd reloads: how they started (java cache), what READY cost them, what their
     * first clients saw, and where the time to READY went.
     */
    private static void starts(PassResult pass, StringBuilder out) {
        List<ScenarioResult> reloading = pass.results().stream()
                .filter(r -> r.error() == null && r.scenario().underEndlessd() && r.scenario().reloads()).toList();
        if (reloading.isEmpty()) {
            return;
        }
        out.append("| new workers of | java cache (measured reloads) | exec to READY ms, median (each) |"
                + " CPU s at READY, median (each) | first second after READY: requests / p99 ms / max ms |"
                + " phases, median ms after the spawn | drain: READY to the old worker's exit, ms, median |\n");
        out.append("|---|---|--:|--:|--:|---|--:|\n");
        for (ScenarioResult r : reloading) {
            List<Reload> ok = r.reloads().stream().filter(Reload::succeeded).toList();
            Map<String, Long> used = ok.stream().collect(Collectors.groupingBy(x -> x.start().javaCache(),
                    java.util.TreeMap::new, Collectors.counting()));
            long[] ready = ok.stream().mapToLong(Reload::timeToReadyMillis).toArray();
            long[] cpu = ok.stream().mapToLong(x -> x.start().cpuMillis()).toArray();
            long[] drain = ok.stream().filter(x -> x.oldGoneMillis() >= 0 && x.timeToReadyMillis() >= 0)
                    .mapToLong(x -> x.oldGoneMillis() - x.timeToReadyMillis()).sorted().toArray();
            LatencySummary first = r.afterReady();
            out.append(row(r.scenario().title(),
                    used.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")),
                    medianEach(ready, 1), medianEach(cpu, 1000),
                    first.isEmpty() ? "-" : first.count() + " / " + ms(first.p99()) + " / " + ms(first.max()),
                    phases(ok), drain.length == 0 ? "-" : TargetCheck.median(drain)));
        }
        out.append('\n');
    }

    private static String medianEach(long[] values, int per) {
        long[] known = Arrays.stream(values).filter(v -> v >= 0).toArray();
        if (known.length == 0) {
            return "-";
        }
        String format = per == 1 ? "%.0f" : "%.2f";
        return String.format(Locale.ROOT, format, TargetCheck.median(Arrays.stream(known).sorted().toArray())
                / (double) per) + " ("
                + Arrays.stream(known).mapToObj(v -> String.format(Locale.ROOT, format, v / (double) per))
                .collect(Collectors.joining(" ")) + ")";
    }

    /** "JVM up 310, main 520, warm-up done 2410, READY 2440": each phase's median over the reloads that show it. */
    private static String phases(List<Reload> reloads) {
        Map<String, List<Long>> byPhase = new LinkedHashMap<>();
        for (Reload reload : reloads) {
            reload.start().phaseMillis().forEach((name, ms) -> byPhase.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(ms));
        }
        if (byPhase.isEmpty()) {
            return "-";
        }
        return byPhase.entrySet().stream().map(e -> e.getKey() + " " + TargetCheck.median(
                e.getValue().stream().mapToLong(Long::longValue).sorted().toArray())).collect(Collectors.joining(", "));
    }

    private static String row(Object... cells) {
        return "| " + Arrays.stream(cells).map(String::valueOf).collect(Collectors.joining(" | ")) + " |\n";
    }

    /** Microseconds as milliseconds with three significant digits (at least two decimals below 1 ms). */
    public static String ms(int micros) {
        double millis = micros / 1000.0;
        if (millis < 1) {
            return String.format(Locale.ROOT, "%.3f", millis);
        }
        if (millis < 10) {
            return String.format(Locale.ROOT, "%.2f", millis);
        }
        if (millis < 100) {
            return String.format(Locale.ROOT, "%.1f", millis);
        }
        return String.format(Locale.ROOT, "%.0f", millis);
    }

    /** " (refused 12, reset 3)", or "" without failures. */
    static String kinds(ScenarioResult r) {
        return r.failures().isEmpty() ? "" : " (" + kindList(r.failures()) + ")";
    }

    private static String kindsOrDash(ScenarioResult r) {
        return r.failures().isEmpty() ? "-" : kindList(r.failures());
    }

    private static String kindList(Map<Outcome, Long> failures) {
        return failures.entrySet().stream().map(e -> e.getKey().label() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String medianMax(LongStream values) {
        long[] sorted = values.sorted().toArray();
        if (sorted.length == 0) {
            return "-";
        }
        return sorted[(sorted.length - 1) / 2] + " / " + sorted[sorted.length - 1];
    }
}
