package dev.endlessd.bench;

import dev.endlessd.bench.load.LoadGenerator;
import dev.endlessd.bench.load.LoadSpec;
import dev.endlessd.bench.load.Recording;
import dev.endlessd.bench.report.Analysis;
import dev.endlessd.bench.report.MachineLoad;
import dev.endlessd.bench.report.PassResult;
import dev.endlessd.bench.report.Report;
import dev.endlessd.bench.report.ResultFiles;
import dev.endlessd.bench.report.ScenarioResult;
import dev.endlessd.bench.report.SupervisorFigures;
import dev.endlessd.bench.report.SvgChart;
import dev.endlessd.bench.report.TargetCheck;
import dev.endlessd.bench.service.BareService;
import dev.endlessd.bench.service.EndlessdService;
import dev.endlessd.bench.service.MachineSampler;
import dev.endlessd.bench.service.Ports;
import dev.endlessd.bench.service.ProcSample;
import dev.endlessd.bench.service.Reload;
import dev.endlessd.bench.service.RestarterService;
import dev.endlessd.bench.service.RssSampler;
import dev.endlessd.bench.service.Service;
import dev.endlessd.bench.service.Stage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs every pass: per pass the two steady scenarios (interleaved, see {@link #runSteadyPair}), then the
 * three reload scenarios, each with a fresh service on a fresh port; prints the tables and writes the files.
 *
 * <p>Not thread-safe: runs on the caller's thread.
 */
final class BenchRun {
    private static final Duration RELOAD_RESERVE = Duration.ofSeconds(3);

    private final BenchSettings settings;
    private final Stage stage;
    private final Analysis analysis;

    BenchRun(BenchSettings settings, Stage stage) {
        this.settings = settings;
        this.stage = stage;
        this.analysis = new Analysis(settings.bucket());
    }

    /** Runs everything; returns the passes in order. */
    List<PassResult> run(Map<String, Object> runInfo) throws IOException, InterruptedException {
        List<PassResult> passes = new ArrayList<>();
        for (Pass pass : settings.passes()) {
            Optional<LoadSpec> paced = load(pass, passes);
            if (paced.isEmpty()) {
                // The settings were checked up front, so the keepalive pass ran: its bare app failed, and the
                // run already reports that.
                System.err.printf("%nbench: pass %s skipped: the bare app failed in the keepalive pass, so there is"
                        + " no throughput to derive the paced rate from (give --paced-rate N)%n", pass.id());
                continue;
            }
            LoadSpec load = paced.get();
            System.out.printf("%n== pass %s: %s, %s per scenario after %s warm-up ==%n", pass.id(), load.describe(),
                    DurationText.format(settings.duration()), DurationText.format(settings.warm()));
            List<ScenarioResult> results = new ArrayList<>();
            LoadGenerator generator = new LoadGenerator(load);
            if (settings.scenarios().contains(Scenario.BARE_STEADY)
                    || settings.scenarios().contains(Scenario.ENDLESSD_STEADY)) {
                results.addAll(runSteadyPair(pass, generator));
            }
            for (Scenario scenario : List.of(Scenario.ENDLESSD_RELOAD, Scenario.ENDLESSD_RELOAD_NO_CACHE,
                    Scenario.HELD_RESTART, Scenario.NAIVE_RESTART)) {
                if (settings.scenarios().contains(scenario)) {
                    results.add(runReloads(pass, scenario, generator));
                }
            }
            PassResult result = new PassResult(pass.id(), load, results, TargetCheck.evaluate(load, results));
            passes.add(result);
            System.out.println();
            System.out.println(Report.pass(result));
            Files.writeString(settings.out().resolve("latency-" + pass.id() + ".svg"),
                    SvgChart.render(result, settings.subtitle()), StandardCharsets.UTF_8);
            ResultFiles.write(settings.out(), runInfo, passes);
            Files.writeString(settings.out().resolve("table.md"), passes.stream().map(Report::pass)
                    .collect(java.util.stream.Collectors.joining("\n")), StandardCharsets.UTF_8);
        }
        return passes;
    }

    /** The pass's load; empty when its rate is to come from a bare-steady result that failed. */
    private Optional<LoadSpec> load(Pass pass, List<PassResult> done) {
        LoadSpec load = new LoadSpec(settings.connections(), pass.mode(), 0, settings.timeout(), settings.failPause(),
                settings.path());
        if (!pass.paced()) {
            return Optional.of(load);
        }
        if (settings.pacedRate() > 0) {
            return Optional.of(load.withRate(settings.pacedRate()));
        }
        Optional<ScenarioResult> bare = done.stream().filter(p -> p.name().equals(Pass.KEEPALIVE.id()))
                .flatMap(p -> p.results().stream())
                .filter(r -> r.scenario() == Scenario.BARE_STEADY && r.error() == null).findFirst();
        return bare.map(result -> load.withRate(Math.max(1, Math.round(result.throughput() * settings.pacedShare()))));
    }

    /**
     * The bare app and endlessd run side by side, idle in turn, and the load alternates between them in slices
     * (bare, endlessd, endlessd, bare, ...), so that other work on the machine and its drift weigh on both
     * alike: their throughputs are compared within 5%.
     */
    private List<ScenarioResult> runSteadyPair(Pass pass, LoadGenerator generator) throws InterruptedException {
        String prefix = "bench-" + pass.id() + "-";
        List<ScenarioResult> failed = new ArrayList<>();
        try (BareService bare = new BareService(stage, prefix + Scenario.BARE_STEADY.id(), Ports.pickFree());
             EndlessdService endlessd = new EndlessdService(stage, prefix + Scenario.ENDLESSD_STEADY.id(),
                     Ports.pickFree(), settings.trigger(), true, settings.probation())) {
            List<Steady> pair = new ArrayList<>();
            for (Steady candidate : List.of(new Steady(Scenario.BARE_STEADY, bare, bare.port()),
                    new Steady(Scenario.ENDLESSD_STEADY, endlessd, endlessd.port()))) {
                if (!settings.scenarios().contains(candidate.scenario)) {
                    continue; // not asked for: not even started
                }
                try {
                    candidate.service.start();
                    pair.add(candidate);
                } catch (Exception e) {
                    failed.add(ScenarioResult.failed(pass.id(), candidate.scenario, e.getMessage()));
                }
            }
            for (Steady steady : pair) {
                steady.before = steady.service.supervisorPid().stream().boxed()
                        .flatMap(pid -> ProcSample.read(pid).stream()).findFirst().orElse(null);
                if (steady.before != null) { // closed, with the figures, only then
                    steady.rss = new RssSampler(steady.service.supervisorPid().getAsLong());
                }
                System.out.printf("  %s: warming up for %s%n", steady.scenario.title(),
                        DurationText.format(settings.warm()));
                generator.start(steady.address, settings.warm(), Duration.ZERO).await();
            }
            MachineSampler machine = MachineSampler.start(pair.stream().map(s -> s.service.pid()).toList());
            long slices = Math.max(1, settings.duration().toNanos() / settings.slice().toNanos());
            Duration slice = settings.duration().dividedBy(slices);
            for (long i = 0; i < slices; i++) {
                for (int j = 0; j < pair.size(); j++) {
                    Steady steady = pair.get(i % 2 == 0 ? j : pair.size() - 1 - j);
                    LoadGenerator.Run run = generator.start(steady.address, Duration.ZERO, slice);
                    steady.parts.add(run.await());
                    steady.offsets.add(i * slice.toNanos());
                }
                System.out.printf("  steady slice %d/%d done%n", i + 1, slices);
            }
            MachineLoad load = machine.stop();
            List<ScenarioResult> results = new ArrayList<>(failed);
            for (Steady steady : pair) {
                SupervisorFigures figures = null;
                if (steady.before != null) {
                    steady.rss.close();
                    ProcSample after = ProcSample.read(steady.service.supervisorPid().getAsLong()).orElseThrow();
                    figures = new SupervisorFigures("endlessd", steady.before, after,
                            Math.max(steady.rss.maxKiB(), after.rssKiB()));
                }
                Recording recording = Recording.concat(steady.parts, steady.offsets);
                results.add(analysis.analyze(pass.id(), steady.scenario, slice.multipliedBy(slices), recording, 0,
                        List.of(), figures, load));
            }
            results.sort((a, b) -> a.scenario().compareTo(b.scenario()));
            return results;
        } catch (IOException e) {
            return List.of(ScenarioResult.failed(pass.id(), Scenario.BARE_STEADY, e.toString()),
                    ScenarioResult.failed(pass.id(), Scenario.ENDLESSD_STEADY, e.toString()));
        }
    }

    private static final class Steady {
        final Scenario scenario;
        final Service service;
        final InetSocketAddress address;
        final List<Recording> parts = new ArrayList<>();
        final List<Long> offsets = new ArrayList<>();
        ProcSample before;
        RssSampler rss;

        Steady(Scenario scenario, Service service, int port) {
            this.scenario = scenario;
            this.service = service;
            this.address = new InetSocketAddress("127.0.0.1", port);
        }
    }

    private ScenarioResult runReloads(Pass pass, Scenario scenario, LoadGenerator generator)
            throws InterruptedException {
        String name = "bench-" + pass.id() + "-" + scenario.id();
        try (Service service = reloadable(scenario, name, Ports.pickFree())) {
            service.start();
            if (service instanceof EndlessdService endlessd) {
                long started = System.nanoTime();
                boolean wrote = endlessd.trainJavaCache();
                System.out.printf("  %s: one reload before measuring (%d ms)%s%n", scenario.title(),
                        (System.nanoTime() - started) / 1_000_000, wrote ? "; gen=1 wrote the java cache as it exited"
                                : scenario == Scenario.ENDLESSD_RELOAD ? "; gen=1 kept no java cache (the log says why)"
                                : "");
            }
            long pid = service.supervisorPid().orElseThrow();
            ProcSample before = ProcSample.read(pid).orElseThrow();
            List<Reload> reloads = new ArrayList<>();
            MachineSampler machine = MachineSampler.start(List.of(service.pid()));
            Recording recording;
            try (RssSampler rss = new RssSampler(pid)) {
                System.out.printf("  %s: warming up for %s, then %s with a reload every %s%n", scenario.title(),
                        DurationText.format(settings.warm()), DurationText.format(settings.duration()),
                        DurationText.format(settings.reloadEvery()));
                LoadGenerator.Run run = generator.start(new InetSocketAddress("127.0.0.1", service.port()),
                        settings.warm(), settings.duration());
                Duration reserve = settings.reloadEvery().compareTo(RELOAD_RESERVE) < 0
                        ? settings.reloadEvery() : RELOAD_RESERVE;
                for (long k = 1; ; k++) {
                    long at = run.measureStartNanos() + k * settings.reloadEvery().toNanos();
                    if (Math.max(at, System.nanoTime()) + reserve.toNanos() > run.endNanos()) {
                        break;
                    }
                    LoadGenerator.parkUntil(at);
                    Reload reload = service.reload();
                    reloads.add(reload);
                    System.out.printf("  reload %d: %s, ready %d ms, old worker gone %d ms after the request%n", k,
                            reload.detail(), reload.timeToReadyMillis(), reload.oldGoneMillis());
                    if (!reload.succeeded()) {
                        break;
                    }
                }
                recording = run.await();
                ProcSample after = ProcSample.read(pid).orElseThrow();
                SupervisorFigures figures = new SupervisorFigures(
                        scenario.underEndlessd() ? "endlessd" : "restarter.py", before, after,
                        Math.max(rss.maxKiB(), after.rssKiB()));
                return analysis.analyze(pass.id(), scenario, settings.duration(), recording, run.measureStartNanos(),
                        reloads, figures, machine.stop());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: " + scenario.title() + " could not run: " + e.getMessage());
            return ScenarioResult.failed(pass.id(), scenario, String.valueOf(e.getMessage()));
        }
    }

    private Service reloadable(Scenario scenario, String name, int port) {
        return switch (scenario) {
            case ENDLESSD_RELOAD -> new EndlessdService(stage, name, port, settings.trigger(), true,
                    settings.probation());
            case ENDLESSD_RELOAD_NO_CACHE -> new EndlessdService(stage, name, port, settings.trigger(), false,
                    settings.probation());
            case HELD_RESTART -> new RestarterService(stage, name, port, RestarterService.Mode.HELD);
            case NAIVE_RESTART -> new RestarterService(stage, name, port, RestarterService.Mode.NAIVE);
            default -> throw new IllegalArgumentException(scenario + " does not reload");
        };
    }
}
