package dev.endlessd.faults;

import dev.endlessd.it.Fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Http;
import dev.endlessd.spawn.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone removes the runtime directory under a running daemon (a cleanup job, a careless
 * {@code rm -rf /run/...}): the next worker has nowhere to bind its notify socket. The reload fails
 * with that reason and the serving worker stays; SIGTERM still stops everything cleanly.
 */
@Timeout(120)
class LostRuntimeDirectoryIT {
    @TempDir
    Path dir;

    @Test
    void aReloadAfterTheRuntimeDirectoryWasRemovedFailsAndTheOldWorkerStays() throws Exception {
        Path instanceDir = dir.resolve("run").resolve("default");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            int serving = daemon.awaitServing(1);
            try (Stream<Path> paths = Files.walk(instanceDir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }

            daemon.signal(Signals.SIGHUP);

            daemon.awaitLog(Pattern.quote("reload of gen=2 failed: cannot start worker: cannot bind notify socket "
                    + instanceDir.resolve("notify-2.sock")) + ".*No such file or directory; gen=1 pid=" + serving
                    + " keeps serving");
            assertEquals(serving, Http.get(daemon.port(), "/").workerPid());
            assertEquals(1, Proc.childrenOf(daemon.pid()).size(), "nothing was spawned");

            daemon.signal(Signals.SIGTERM);
            assertEquals(0, daemon.awaitExit(), daemon.log());
            assertTrue(Proc.group(serving).isEmpty(), "the worker drained and exited");
        }
    }
}
