package dev.endlessd.attacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Nobody;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root starts endlessd with {@code --pid-file} in a directory another user can write. 0.1.0 wrote
 * the pid through {@code .NAME.PID.tmp}, a name that user could predict and plant as a symlink to
 * any file root may write. The daemon's pid is made known before it starts here (a shell prints it,
 * then waits on a FIFO and execs endlessd), as a patient attacker would guess it.
 */
@Timeout(120)
class PidFileIT {
    @TempDir
    Path dir;

    @Test
    void aSymlinkPlantedAtThePredictableTemporaryNameDoesNotRedirectTheWrite() throws Exception {
        Nobody.assumeAvailable();
        Path shared = Nobody.sharedDirectory(dir);
        Path precious = Files.writeString(dir.resolve("precious"), "root's data\n");
        Path pidFile = shared.resolve("endlessd.pid");
        Path hint = dir.resolve("pid-hint");
        Path go = dir.resolve("go");
        assertEquals(0, new ProcessBuilder("mkfifo", go.toString()).start().waitFor());
        List<String> command = List.of("/bin/sh", "-c", "echo $$ > " + hint + "; read line < " + go + "; exec \"$@\"",
                "sh", DaemonProcess.launcher().toString(), "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0",
                "--pid-file", pidFile.toString(), "--runtime-dir", dir.resolve("run").toString());

        try (DaemonProcess daemon = DaemonProcess.startRaw(dir, Map.of(), command)) {
            DaemonProcess.await("the daemon's pid is known", () -> Files.exists(hint));
            String pid = Files.readString(hint).strip();
            Nobody.runToEnd("ln", "-s", precious.toString(), shared.resolve(".endlessd.pid." + pid + ".tmp").toString());
            Files.writeString(go, "go\n");

            daemon.awaitServing(1);

            assertEquals("root's data\n", Files.readString(precious));
            assertFalse(Files.isSymbolicLink(pidFile), "the pid file is a file of its own");
            assertEquals(pid + "\n", Files.readString(pidFile));
        }
    }
}
