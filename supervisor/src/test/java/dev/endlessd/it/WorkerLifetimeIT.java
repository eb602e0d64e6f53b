package dev.endlessd.it;

import static dev.endlessd.it.DaemonProcess.await;
import static dev.endlessd.it.DaemonProcess.processExists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Workers never outlive their welcome: not their forked children, not a killed endlessd, and not their privileges. */
@Timeout(120)
class WorkerLifetimeIT {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path dir;

    @Test
    void childrenAWorkerStartedWithoutExecAreStoppedWhenItExits() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--drain-timeout", "5s",
                "--cmd", Fixture.worker("--fork-server"), "--listen", "127.0.0.1:0")) {
            int shell = daemon.awaitServing(1);
            int server = Http.get(daemon.port(), "/").workerPid();
            assertTrue(server != shell, "the fixture serves from a forked child");

            daemon.signal(Signals.SIGHUP);
            daemon.awaitServing(2);

            daemon.awaitLog("gen=1 pid=" + shell + " exited but processes it started are still running in its process"
                    + " group .*: SIGTERM to the group");
            daemon.awaitLog("gen=1 pid=" + shell + ": the processes left in its group are gone");
            assertTrue(!processExists(server), "the forked server drained on SIGTERM and exited");
            assertTrue(daemon.log().lines().noneMatch(line -> line.contains("sending SIGKILL")), daemon.log());
        }
    }

    @Test
    void workersDrainAndExitWhenEndlessdIsKilledAndTheAddressCanBeBoundAgain() throws Exception {
        Requirements.assumeInstalled(SETPRIV, "util-linux");
        int port;
        int worker;
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            worker = daemon.awaitServing(1);
            port = daemon.port();

            daemon.signal(Signals.SIGKILL);

            try {
                await("worker " + worker + " exits after its parent-death signal", () -> !processExists(worker));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; its /proc status: " + procStatus(worker) + "; log:\n"
                        + daemon.log(), e);
            }
        }
        Path again = Files.createDirectory(dir.resolve("again"));
        try (DaemonProcess restarted = DaemonProcess.start(again, "--cmd", Fixture.worker(),
                "--listen", "127.0.0.1:" + port)) {
            restarted.awaitServing(1);
            assertEquals(200, Http.get(port, "/").status());
        }
    }

    @Test
    void withUserWorkersRunUnprivilegedOnAPortOnlyRootCouldBind() throws Exception {
        Requirements.assumeRoot("to run workers as nobody on a port below 1024");
        Requirements.assumeInstalled(SETPRIV, "util-linux");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path worker = Files.copy(Fixture.workerScript(), shared.resolve("worker.py"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(worker, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path report = shared.resolve("report.json");
        int port = freePrivilegedPort();

        try (DaemonProcess daemon = DaemonProcess.start(dir, Map.of(), "--user", "nobody",
                "--cmd", "/usr/bin/python3 " + worker + " --report " + report, "--listen", "127.0.0.1:" + port)) {
            int pid = daemon.awaitServing(1);
            daemon.awaitLog("workers run as user nobody \\(uid 65534");

            JsonNode started = new ObjectMapper().readTree(report.toFile());
            assertEquals(65534, started.get("uid").asInt());
            assertEquals(Integer.toString(pid), started.get("env").get("LISTEN_PID").asText(),
                    "setpriv execs, so the worker keeps the pid LISTEN_PID names");
            assertEquals(pid, Http.get(port, "/").workerPid());
            Path notify = Path.of(started.get("env").get("NOTIFY_SOCKET").asText());
            assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(notify.getParent())),
                    "others may pass through the runtime directory but not list it");

            daemon.signal(Signals.SIGHUP);
            daemon.awaitServing(2);
        }
    }

    /**
     * The worker, with a shell step in front that records its niceness the moment it starts: python
     * itself may take longer to start than the limit of the lower priority on a busy machine.
     */
    private String recordingNiceness(Path nice, String... args) {
        return "sh -c 'nice > " + nice + "; exec " + Fixture.worker(args) + "'";
    }

    private static int niceness(Path recorded) throws IOException {
        await("the niceness recorded at start", () -> Files.exists(recorded) && !readQuietly(recorded).isBlank());
        return Integer.parseInt(Files.readString(recorded).trim());
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void aNewWorkerStartsNicerAndGetsItsPriorityBackOnceReady() throws Exception {
        Requirements.assumeRoot("to give a ready worker its CPU priority back (--startup-nice)");
        Path recorded = dir.resolve("nice");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--startup-nice", "7",
                "--cmd", recordingNiceness(recorded), "--listen", "127.0.0.1:0")) {
            int pid = daemon.awaitServing(1);

            assertEquals(Posix.niceness() + 7, niceness(recorded), "niceness while starting");
            await("every thread of the ready worker back at endlessd's niceness",
                    () -> threadNiceness(pid).stream().allMatch(nice -> nice == Posix.niceness()));
            assertTrue(threadNiceness(pid).size() > 1, "the fixture serves from several threads");
        }
    }

    @Test
    void aWorkerThatTakesLongToBeReadyGetsItsPriorityBackAfterTheLimit() throws Exception {
        Requirements.assumeRoot("to give a ready worker its CPU priority back (--startup-nice)");
        Path recorded = dir.resolve("nice");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--startup-nice", "7",
                "--cmd", recordingNiceness(recorded, "--ready-delay", "12"), "--listen", "127.0.0.1:0")) {
            int pid = Integer.parseInt(daemon.awaitLog("gen=1 pid=(\\d+) spawned").group(1));
            assertEquals(Posix.niceness() + 7, niceness(recorded), "niceness while starting");

            daemon.awaitLog("gen=1 pid=" + pid + ".*not ready after 5s: back to the serving CPU share");
            assertTrue(threadNiceness(pid).stream().allMatch(nice -> nice == Posix.niceness()),
                    "every thread back at endlessd's niceness before READY: " + threadNiceness(pid));
            assertFalse(daemon.log().contains("gen=1 pid=" + pid + " serves"), "the limit passed before READY");
        }
    }

    private static String procStatus(int pid) {
        Map<String, String> status = Proc.status(Integer.toString(pid));
        if (status.isEmpty()) {
            return "gone";
        }
        return status.entrySet().stream()
                .filter(field -> field.getKey().matches("State|PPid|SigQ|SigPnd|ShdPnd|SigBlk|SigIgn|SigCgt"))
                .map(field -> field.getKey() + ":\t" + field.getValue()).toList().toString();
    }

    private static java.util.List<Integer> threadNiceness(int pid) {
        java.util.List<Integer> niceness = Proc.threads(pid).stream().map(Proc.Stat::nice).toList();
        if (niceness.isEmpty()) {
            throw new AssertionError("worker " + pid + " is gone");
        }
        return niceness;
    }

    @Test
    void anUnknownUserIsAUsageError() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--user", "no-such-user-here",
                "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            assertEquals(2, daemon.awaitExit());
            assertTrue(daemon.log().contains("user: \"no-such-user-here\" (no such user; expected: an existing user)"),
                    daemon.log());
        }
    }

    private static int freePrivilegedPort() throws IOException {
        for (int port = 1023; port > 900; port--) {
            try (ServerSocket probe = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new IOException("no free port below 1024");
    }
}
