package dev.endlessd.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencySummaryTest {

    @Test
    void percentilesAreNearestRank() {
        int[] micros = new int[100];
        for (int i = 0; i < micros.length; i++) {
            micros[i] = 100 - i;
        }
        LatencySummary summary = LatencySummary.of(micros, 100);
        assertEquals(new LatencySummary(100, 50, 99, 100), summary);
    }

    @Test
    void oneSlowRequestInAHundredIsTheMaxButNotTheP99() {
        int[] micros = new int[100];
        java.util.Arrays.fill(micros, 200);
        micros[7] = 1_000_000;
        LatencySummary summary = LatencySummary.of(micros, 100);
        assertEquals(200, summary.p99());
        assertEquals(1_000_000, summary.max());
    }

    @Test
    void twoSlowRequestsInAHundredReachTheP99() {
        int[] micros = new int[100];
        java.util.Arrays.fill(micros, 200);
        micros[3] = 5_000;
        micros[9] = 7_000;
        assertEquals(5_000, LatencySummary.of(micros, 100).p99());
    }

    @Test
    void onlyTheGivenRangeCounts() {
        int[] micros = {5, 1, 3, 999, 999};
        assertEquals(new LatencySummary(3, 3, 5, 5), LatencySummary.of(micros, 3));
    }

    @Test
    void noLatenciesGiveTheEmptySummary() {
        assertEquals(LatencySummary.EMPTY, LatencySummary.of(new int[0], 0));
    }
}
