package dev.endlessd.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.endlessd.bench.Scenario;
import dev.endlessd.bench.load.ConnectionMode;
import dev.endlessd.bench.load.LoadSpec;
import dev.endlessd.bench.load.Outcome;
import dev.endlessd.bench.service.ProcSample;
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
