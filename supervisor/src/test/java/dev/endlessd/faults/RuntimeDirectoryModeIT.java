package dev.endlessd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Http;
import dev.endlessd.it.Nobody;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * systemd re-applies {@code RuntimeDirectoryMode=0700} to the runtime directory each time it runs
 * {@code ExecReload=}, which took away the search permission {@code --user} workers need to reach
 * their notify socket: every later reload failed. Here the modes are changed by hand between reloads,
 * as systemd would, and each reload must still succeed.
 */
@Timeout(120)
class RuntimeDirectoryModeIT {
    @TempDir
    Path dir;

    @Test
    void withUserReloadsStillWorkAfterTheRuntimeDirectoryWasMadePrivateAgain() throws Exception {
        Nobody.assumeAvailable();
        Path shared = Nobody.sharedDirectory(dir);
        Path runtimeDir = dir.resolve("run");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--user", "nobody", "--cmd", Nobody.worker(shared),
                "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            for (int generation = 2; generation <= 3; generation++) {
                for (Path path : new Path[] {runtimeDir, runtimeDir.resolve("default")}) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
                }

                Client.Result reload = new Client(dir).run("reload", "--runtime-dir", runtimeDir.toString());

                assertEquals(0, reload.exitCode(), reload + daemon.log());
                int pid = daemon.awaitServing(generation);
                assertEquals(pid, Http.get(daemon.port(), "/").workerPid());
            }
        }
    }
}
