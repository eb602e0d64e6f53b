package dev.endlessd.faults;

import dev.endlessd.it.Fixture;
import dev.endlessd.it.HttpLoad;
import static dev.endlessd.it.DaemonProcess.processExists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Proc;
import dev.endlessd.it.Signals;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many reloads in a row, and reloads under continuous HTTP load: the supervisor's descriptors and
 * threads end where they started, its RSS stays within a small bound, no child is left a zombie,
 * no old worker lingers, no request fails.
 *
 * <p>Not a soak: {@code mvn verify} runs {@value #DEFAULT_RELOADS} reloads in a row and
 * {@value #DEFAULT_LOADED} under load, enough for a descriptor or thread leaked per reload to show,
 * within the suite's time. The soak of issue 7 is the same test run longer:
 * {@code mvn -B verify -pl supervisor -Dit.test=ManyReloadsIT -Dendlessd.soak.reloads=300 -Dendlessd.soak.loaded=20}.
 */
@Timeout(900)
class ManyReloadsIT {
    private static final int DEFAULT_RELOADS = 50;
    private static final int DEFAULT_LOADED = 10;
    /** Heap growth and lazily loaded classes, not a leak; a leak per reload exceeds it within 300. */
    private static final long RSS_SLACK_KIB = 8 * 1024;

    @TempDir
    java.nio.file.Path dir;

    @Test
    void reloadsInARowLeaveTheSupervisorAsTheyFoundIt() throws Exception {
        int reloads = Integer.getInteger("endlessd.soak.reloads", DEFAULT_RELOADS);
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            Proc.Footprint before = Proc.Footprint.of(daemon.pid());
            long start = System.nanoTime();

            for (int generation = 2; generation <= reloads + 1; generation++) {
                daemon.signal(Signals.SIGHUP);
                daemon.awaitServing(generation);
            }

            assertSettled(daemon, reloads + 1, before, String.format(Locale.ROOT, "%d reloads in a row in %.1f s",
                    reloads, (System.nanoTime() - start) / 1e9));
        }
    }

    @Test
    void reloadsUnderContinuousLoadFailNoRequestAndLeaveTheSupervisorAsTheyFoundIt() throws Exception {
        int reloads = Integer.getInteger("endlessd.soak.loaded", DEFAULT_LOADED);
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            Proc.Footprint before = Proc.Footprint.of(daemon.pid());
            HttpLoad load = new HttpLoad(daemon.port(), 3);
            try (load) {
                for (int generation = 2; generation <= reloads + 1; generation++) {
                    load.awaitMoreRequests(20);
                    daemon.signal(Signals.SIGHUP);
                    daemon.awaitServing(generation);
                }
                load.awaitMoreRequests(20);
            }

            assertEquals(List.of(), load.failures(), "no request fails across the reloads");
            assertTrue(load.servedBy().size() >= reloads, "requests were served by " + load.servedBy());
            assertSettled(daemon, reloads + 1, before, String.format(Locale.ROOT,
                    "%d reloads under load: %d requests, %d failed, served by %d workers", reloads, load.ok(),
                    load.failures().size(), load.servedBy().size()));
        }
    }

    /** Everything but the newest worker is gone, and the supervisor's footprint is where it was. */
    private static void assertSettled(DaemonProcess daemon, int newest, Proc.Footprint before, String what) {
        int serving = daemon.awaitServing(newest);
        DaemonProcess.await("every replaced worker has exited", () -> Proc.workersOf(daemon.pid()).size() == 1);
        FailedReloads.awaitFootprintBackTo(daemon, before);
        Proc.Footprint after = Proc.Footprint.of(daemon.pid());
        System.out.printf(Locale.ROOT, "figure: soak: %s; supervisor before %s, after %s (RSS %+.1f MiB)%n", what,
                before, after, (after.rssKib() - before.rssKib()) / 1024.0);

        assertEquals(before.fds(), after.fds(), "descriptors");
        assertEquals(before.threads(), after.threads(), "threads");
        assertTrue(after.rssKib() - before.rssKib() <= RSS_SLACK_KIB, "RSS grew from " + before + " to " + after);
        assertEquals(List.of(), Proc.zombieChildrenOf(daemon.pid()), "no zombie child");
        assertEquals(List.of((long) serving), Proc.workersOf(daemon.pid()).stream().map(Proc.Stat::pid).toList(),
                "the newest worker is the only child");
        List<Integer> replaced = daemon.logMatches("gen=\\d+ pid=(\\d+) spawned").stream()
                .map(match -> Integer.parseInt(match.group(1)))
                .filter(pid -> pid != serving)
                .toList();
        assertEquals(newest - 1, replaced.size());
        for (int pid : replaced) {
            assertFalse(processExists(pid) && Proc.stat(pid) != null && Proc.stat(pid).ppid() == daemon.pid(),
                    "replaced worker " + pid + " is gone");
            assertTrue(Proc.group(pid).isEmpty(), "nothing is left of replaced worker " + pid + "'s process group");
        }
        assertEquals(newest - 1, daemon.logMatches("gen=\\d+ pid=\\d+ exited after draining .*: exit status 0").size(),
                "every replaced worker drained and exited 0:\n" + daemon.log());
    }
}
