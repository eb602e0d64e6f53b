package dev.endlessd.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.endlessd.bench.Scenario;
import dev.endlessd.bench.load.ConnectionMode;
import dev.endlessd.bench.load.LoadSpec;
import dev.endlessd.bench.load.Outcome;
import dev.endlessd.bench.service.ProcSample;
import dev.endlessd.bench.service.Reload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetCheckTest {
    private static final LoadSpec CLOSED = new LoadSpec(32, ConnectionMode.KEEPALIVE, 0, Duration.ofSeconds(5),
            Duration.ofMillis(10), "/");

    @Test
    void everyTargetPassesWhenEndlessdMeetsIt() {
        List<TargetCheck> checks = TargetCheck.evaluate(CLOSED, List.of(
                result(Scenario.BARE_STEADY, 10_000, Map.of(), 2_000, 0, 0),
                result(Scenario.ENDLESSD_STEADY, 9_600, Map.of(), 2_000, 0, 40 * 1024),
                result(Scenario.ENDLESSD_RELOAD, 9_000, Map.of(), 2_100, 4_000, 41 * 1024)));
        assertEquals(List.of(TargetCheck.Verdict.PASS, TargetCheck.Verdict.PASS, TargetCheck.Verdict.PASS,
                TargetCheck.Verdict.PASS), checks.stream().map(TargetCheck::verdict).toList());
    }

    @Test
    void eachTargetFailsOnItsOwnFigure() {
        List<TargetCheck> checks = TargetCheck.evaluate(CLOSED, List.of(
                result(Scenario.BARE_STEADY, 10_000, Map.of(), 2_000, 0, 0),
                result(Scenario.ENDLESSD_STEADY, 9_400, Map.of(), 2_000, 0, 40 * 1024),
                result(Scenario.ENDLESSD_RELOAD, 9_000, Map.of(Outcome.RESET, 1L), 2_100, 4_001, 49 * 1024)));
        assertEquals(List.of(TargetCheck.Verdict.FAIL, TargetCheck.Verdict.FAIL, TargetCheck.Verdict.FAIL,
                TargetCheck.Verdict.FAIL), checks.stream().map(TargetCheck::verdict).toList());
    }

    @Test
    void aPacedPassDoesNotJudgeThroughput() {
        List<TargetCheck> checks = TargetCheck.evaluate(CLOSED.withRate(1000), List.of(
                result(Scenario.BARE_STEADY, 1000, Map.of(), 2_000, 0, 0),
                result(Scenario.ENDLESSD_STEADY, 1000, Map.of(), 2_000, 0, 40 * 1024)));
        assertEquals(TargetCheck.Verdict.NA, checks.get(2).verdict());
        assertEquals(TargetCheck.Verdict.NA, checks.get(0).verdict());
    }

    @Test
    void withTheCacheOffScenarioThePassJudgesTimeAndCpuToReadyFromTheCacheAgainstCold() {
        ScenarioResult cached = withReloads(result(Scenario.ENDLESSD_RELOAD, 9_000, Map.of(), 2_100, 4_000, 41 * 1024),
                start("used", 1_000, 2_000), start("used", 1_200, 2_400), start("cold", 9_000, 9_000));
        ScenarioResult cold = withReloads(result(Scenario.ENDLESSD_RELOAD_NO_CACHE, 9_000, Map.of(), 2_100, 4_001,
                41 * 1024), start("off", 2_000, 3_000), start("off", 2_100, 4_000), start("off", 2_200, 5_000));
        List<TargetCheck> checks = TargetCheck.evaluate(CLOSED, List.of(
                result(Scenario.ENDLESSD_STEADY, 9_600, Map.of(), 2_000, 0, 40 * 1024), cached, cold));

        // no failure with the cache off; its window p99 4.001 ms > 2x 2 ms; wall and CPU from the cache <= 0.6x
        assertEquals(List.of(TargetCheck.Verdict.PASS, TargetCheck.Verdict.FAIL, TargetCheck.Verdict.PASS,
                TargetCheck.Verdict.PASS), checks.subList(4, 8).stream().map(TargetCheck::verdict).toList());
        // wall: median 1100 of the reloads from the cache (the cold one left out) vs 2100: 0.52x
        assertEquals("median 1100 ms from the cache (2 reloads) vs 2100 ms cold (3 reloads): 0.52x",
                checks.get(6).measured());
        assertEquals("median 2200 CPU ms from the cache (2 reloads) vs 4000 CPU ms cold (3 reloads): 0.55x",
                checks.get(7).measured());
    }

    @Test
    void withoutAReloadFromTheCacheTimeToReadyCannotBeJudged() {
        ScenarioResult cached = withReloads(result(Scenario.ENDLESSD_RELOAD, 9_000, Map.of(), 2_100, 4_000, 41 * 1024),
                start("cold", 1_000, 2_000));
        ScenarioResult cold = withReloads(result(Scenario.ENDLESSD_RELOAD_NO_CACHE, 9_000, Map.of(), 2_100, 4_000,
                41 * 1024), start("off", 2_000, 3_000));
        List<TargetCheck> checks = TargetCheck.evaluate(CLOSED, List.of(
                result(Scenario.ENDLESSD_STEADY, 9_600, Map.of(), 2_000, 0, 40 * 1024), cached, cold));

        assertEquals(TargetCheck.Verdict.NA, checks.get(6).verdict());
        assertEquals(TargetCheck.Verdict.NA, checks.get(7).verdict());
    }

    private static Reload start(String javaCache, long readyMillis, long cpuMillis) {
        return new Reload(1, 2, 3, true, "gen=2 pid=11", readyMillis, readyMillis + 100,
                new Reload.Start(javaCache, cpuMillis, Map.of()));
    }

    private static ScenarioResult withReloads(ScenarioResult r, Reload... reloads) {
        return new ScenarioResult(r.pass(), r.scenario(), r.seconds(), r.requests(), r.ok(), r.failures(), r.retried(),
                r.overall(), r.inReloads(), r.afterReady(), r.throughput(), List.of(reloads), r.windows(),
                r.workersSeen(), r.supervisor(), r.series(), r.machine(), r.error());
    }

    private static ScenarioResult result(Scenario scenario, double throughput, Map<Outcome, Long> failures,
                                         int p99, int windowP99, long peakRssKiB) {
        LatencySummary overall = new LatencySummary(1000, 500, p99, p99 * 2);
        LatencySummary windows = windowP99 == 0 ? LatencySummary.EMPTY
                : new LatencySummary(100, 500, windowP99, windowP99);
        SupervisorFigures supervisor = peakRssKiB == 0 ? null : new SupervisorFigures("endlessd",
                new ProcSample(30_000, 20_000, 30_000, 100, 15, 12), new ProcSample(31_000, 21_000, peakRssKiB, 200, 15, 12), 31_000);
        return new ScenarioResult("keepalive", scenario, 60, 1000, 1000, failures, 0, overall, windows, LatencySummary.EMPTY, throughput,
                List.of(), List.of(), 1, supervisor, List.of(), new MachineLoad(0, 0, 0, 0, 0, 0), null);
    }
}
