package dev.endlessd.attacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Http;
import dev.endlessd.it.Nobody;
import dev.endlessd.it.Requirements;
import dev.endlessd.it.Signals;
import dev.endlessd.os.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --user}, every worker's notify socket belongs to the same uid: any process of that uid
 * (an older generation, an unrelated daemon that also runs as nobody) can reach a new worker's socket.
 * Only the worker's own process and its session may declare it ready; anything else is refused and
 * logged with the sender, so a broken release cannot be waved through and the good one keeps serving.
 */
@Timeout(120)
class ForgedReadyIT {
    /** Sends one {@code READY=1} datagram to the socket named by its argument. */
    private static final String SEND_READY = "import socket, sys; "
            + "socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'READY=1', sys.argv[1])";

    @TempDir
    Path dir;
    private Path shared;
    private Path switches;

    @BeforeEach
    void layout() throws Exception {
        Nobody.assumeAvailable();
        shared = Nobody.sharedDirectory(dir);
        switches = Files.writeString(shared.resolve("switches"), "");
    }

    private DaemonProcess start() throws Exception {
        return DaemonProcess.start(dir, "--user", "nobody", "--ready-timeout", "5m",
                "--cmd", Nobody.worker(shared, "--switches-file", switches.toString()), "--listen", "127.0.0.1:0");
    }

    @Test
    void aReadyFromAnotherProcessOfTheWorkersUidIsRefusedAndTheGoodWorkerKeepsServing() throws Exception {
        Path forge = shared.resolve("forge");
        Files.writeString(switches, "--forge-ready-file " + forge);
        try (DaemonProcess daemon = start()) {
            int good = daemon.awaitServing(1);
            Files.writeString(switches, "--never-ready");
            Client.Running reload = new Client(dir).start("reload", "--runtime-dir", dir.resolve("run").toString());
            int broken = Integer.parseInt(daemon.awaitLog("gen=2 pid=(\\d+) spawned").group(1));
            Path notify = dir.resolve("run").resolve("default").resolve("notify-2.sock");

            Nobody.runToEnd(Nobody.PYTHON.toString(), "-c", SEND_READY, notify.toString());
            daemon.awaitLog("gen=2 pid=" + broken + ": refused a notify message from pid \\d+ uid " + Nobody.UID
                    + ": it is neither the worker nor a process of its session");
            Files.writeString(forge, notify.toString());
            DaemonProcess.await("gen=1 sent its READY=1 for gen=2", () -> Files.exists(Path.of(forge + ".sent")));
            Posix.kill(broken, Signals.SIGKILL);

            Client.Result result = reload.await();
            assertEquals(1, result.exitCode(), result + daemon.log());
            assertEquals("endlessd: reload gen=2 failed: worker exited with killed by SIGKILL before it was ready;"
                    + " gen=1 pid=" + good + " keeps serving\n", result.err());
            assertEquals(good, Http.get(daemon.port(), "/").workerPid());
            daemon.awaitLog("gen=2 pid=" + broken + ": 1 more notify messages refused");
            assertTrue(daemon.logMatches("gen=2 pid=" + broken + " ready").isEmpty(), daemon.log());
        }
    }

    @Test
    void systemdNotifyRunByTheWorkerSpeaksForIt() throws Exception {
        Requirements.assumeInstalled(Path.of("/usr/bin/systemd-notify"), "systemd");
        Files.writeString(switches, "--notify-with systemd-notify");
        try (DaemonProcess daemon = start()) {
            daemon.awaitServing(1);
            assertEquals(List.of(), daemon.logMatches("refused a notify message"), daemon.log());
        }
    }
}
