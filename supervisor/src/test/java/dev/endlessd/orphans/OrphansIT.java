package dev.endlessd.orphans;

import static dev.endlessd.it.DaemonProcess.await;
import static dev.endlessd.it.DaemonProcess.processExists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Http;
import dev.endlessd.it.Proc;
import dev.endlessd.it.Signals;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes workers leave behind come back to endlessd, its child subreaper: each one is reaped
 * (no zombie, and the workers' own exit statuses are still theirs), and those of a generation that
 * ended are stopped with it: a daemonizing worker's detached copy no longer answers after a reload,
 * and after a stop the port is free.
 */
@Timeout(120)
class OrphansIT {
    private static final int ORPHANS = 50;

    @TempDir
    Path dir;

    /** Every detached copy the tests' workers made, killed whatever the outcome: none is in a group the daemon's close kills. */
    private final List<DaemonProcess> daemons = new ArrayList<>();

    @AfterEach
    void killDetachedCopies() {
        for (DaemonProcess daemon : daemons) {
            daemon.logMatches("daemonized as pid (\\d+)")
                    .forEach(match -> Posix.kill(Integer.parseInt(match.group(1)), Signals.SIGKILL));
        }
    }

    private DaemonProcess start(String... args) throws IOException {
        DaemonProcess daemon = DaemonProcess.start(dir, args);
        daemons.add(daemon);
        return daemon;
    }

    @Test
    void fiftyOrphansOfAWorkerAreReapedAndTheWorkersOwnExitStatusStaysItsOwn() throws Exception {
        try (DaemonProcess daemon = start("--cmd",
                Fixture.worker("--leave-orphans", Integer.toString(ORPHANS), "--orphan-life", "0.3"),
                "--listen", "127.0.0.1:0")) {
            int worker = daemon.awaitServing(1);

            daemon.awaitLog("reaped orphan pid=\\d+: exit status 0", ORPHANS - 1);
            await("no zombie among endlessd's children", () -> Proc.zombieChildrenOf(daemon.pid()).isEmpty());
            assertEquals(1, Proc.childrenOf(daemon.pid()).stream().filter(child -> child.pid() == worker).count(),
                    "the worker is still endlessd's child");
            daemon.signal(Signals.SIGTERM);

            assertEquals(0, daemon.awaitExit(), daemon.log());
            assertTrue(daemon.log().matches("(?s).*gen=1 pid=" + worker + " exited after draining [^:]+: exit status 0.*"),
                    "the worker's exit status went to its own reaper, not to the orphans':\n" + daemon.log());
        }
    }

    @Test
    void aDaemonizingWorkerNoLongerAnswersAfterAReloadAndAStopFreesItsPort() throws Exception {
        try (DaemonProcess daemon = start("--cmd", Fixture.worker("--daemonize"),
                "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            int detached = Integer.parseInt(daemon.awaitLog("worker " + first + ": daemonized as pid (\\d+)").group(1));
            int port = daemon.port();
            awaitAnswerFrom(port, detached);

            daemon.signal(Signals.SIGHUP);
            int second = daemon.awaitServing(2);

            daemon.awaitLog("orphan pid=" + detached + " of gen=1 runs on after its generation ended .*; it holds"
                    + " listener\\(s\\) .*127\\.0\\.0\\.1:" + port + ".*: SIGTERM");
            daemon.awaitLog("orphan pid=" + detached + " of gen=1 is gone: killed by SIGTERM");
            int secondDetached = Integer.parseInt(daemon.awaitLog("worker " + second + ": daemonized as pid (\\d+)").group(1));
            Set<String> answered = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                answered.add(Http.get(port, "/").field("gen"));
            }
            assertEquals(Set.of("2"), answered, "only gen=2 (pid " + second + " and its detached copy " + secondDetached
                    + ") answers:\n" + daemon.log());

            daemon.signal(Signals.SIGTERM);
            assertEquals(0, daemon.awaitExit(), daemon.log());
            assertPortFree(port);
        }
    }

    @Test
    void anOrphanThatIgnoresSigtermIsKilledAfterTheDrainTimeoutAndTheStopExitsOne() throws Exception {
        try (DaemonProcess daemon = start("--drain-timeout", "1s",
                "--cmd", Fixture.worker("--daemonize", "--ignore-term"), "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            int detached = Integer.parseInt(daemon.awaitLog("worker " + first + ": daemonized as pid (\\d+)").group(1));
            int port = daemon.port();

            daemon.signal(Signals.SIGTERM);

            daemon.awaitLog("orphan pid=" + detached + " of gen=1 still runs 1s after SIGTERM: SIGKILL");
            daemon.awaitLog("orphan pid=" + detached + " of gen=1 is gone: killed by SIGKILL");
            assertEquals(1, daemon.awaitExit(), "a worker and its orphan had to be killed:\n" + daemon.log());
            assertFalse(processExists(detached));
            assertPortFree(port);
        }
    }

    @Test
    void aStrangerHoldingAListenerIsNamedAndLeftAlone() throws Exception {
        String stranger = "env -u ENDLESSD_GENERATION " + Fixture.worker("--daemonize");
        try (DaemonProcess daemon = start("--cmd", stranger, "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            int detached = Integer.parseInt(daemon.awaitLog("worker " + first + ": daemonized as pid (\\d+)").group(1));
            int port = daemon.port();

            daemon.signal(Signals.SIGHUP);
            daemon.awaitServing(2);

            daemon.awaitLog("orphan pid=" + detached + " belongs to no generation of endlessd\\[default\\] .*; it holds"
                    + " listener\\(s\\) .*127\\.0\\.0\\.1:" + port);
            assertTrue(processExists(detached), "endlessd cannot tell whose it is, so it does not stop it");
        }
    }

    private static void awaitAnswerFrom(int port, int pid) {
        await("an answer from pid " + pid, () -> {
            try {
                return Http.get(port, "/").workerPid() == pid;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void assertPortFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }
}
