package dev.endlessd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Http;
import dev.endlessd.it.HttpLoad;
import dev.endlessd.it.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new version that says READY and dies a second later (gunicorn's master sends READY before its
 * workers load the app) must not cost the version that worked: the old worker serves beside the new
 * one through its probation and drains only once the new one has stayed alive through it.
 */
@Timeout(180)
class ProbationIT {
    private static final int CLIENTS = 4;

    @TempDir
    Path dir;
    private Path switches;
    private Path runtimeDir;
    private Client client;

    @BeforeEach
    void paths() throws IOException {
        switches = dir.resolve("switches");
        Files.writeString(switches, "");
        runtimeDir = dir.resolve("run");
        client = new Client(dir);
    }

    @Test
    void aVersionThatDiesOneSecondAfterReadyFailsTheReloadUnderLoadAndTheOldOneServesOnWithoutARestart()
            throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker("--switches-file",
                switches.toString()), "--listen", "127.0.0.1:0", "--probation", "3s");
             HttpLoad load = new HttpLoad(daemon.port(), CLIENTS)) {
            int serving = daemon.awaitServing(1);
            load.awaitMoreRequests(50);
            Files.writeString(switches, "--fail-after-ready 1");

            Client.Result reload = client.run("reload", "--runtime-dir", runtimeDir.toString());

            assertEquals(1, reload.exitCode(), reload + daemon.log());
            Matcher failed = Pattern.compile("endlessd: reload gen=2 failed: gen=2 pid=(\\d+) exited with exit status 1"
                    + " [0-9.]+ ?m?s after READY, inside the probation of 3s; gen=1 pid=" + serving + " keeps serving\n")
                    .matcher(reload.err());
            assertTrue(failed.matches(), reload.err());
            int bad = Integer.parseInt(failed.group(1));
            daemon.awaitLog("gen=2 pid=" + bad + " ready after .*; on probation for 3s \\(--probation\\): gen=1 pid="
                    + serving + " serves beside it until then");

            load.awaitMoreRequests(200);
            assertEquals(List.of(), load.failures(), "no request fails, before, during or after the probation");
            for (int i = 0; i < 5; i++) {
                assertEquals(serving, Http.get(daemon.port(), "/").workerPid(), "the old worker serves on");
            }
            assertEquals(List.of((long) serving), Proc.workersOf(daemon.pid()).stream().map(Proc.Stat::pid).toList(),
                    "the supervisor's only worker is the old one: the bad version was not restarted");
            assertFalse(daemon.log().contains("gen=3"), "nothing was started after it:\n" + daemon.log());
            assertFalse(daemon.log().contains("restarting in"), daemon.log());
            assertFalse(daemon.log().contains("pid=" + serving + " draining"), "the old worker was never told to drain");

            Client.Result status = client.run("status", "--runtime-dir", runtimeDir.toString());
            assertTrue(status.out().contains("reload failed: gen=2: gen=2 pid=" + bad + " exited with exit status 1"),
                    status.out());
        }
    }

    /**
     * Long enough for {@code endlessd status} (a JVM of its own) to run inside the probation on a busy
     * machine.
     */
    private static final String LONG_PROBATION = "30s";

    @Test
    void aVersionThatSurvivesItsProbationReplacesTheOldOneOnlyAfterItAndStatusShowsIt() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0",
                "--probation", LONG_PROBATION);
             HttpLoad load = new HttpLoad(daemon.port(), CLIENTS)) {
            int old = daemon.awaitServing(1);
            load.awaitMoreRequests(50);

            Client.Running reload = client.start("reload", "--runtime-dir", runtimeDir.toString());
            int fresh = Integer.parseInt(daemon.awaitLog("gen=2 pid=(\\d+) ready after .*; on probation for " + LONG_PROBATION).group(1));
            Client.Result status = client.run("status", "--runtime-dir", runtimeDir.toString());
            assertTrue(Pattern.compile("gen=2 +pid=" + fresh + " +probation .* replaces the serving worker in [0-9.]+s"
                    + " unless it exits").matcher(status.out()).find(), status.out());
            assertTrue(status.out().contains(": reloading, up"), status.out());
            assertTrue(Pattern.compile("gen=1 +pid=" + old + " +ready ").matcher(status.out()).find(), status.out());

            Client.Result done = reload.await();

            assertEquals(0, done.exitCode(), done + daemon.log());
            String log = daemon.log();
            int passed = log.indexOf("gen=2 pid=" + fresh + " passed its probation (alive " + LONG_PROBATION + " after READY)");
            int drained = log.indexOf("gen=1 pid=" + old + " draining (replaced by gen=2)");
            assertTrue(passed > 0 && drained > passed, "the old worker drains only after the probation:\n" + log);
            load.awaitMoreRequests(100);
            assertEquals(List.of(), load.failures());
            assertTrue(load.servedBy().containsAll(List.of(old, fresh)), "both served: " + load.servedBy());
        }
    }
}
