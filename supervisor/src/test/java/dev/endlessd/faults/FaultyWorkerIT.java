package dev.endlessd.faults;

import static dev.endlessd.faults.FailedReloads.assertReloadFailsCleanly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Signals;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new worker that dies or stays silent before READY fails the reload with the reason, and the
 * old worker serves on as if nothing had happened. The fixture reads its switches from a file at
 * start, so each test changes how the next generation behaves without changing the command.
 */
@Timeout(120)
class FaultyWorkerIT {
    /** Long enough for the fixture to start and say something, short enough for a quick suite. */
    private static final String SHORT_READY_TIMEOUT = "2s";

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

    private DaemonProcess startDaemon(String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--cmd", Fixture.worker("--switches-file", switches.toString()),
                "--listen", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        return DaemonProcess.start(dir, args.toArray(String[]::new));
    }

    private DaemonProcess startWithShortReadyTimeout(String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--cmd", Fixture.worker("--switches-file", switches.toString()),
                "--listen", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        return DaemonProcess.startWithShortReadyTimeout(dir, SHORT_READY_TIMEOUT, args.toArray(String[]::new));
    }

    @Test
    void aNewWorkerThatExitsAtOnceFailsTheReloadWithItsExitStatus() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            int serving = daemon.awaitServing(1);
            Files.writeString(switches, "--exit-at-start 3");

            assertReloadFailsCleanly(daemon, client, runtimeDir, serving, 2,
                    "worker exited with exit status 3 before it was ready");
            daemon.awaitLog("gen=2 pid=\\d+ exited before it was ready: exit status 3");
        }
    }

    @Test
    void aNewWorkerThatExitsAfterASecondWithoutReadyFailsTheReload() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            int serving = daemon.awaitServing(1);
            Files.writeString(switches, "--exit-after 1");

            assertReloadFailsCleanly(daemon, client, runtimeDir, serving, 2,
                    "worker exited with exit status 3 before it was ready");
        }
    }

    @Test
    void aNewWorkerThatNeverSendsReadyFailsTheReloadAtTheReadyTimeoutAndIsStopped() throws Exception {
        try (DaemonProcess daemon = startWithShortReadyTimeout()) {
            int serving = daemon.awaitServing(1);
            Files.writeString(switches, "--never-ready");

            assertReloadFailsCleanly(daemon, client, runtimeDir, serving, 2,
                    "worker not ready within 2s (--ready-timeout)");
            daemon.awaitLog("gen=2 pid=\\d+ draining \\(worker not ready within 2s \\(--ready-timeout\\)\\): SIGTERM sent");
            daemon.awaitLog("gen=2 pid=\\d+ exited after draining .*: exit status 0");
        }
    }

    /**
     * The ready timeout stays long: the garbage is awaited as an event, and the worker that sent it is then
     * stopped, which fails the reload as an exit before READY. Had the garbage counted as READY, the
     * reload would have succeeded by then.
     */
    @Test
    void aNewWorkerThatSendsGarbageOnTheNotifySocketIsNotTakenForReady() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            int serving = daemon.awaitServing(1);
            Files.writeString(switches, "--garbage");

            Client.Running reload = client.start("reload", "--runtime-dir", runtimeDir.toString());
            int garbage = Integer.parseInt(daemon.awaitLog("gen=2 pid=(\\d+) sent malformed notify lines \\[this is not a"
                    + " notify message, .*\\]: ignored \\(expected KEY=VALUE lines such as READY=1\\)").group(1));
            assertFalse(daemon.log().contains("gen=2 pid=" + garbage + " ready after"), daemon.log());
            Posix.kill(garbage, Signals.SIGTERM);

            Client.Result failed = reload.await();
            assertEquals(1, failed.exitCode(), failed + daemon.log());
            assertEquals("endlessd: reload gen=2 failed: worker exited with exit status 0 before it was ready; gen=1 pid="
                    + serving + " keeps serving\n", failed.err());
        }
    }

    @Test
    void aNewWorkerThatIgnoresSigtermAfterMissingTheReadyTimeoutIsKilled() throws Exception {
        try (DaemonProcess daemon = startWithShortReadyTimeout("--drain-timeout", "1s")) {
            int serving = daemon.awaitServing(1);
            Files.writeString(switches, "--never-ready --ignore-term");

            assertReloadFailsCleanly(daemon, client, runtimeDir, serving, 2,
                    "worker not ready within 2s (--ready-timeout)");
            daemon.awaitLog("gen=2 pid=\\d+ still running 1s after SIGTERM \\(--drain-timeout\\).*sending SIGKILL");
            daemon.awaitLog("gen=2 pid=\\d+ exited after draining .*: killed by SIGKILL");
        }
    }
}
