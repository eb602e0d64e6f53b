package dev.endlessd.faults;

import static dev.endlessd.faults.FailedReloads.assertReloadFailsCleanly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A --cmd that cannot run: at start endlessd refuses to run (exit 1 when the first worker fails,
 * 2 for a command that is no command at all); on reload the reload fails and the old worker stays.
 * The reload cases run the server through a script that the test deletes, makes non-executable or
 * empties between generations, as an operator's deploy might.
 */
@Timeout(120)
class BadCommandIT {
    @TempDir
    Path dir;
    private Path runtimeDir;
    private Path script;
    private Client client;

    @BeforeEach
    void paths() throws IOException {
        runtimeDir = dir.resolve("run");
        script = dir.resolve("server.sh");
        Files.writeString(script, "#!/bin/sh\nexec " + Fixture.worker() + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        client = new Client(dir);
    }

    private void assertRefusesToStart(DaemonProcess daemon, String reason) throws InterruptedException, IOException {
        assertEquals(1, daemon.awaitExit(), daemon.log());
        assertTrue(daemon.log().contains("first worker failed: " + reason
                + "; nothing is serving, so endlessd stops (fix --cmd and start again)"), daemon.log());
        assertFalse(Files.exists(runtimeDir.resolve("default")), "a refused start leaves no runtime directory behind");
        // The daemon has exited, so it has no children to look at: the worker's own process group must be empty.
        long worker = Long.parseLong(daemon.awaitLog("gen=1 pid=(\\d+) spawned").group(1));
        assertEquals(List.of(), Proc.group(worker), "no process of the worker is left");
    }

    @Test
    void aCommandThatIsNotFoundIsRefusedAtStartWithExit1() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", dir.resolve("no-such-server").toString(),
                "--listen", "127.0.0.1:0")) {
            assertRefusesToStart(daemon, "worker exited with exit status 127 (command not found) before it was ready");
        }
    }

    /** The commonest first-run mistake: the server binds the port itself, which endlessd already holds. */
    @Test
    void aFirstWorkerThatBindsThePortItselfIsToldThatEndlessdHoldsItAndToTakeFd3() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker("--bind-itself"),
                "--listen", "127.0.0.1:0")) {
            assertRefusesToStart(daemon, "worker exited with exit status 1 before it was ready; if it said \"Address"
                    + " already in use\": endlessd holds the listening sockets, so the server must take them from fd 3 on"
                    + " (LISTEN_FDS, as with systemd socket activation) instead of binding the port itself; a Java server"
                    + " gets that from endlessd's Java agent (keep --java-agent=on); see the README, \"What your server"
                    + " is responsible for\" and \"Java apps: nothing to change\"");
            assertTrue(daemon.log().contains("Address already in use"), "the worker's own error is in the log too: "
                    + daemon.log());
        }
    }

    @Test
    void aSetupStepWithoutItsOwnShellFailsWithTheShellsMessageNotAWrappersOne() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", "cd " + dir + " && exec " + Fixture.worker(),
                "--listen", "127.0.0.1:0")) {
            assertRefusesToStart(daemon, "worker exited with exit status 127 (command not found) before it was ready");
            assertTrue(daemon.log().contains("exec: cd: not found"), daemon.log());
            assertFalse(daemon.log().contains("setpriv"), "setpriv is endlessd's own wrapper, not the user's: " + daemon.log());
        }
    }

    @Test
    void aCommandThatStartedAChildBeforeItFailedLeavesNothingOfItsGroup() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", "sleep 300 & exec " + dir.resolve("no-such-server"),
                "--listen", "127.0.0.1:0")) {
            assertRefusesToStart(daemon, "worker exited with exit status 127 (command not found) before it was ready");
        }
    }

    @Test
    void aCommandThatIsNotExecutableIsRefusedAtStartWithExit1() throws Exception {
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", script.toString(), "--listen", "127.0.0.1:0")) {
            assertRefusesToStart(daemon, "worker exited with exit status 126 (command not executable) before it was ready");
        }
    }

    @Test
    void anEmptyOrBlankCommandIsAUsageErrorWithExit2() throws Exception {
        for (String empty : List.of("", "   ")) {
            Client.Result start = client.run("--cmd", empty, "--listen", "127.0.0.1:0",
                    "--runtime-dir", runtimeDir.toString());

            assertEquals(2, start.exitCode(), start.toString());
            assertEquals("endlessd: cmd: \"" + empty + "\" (expected: a command line, e.g. --cmd \"java -jar app.jar\")\n"
                    + "Try 'endlessd --help'\n", start.err());
        }
        Client.Result missing = client.run("--listen", "127.0.0.1:0", "--runtime-dir", runtimeDir.toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().startsWith("endlessd: missing --cmd CMD (the command that runs your server"),
                missing.toString());
        assertFalse(Files.exists(runtimeDir), "a usage error touches nothing");
    }

    @Test
    void aReloadWhoseCommandWasDeletedFailsAndTheOldWorkerStays() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", script.toString(), "--listen", "127.0.0.1:0")) {
            int serving = daemon.awaitServing(1);
            Files.delete(script);

            assertReloadFailsCleanly(daemon, client, runtimeDir, serving, 2,
                    "worker exited with exit status 127 (command not found) before it was ready");
        }
    }

    @Test
    void aReloadWhoseCommandLostItsExecuteBitFailsAndTheOldWorkerStays() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", script.toString(), "--listen", "127.0.0.1:0")) {
            int serving = daemon.awaitServing(1);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

            assertReloadFailsCleanly(daemon, client, runtimeDir, serving, 2,
                    "worker exited with exit status 126 (command not executable) before it was ready");
        }
    }

    @Test
    void aReloadWhoseCommandWasEmptiedFailsAsAWorkerThatExitedAndTheOldWorkerStays() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", script.toString(), "--listen", "127.0.0.1:0")) {
            int serving = daemon.awaitServing(1);
            // an executable file without a #! line runs as a shell script: empty, it exits 0 at once
            Files.writeString(script, "");

            assertReloadFailsCleanly(daemon, client, runtimeDir, serving, 2,
                    "worker exited with exit status 0 before it was ready");
        }
    }
}
