package dev.endlessd.bench.report;

import dev.endlessd.bench.load.LoadSpec;
import dev.endlessd.bench.load.Outcome;
import dev.endlessd.bench.service.ProcSample;
import dev.endlessd.bench.service.Reload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes results.csv (one row per pass and scenario) and results.json (everything, with the series). */
public final class ResultFiles {
    private ResultFiles() {
    }

    public static void write(Path dir, Map<String, Object> run, List<PassResult> passes) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.csv"), csv(passes), StandardCharsets.UTF_8);
        Map<String, Object> json = new LinkedHashMap<>(run);
        json.put("passes", passes.stream().map(ResultFiles::pass).collect(Collectors.toList()));
        Files.writeString(dir.resolve("results.json"), Json.write(json), StandardCharsets.UTF_8);
    }

    static String csv(List<PassResult> passes) {
        List<String> header = new ArrayList<>(List.of("pass", "load", "scenario", "seconds", "requests", "ok",
                "failed"));
        for (Outcome kind : Outcome.values()) {
            if (kind.failed()) {
                header.add("failed_" + kind.label().replace('-', '_'));
            }
        }
        header.addAll(List.of("retried", "req_per_s", "p50_ms", "p99_ms", "max_ms", "window_requests",
                "window_p50_ms", "window_p99_ms", "window_max_ms", "reloads", "reloads_ok", "ready_ms_median",
                "ready_ms_max", "old_gone_ms_median", "old_gone_ms_max", "workers_seen", "supervisor",
                "sup_rss_before_mib", "sup_rss_after_mib", "sup_rss_max_sampled_mib", "sup_peak_rss_mib",
                "sup_cpu_ms_before", "sup_cpu_ms_after", "sup_fds_before", "sup_fds_after", "machine_busy_pct",
                "generator_pct", "service_pct", "others_pct", "loadavg_before", "loadavg_after",
                "first_second_requests", "first_second_p99_ms", "first_second_max_ms", "reloads_from_cache",
                "ready_cpu_ms_median", "error"));
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (PassResult pass : passes) {
            for (ScenarioResult r : pass.results()) {
                List<Object> row = new ArrayList<>(List.of(pass.name(), quote(pass.load().describe()),
                        r.scenario().id(), fmt(r.seconds()), r.requests(), r.ok(), r.failed()));
                for (Outcome kind : Outcome.values()) {
                    if (kind.failed()) {
                        row.add(r.failed(kind));
                    }
                }
                long[] ready = r.timesToReady().sorted().toArray();
                long[] gone = r.timesToOldGone().sorted().toArray();
                SupervisorFigures s = r.supervisor();
                MachineLoad m = r.machine();
                row.addAll(List.of(r.retried(), fmt(r.throughput()), msNumber(r.overall().p50()),
                        msNumber(r.overall().p99()), msNumber(r.overall().max()), r.inReloads().count(),
                        msNumber(r.inReloads().p50()), msNumber(r.inReloads().p99()), msNumber(r.inReloads().max()),
                        r.reloads().size(), r.reloadsSucceeded(), median(ready), max(ready),
                        median(gone), max(gone), r.workersSeen(), s == null ? "" : s.process(),
                        s == null ? "" : fmt(s.before().rssMiB()), s == null ? "" : fmt(s.after().rssMiB()),
                        s == null ? "" : fmt(s.maxRssKiB() / 1024.0), s == null ? "" : fmt(s.after().peakRssMiB()),
                        s == null ? "" : s.before().cpuMillis(), s == null ? "" : s.after().cpuMillis(),
                        s == null ? "" : s.before().fds(), s == null ? "" : s.after().fds(),
                        m == null ? "" : fmt(m.busyPercent()), m == null ? "" : fmt(m.generatorPercent()),
                        m == null ? "" : fmt(m.servicePercent()), m == null ? "" : fmt(m.othersPercent()),
                        m == null ? "" : fmt(m.loadAverageBefore()), m == null ? "" : fmt(m.loadAverageAfter()),
                        r.afterReady().count(), msNumber(r.afterReady().p99()), msNumber(r.afterReady().max()),
                        r.reloads().stream().filter(x -> x.start().javaCache().equals("used")).count(),
                        median(r.reloads().stream().mapToLong(x -> x.start().cpuMillis()).filter(c -> c >= 0).sorted()
                                .toArray()),
                        r.error() == null ? "" : quote(r.error().lines().findFirst().orElse(""))));
                out.append(row.stream().map(String::valueOf).collect(Collectors.joining(","))).append('\n');
            }
        }
        return out.toString();
    }

    private static Map<String, Object> pass(PassResult pass) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", pass.name());
        json.put("load", load(pass.load()));
        json.put("scenarios", pass.results().stream().map(ResultFiles::scenario).collect(Collectors.toList()));
        List<Object> checks = new ArrayList<>();
        for (TargetCheck check : pass.checks()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("target", check.target());
            c.put("measured", check.measured());
            c.put("verdict", check.verdict().toString());
            checks.add(c);
        }
        json.put("targets", checks);
        return json;
    }

    private static Map<String, Object> load(LoadSpec load) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("description", load.describe());
        json.put("connections", load.connections());
        json.put("mode", load.mode().name().toLowerCase(Locale.ROOT));
        json.put("rate_per_s", load.rate());
        json.put("timeout_ms", load.timeout().toMillis());
        json.put("fail_pause_ms", load.failPause().toMillis());
        json.put("path", load.path());
        return json;
    }

    private static Map<String, Object> scenario(ScenarioResult r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", r.scenario().id());
        json.put("title", r.scenario().title());
        json.put("description", r.scenario().description());
        if (r.error() != null) {
            json.put("error", r.error());
            return json;
        }
        json.put("seconds", r.seconds());
        json.put("requests", r.requests());
        json.put("ok", r.ok());
        json.put("failed", r.failed());
        Map<String, Object> kinds = new LinkedHashMap<>();
        r.failures().forEach((kind, count) -> kinds.put(kind.label(), count));
        json.put("failures", kinds);
        json.put("retried", r.retried());
        json.put("req_per_s", r.throughput());
        json.put("latency_ms", latency(r.overall()));
        json.put("latency_in_reload_windows_ms", latency(r.inReloads()));
        json.put("latency_first_second_after_ready_ms", latency(r.afterReady()));
        json.put("workers_seen", r.workersSeen());
        json.put("reloads", r.reloads().stream().map(ResultFiles::reload).collect(Collectors.toList()));
        json.put("windows_ms", r.windows().stream()
                .map(w -> List.of(w.startNanos() / 1_000_000, w.endNanos() / 1_000_000)).collect(Collectors.toList()));
        if (r.supervisor() != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("process", r.supervisor().process());
            s.put("before", sample(r.supervisor().before()));
            s.put("after", sample(r.supervisor().after()));
            s.put("max_rss_sampled_kib", r.supervisor().maxRssKiB());
            s.put("cpu_ms_during_load", r.supervisor().cpuMillisDuringLoad());
            json.put("supervisor", s);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loadavg_before", r.machine().loadAverageBefore());
        m.put("loadavg_after", r.machine().loadAverageAfter());
        m.put("busy_pct", r.machine().busyPercent());
        m.put("generator_pct", r.machine().generatorPercent());
        m.put("service_pct", r.machine().servicePercent());
        m.put("others_pct", r.machine().othersPercent());
        json.put("machine", m);
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("bucket_start_ms", r.series().stream().map(Bucket::startMillis).collect(Collectors.toList()));
        series.put("ok", r.series().stream().map(Bucket::ok).collect(Collectors.toList()));
        series.put("failed", r.series().stream().map(Bucket::failed).collect(Collectors.toList()));
        series.put("p50_ms", r.series().stream().map(b -> msNumber(b.latency().p50())).collect(Collectors.toList()));
        series.put("p99_ms", r.series().stream().map(b -> msNumber(b.latency().p99())).collect(Collectors.toList()));
        series.put("max_ms", r.series().stream().map(b -> msNumber(b.latency().max())).collect(Collectors.toList()));
        json.put("series", series);
        return json;
    }

    private static Map<String, Object> latency(LatencySummary l) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", l.count());
        json.put("p50", msNumber(l.p50()));
        json.put("p99", msNumber(l.p99()));
        json.put("max", msNumber(l.max()));
        return json;
    }

    private static Map<String, Object> reload(Reload reload) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("succeeded", reload.succeeded());
        json.put("detail", reload.detail());
        json.put("time_to_ready_ms", reload.timeToReadyMillis());
        json.put("old_gone_ms", reload.oldGoneMillis());
        json.put("window_ms", (reload.windowEndNanos() - reload.triggerNanos()) / 1_000_000);
        json.put("java_cache", reload.start().javaCache());
        json.put("cpu_ms_at_ready", reload.start().cpuMillis());
        json.put("phases_ms_after_spawn", reload.start().phaseMillis());
        return json;
    }

    private static Map<String, Object> sample(ProcSample sample) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rss_kib", sample.rssKiB());
        json.put("rss_anon_kib", sample.anonKiB());
        json.put("peak_rss_kib", sample.peakRssKiB());
        json.put("cpu_ms", sample.cpuMillis());
        json.put("fds", sample.fds());
        json.put("threads", sample.threads());
        return json;
    }

    private static Double msNumber(int micros) {
        return micros / 1000.0;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String median(long[] sorted) {
        return sorted.length == 0 ? "" : Long.toString(sorted[(sorted.length - 1) / 2]);
    }

    private static String max(long[] sorted) {
        return sorted.length == 0 ? "" : Long.toString(sorted[sorted.length - 1]);
    }

    private static String quote(String text) {
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
