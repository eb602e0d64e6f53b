package dev.endlessd.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.endlessd.bench.Scenario;
import dev.endlessd.bench.load.Outcome;
import dev.endlessd.bench.load.Recording;
import dev.endlessd.bench.service.Reload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnalysisTest {
    private static final long MS = 1_000_000;
    private static final long START = 1_000_000 * MS;
    private static final MachineLoad IDLE = new MachineLoad(0, 0, 0, 0, 0, 0);

    private final Analysis analysis = new Analysis(Duration.ofMillis(100));

    @Test
    void requestsOverlappingAReloadWindowCountInIt() {
        Recording recording = new Recording.Builder(4)
                .add(50 * MS, 1_000, Outcome.OK, false, 10)     // ends at 51 ms: before the window
                .add(90 * MS, 20_000, Outcome.OK, false, 10)    // 90..110 ms: in flight when it opens
                .add(150 * MS, 3_000, Outcome.OK, false, 11)    // inside
                .add(260 * MS, 2_000, Outcome.OK, false, 11)    // after it closed
                .build();
        Reload reload = new Reload(START + 100 * MS, START + 200 * MS, START + 180 * MS, true, "gen=2 pid=11", 95, 75);

        ScenarioResult result = analysis.analyze("p", Scenario.ENDLESSD_RELOAD, Duration.ofMillis(300), recording,
                START, List.of(reload), null, IDLE);

        assertEquals(List.of(new Window(100 * MS, 200 * MS)), result.windows());
        assertEquals(new LatencySummary(2, 3_000, 20_000, 20_000), result.inReloads());
        assertEquals(new LatencySummary(4, 2_000, 20_000, 20_000), result.overall());
        assertEquals(2, result.workersSeen());
    }

    @Test
    void theFirstSecondAfterEachReadyPoolsTheRequestsOverlappingIt() {
        Recording recording = new Recording.Builder(5)
                .add(100 * MS, 9_000, Outcome.OK, false, 10)     // 100..109 ms: answered before READY
                .add(150 * MS, 70_000, Outcome.OK, false, 11)    // 150..220 ms: in flight at READY
                .add(900 * MS, 4_000, Outcome.OK, false, 11)     // inside the first second
                .add(1_300 * MS, 2_000, Outcome.OK, false, 11)   // after it
                .add(2_400 * MS, 5_000, Outcome.OK, false, 12)   // inside the second reload's
                .build();
        Reload first = new Reload(START + 50 * MS, START + 200 * MS, START + 400 * MS, true, "gen=2 pid=11", 150, 350);
        Reload failed = new Reload(START + 1_100 * MS, 0, 0, false, "gen=3 failed: exit 1", -1, -1);
        Reload second = new Reload(START + 2_000 * MS, START + 2_300 * MS, START + 2_500 * MS, true, "gen=4 pid=12",
                300, 500);

        ScenarioResult result = analysis.analyze("p", Scenario.ENDLESSD_RELOAD, Duration.ofSeconds(3), recording,
                START, List.of(first, failed, second), null, IDLE);

        assertEquals(new LatencySummary(3, 5_000, 70_000, 70_000), result.afterReady());
    }

    @Test
    void failuresAreCountedByKindAndLeftOutOfLatency() {
        Recording recording = new Recording.Builder(4)
                .add(0, 400, Outcome.OK, false, 10)
                .add(10 * MS, 50, Outcome.REFUSED, false, 0)
                .add(20 * MS, 60, Outcome.REFUSED, false, 0)
                .add(30 * MS, 900, Outcome.OK, true, 10)
                .build();

        ScenarioResult result = analysis.analyze("p", Scenario.NAIVE_RESTART, Duration.ofSeconds(1), recording, 0,
                List.of(), null, IDLE);

        assertEquals(Map.of(Outcome.REFUSED, 2L), result.failures());
        assertEquals(2, result.ok());
        assertEquals(1, result.retried());
        assertEquals(2.0, result.throughput(), 1e-9);
        assertEquals(new LatencySummary(2, 400, 900, 900), result.overall());
    }

    @Test
    void seriesBucketsByIntendedSendTime() {
        Recording recording = new Recording.Builder(3)
                .add(10 * MS, 100, Outcome.OK, false, 1)
                .add(99 * MS, 5_000_000, Outcome.OK, false, 1)  // answered long after, charged to its slice
                .add(150 * MS, 300, Outcome.TIMEOUT, false, 0)
                .build();

        List<Bucket> series = analysis.series(recording, Duration.ofMillis(200));

        assertEquals(List.of(new Bucket(0, 2, 0, new LatencySummary(2, 100, 5_000_000, 5_000_000)),
                new Bucket(100, 0, 1, LatencySummary.EMPTY)), series);
    }
}
