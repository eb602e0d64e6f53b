package dev.endlessd.attacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Nobody;
import dev.endlessd.it.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root starts endlessd from a terminal with {@code --user nobody}. In 0.1.0 the worker held that
 * terminal on fds 1 and 2 and stayed in root's session, so it could push characters into root's shell
 * with {@code TIOCSTI} (on kernels that allow it: every one before 6.2). {@code script(1)} gives
 * endlessd a terminal here; the worker tries the ioctl on fds 0 to 2 and reports what it holds.
 */
@Timeout(120)
class TerminalInjectionIT {
    private static final Path SCRIPT = Path.of("/usr/bin/script");

    @TempDir
    Path dir;

    @Test
    void aUserWorkerNeitherHoldsRootsTerminalNorCanTypeIntoIt() throws Exception {
        Nobody.assumeAvailable();
        Requirements.assumeInstalled(SCRIPT, "bsdutils"); // script(1) gives endlessd a terminal
        Path shared = Nobody.sharedDirectory(dir);
        Path report = shared.resolve("report.json");
        String worker = Nobody.worker(shared, "--report", report.toString(), "--try-tiocsti",
                "--say", "said-by-the-worker");
        String endlessd = DaemonProcess.launcher() + " --user nobody --listen 127.0.0.1:0 --runtime-dir "
                + dir.resolve("run") + " --cmd '" + worker + "'";

        try (DaemonProcess daemon = DaemonProcess.startRaw(dir, Map.of(),
                List.of(SCRIPT.toString(), "-qfec", endlessd, dir.resolve("typescript").toString()))) {
            int pid = daemon.awaitServing(1);

            JsonNode started = new ObjectMapper().readTree(report.toFile());
            for (String fd : List.of("0", "1", "2")) {
                assertNotEquals("injected", started.get("tiocsti").get(fd).asText(), "TIOCSTI on fd " + fd);
            }
            assertTrue(started.get("fds").get("1").asText().startsWith("pipe:"), started.toString());
            assertTrue(started.get("fds").get("2").asText().startsWith("pipe:"), started.toString());
            assertEquals(pid, started.get("sid").asInt(), "the worker leads a session of its own");
            daemon.awaitLog("stdout and stderr of --user workers reach this terminal through endlessd");
            daemon.awaitLog("(?s)said-by-the-worker.*said-by-the-worker");

            Client.Result stop = new Client(dir).run("stop", "--runtime-dir", dir.resolve("run").toString());
            assertEquals(0, stop.exitCode(), stop.toString());
            assertEquals(0, daemon.awaitExit(), daemon.log());
        }
    }
}
