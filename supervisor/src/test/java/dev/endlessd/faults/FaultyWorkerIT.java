package dev.endlessd.faults;

import static dev.endlessd.faults.FailedReloads.assertReloadFailsCleanly;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
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

    /**
     * A daemon whose gen=1 serves although its ready timeout is short. The timeout is the subject of
     * the test, but it binds the first worker too, which a busy machine may start too slowly: that
     * start is tried again rather than taken for the failure under test.
     */
    private DaemonProcess startWithShortReadyTimeout(String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--ready-timeout", SHORT_READY_TIMEOUT));
        args.addAll(List.of(extra));
        for (int attempt = 1; ; attempt++) {
            DaemonProcess daemon = startDaemon(args.toArray(String[]::new));
            String first = daemon.awaitLog("gen=1 pid=\\d+ serves|first worker failed: .*").group();
            if (first.contains("serves")) {
                return daemon;
            }
            daemon.awaitExit();
            daemon.close();
            if (attempt == 3) {
                throw new AssertionError("the first worker missed a " + SHORT_READY_TIMEOUT + " ready timeout three times"
                        + " (is the machine that busy?):\n" + daemon.log());
            }
        }
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

    @Test
    void aNewWorkerThatSendsGarbageOnTheNotifySocketIsNotTakenForReady() throws Exception {
        try (DaemonProcess daemon = startWithShortReadyTimeout()) {
            int serving = daemon.awaitServing(1);
            Files.writeString(switches, "--garbage");

            assertReloadFailsCleanly(daemon, client, runtimeDir, serving, 2,
                    "worker not ready within 2s (--ready-timeout)");
            daemon.awaitLog("gen=2 pid=\\d+ sent malformed notify lines \\[this is not a notify message, .*\\]: ignored "
                    + "\\(expected KEY=VALUE lines such as READY=1\\)");
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
