package dev.endlessd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One socket mode for everyone: endlessd hands its listening sockets out with O_NONBLOCK set and
 * never changes it, and the fixture worker stays correct when a neighbour generation flips the flag
 * on the open file description they all share, either way, while they overlap.
 */
@Timeout(180)
class SocketModeIT {
    private static final int O_NONBLOCK = 04000;

    @TempDir
    Path dir;

    @Test
    void aWorkerPutsONonblockBackOnItsNextAcceptAfterANeighbourClearedIt() throws Exception {
        Path switches = dir.resolve("switches");
        Path report = dir.resolve("report.json");
        Files.writeString(switches, "--report " + report);
        try (DaemonProcess daemon = DaemonProcess.start(dir,
                "--cmd", Fixture.worker("--switches-file", switches.toString()), "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            assertEquals("[true]", new ObjectMapper().readTree(report.toFile()).get("nonblocking").toString(),
                    "handed out non-blocking");
            Files.writeString(switches, "--clear-nonblocking");

            daemon.signal(Signals.SIGHUP);
            int neighbour = daemon.awaitServing(2);
            daemon.awaitLog("gen=1 pid=\\d+ exited after draining");
            assertEquals(0, flags(neighbour, 3) & O_NONBLOCK, "the neighbour cleared it before its READY");

            assertEquals(neighbour, Http.get(daemon.port(), "/").workerPid());

            assertEquals(O_NONBLOCK, flags(neighbour, 3) & O_NONBLOCK, "set again before the accept");
            daemon.awaitLog("worker " + neighbour + ": O_NONBLOCK was cleared on fd 3 by another process; set again");
        }
    }

    /**
     * The neighbour is the old generation: after its SIGTERM it goes on accepting beside the new worker
     * for a while, flipping the mode all the while, before it drains. Every connection wakes both, and the
     * loser's accept meets the socket in either mode. The new worker must lose no request and still drain
     * cleanly when its own turn comes.
     */
    @Test
    void noRequestFailsAndTheNewWorkerDrainsCleanlyAfterOverlappingANeighbourThatTogglesTheMode() throws Exception {
        Path switches = dir.resolve("switches");
        Files.writeString(switches, "--toggle-nonblocking --serve-after-term 3");
        try (DaemonProcess daemon = DaemonProcess.start(dir,
                "--cmd", Fixture.worker("--switches-file", switches.toString()), "--listen", "127.0.0.1:0")) {
            int toggler = daemon.awaitServing(1);
            daemon.awaitLog("worker " + toggler + ": toggling O_NONBLOCK every millisecond");
            try (HttpLoad load = new HttpLoad(daemon.port(), 4)) {
                load.awaitMoreRequests(50);
                Files.writeString(switches, "");
                daemon.signal(Signals.SIGHUP);
                int worker = daemon.awaitServing(2);
                daemon.awaitLog("gen=1 pid=" + toggler + " exited after draining .*: exit status 0");
                load.awaitMoreRequests(50);

                daemon.signal(Signals.SIGHUP);
                daemon.awaitServing(3);
                daemon.awaitLog("gen=2 pid=" + worker + " exited after draining .*: exit status 0");
                load.awaitMoreRequests(50);
                load.close();

                assertEquals(List.of(), load.failures(), "no request fails while the mode flips");
                assertTrue(load.servedBy().containsAll(List.of(toggler, worker)), "both served: " + load.servedBy());
            }
        }
    }

    /** The status flags of {@code pid}'s descriptor {@code fd}: those of the open file description. */
    static int flags(long pid, int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "fdinfo", Integer.toString(fd)))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new IOException("no flags in /proc/" + pid + "/fdinfo/" + fd);
    }
}
