package dev.endlessd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Root's HOME, USER and SHELL do not follow a {@code --user} worker, nor the tools in root's home on
 * its PATH: 0.1.0's nobody worker got {@code HOME=/root}, and {@code python3} resolved to root's pyenv
 * shim, which failed (exit 126). Here root's home has a {@code python3} of its own that fails the same way.
 */
@Timeout(120)
class UserEnvironmentIT {
    @TempDir
    Path dir;

    @Test
    void aUserWorkerGetsItsOwnHomeUserAndShellAndNoToolsFromRootsHome() throws Exception {
        Nobody.assumeAvailable();
        Path shared = Nobody.sharedDirectory(dir);
        Path rootHome = Files.createDirectories(dir.resolve("root-home").resolve("bin"));
        Files.setPosixFilePermissions(rootHome.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path shim = Files.writeString(rootHome.resolve("python3"), "#!/bin/sh\necho \"root's own python3\" >&2\nexit 126\n");
        Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path report = shared.resolve("report.json");
        Map<String, String> rootsEnvironment = Map.of("HOME", rootHome.getParent().toString(),
                "PATH", rootHome + ":/usr/bin:/bin", "USER", "root", "LOGNAME", "root", "SHELL", "/bin/bash");

        try (DaemonProcess daemon = DaemonProcess.start(dir, rootsEnvironment, "--user", "nobody",
                "--cmd", "python3 " + shared.resolve("worker.py") + " --report " + report, "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            daemon.awaitLog("workers run as user nobody \\(uid 65534, gid 65534\\) with HOME=/nonexistent"
                    + " SHELL=/usr/sbin/nologin, PATH without " + rootHome + " \\(inside endlessd's own HOME\\)");

            JsonNode environment = new ObjectMapper().readTree(report.toFile()).get("env");
            assertEquals("/nonexistent", environment.get("HOME").asText());
            assertEquals("nobody", environment.get("USER").asText());
            assertEquals("nobody", environment.get("LOGNAME").asText());
            assertEquals("/usr/sbin/nologin", environment.get("SHELL").asText());
            assertEquals("/usr/bin:/bin", environment.get("PATH").asText());
        }
    }
}
