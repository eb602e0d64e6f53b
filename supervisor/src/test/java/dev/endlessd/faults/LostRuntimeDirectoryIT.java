package dev.endlessd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Http;
import dev.endlessd.it.Proc;
import dev.endlessd.it.Requirements;
import dev.endlessd.it.Signals;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone removes the runtime directory under a running daemon (a careless {@code rm -rf /run/...}):
 * the next worker has nowhere to bind its notify socket. The reload fails with that reason and the
 * serving worker stays; SIGTERM still stops everything cleanly. The cleanup job that ages out old
 * files in {@code /tmp}, where the runtime directory falls back to, passes over it.
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
                    + instanceDir.resolve("notify-2.sock")) + ": No such file or directory \\(ENOENT\\); gen=1 pid=" + serving
                    + " keeps serving");
            assertEquals(serving, Http.get(daemon.port(), "/").workerPid());
            assertEquals(1, Proc.workersOf(daemon.pid()).size(), "nothing was spawned");

            daemon.signal(Signals.SIGTERM);
            assertEquals(0, daemon.awaitExit(), daemon.log());
            assertTrue(Proc.group(serving).isEmpty(), "the worker drained and exited");
        }
    }

    @Test
    void theDailyCleanupOfTmpLeavesTheRuntimeDirectoryOfARunningDaemonAlone() throws Exception {
        Path tmpfiles = Path.of("/usr/bin/systemd-tmpfiles");
        Requirements.assumeInstalled(tmpfiles, "systemd");
        Requirements.assumeRoot("to let systemd-tmpfiles clean as it does on a system");
        Path runtimeDir = dir.resolve("run");
        Path instanceDir = runtimeDir.resolve("default");
        Path config = Files.writeString(dir.resolve("age.conf"), "d " + runtimeDir + " - - - 1s\n");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            Thread.sleep(2_000); // older than the age in the config, as after ten days in /tmp

            Process clean = new ProcessBuilder(tmpfiles.toString(), "--clean", config.toString())
                    .redirectErrorStream(true).start();
            String output = new String(clean.getInputStream().readAllBytes());
            assertEquals(0, clean.waitFor(), output);

            for (String name : new String[] {"lock", "control.sock", "notify-1.sock"}) {
                assertTrue(Files.exists(instanceDir.resolve(name), LinkOption.NOFOLLOW_LINKS), name + " was cleaned up");
            }
            Client.Result second = new Client(dir).run("--cmd", Fixture.worker(), "--listen", "127.0.0.1:0",
                    "--runtime-dir", runtimeDir.toString());
            assertTrue(second.err().contains("endlessd 'default' is already running (pid " + daemon.pid() + ")"),
                    second.toString());
            daemon.signal(Signals.SIGHUP);
            daemon.awaitServing(2);
        }
    }
}
