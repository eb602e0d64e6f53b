package dev.endlessd.it;

import static dev.endlessd.it.DaemonProcess.processExists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** endlessd end to end: the real launcher, real worker processes, real sockets on 127.0.0.1. */
@Timeout(120)
class EndlessdIT {
    @TempDir
    Path dir;

    @Test
    void fdsAndEnvironmentArriveAsPromised() throws Exception {
        Path report = dir.resolve("report.json");
        Path unixSocket = dir.resolve("app.sock");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--name", "shop",
                "--cmd", Fixture.worker("--report", report.toString()),
                "--listen", "web=127.0.0.1:0", "--listen", "unix:" + unixSocket)) {
            int pid = daemon.awaitServing(1);
            JsonNode started = new ObjectMapper().readTree(report.toFile());

            assertEquals(pid, started.get("pid").asInt());
            JsonNode env = started.get("env");
            assertEquals(Integer.toString(pid), env.get("LISTEN_PID").asText(), "LISTEN_PID must be the worker's own pid");
            assertEquals("2", env.get("LISTEN_FDS").asText());
            assertEquals("web:unix-app.sock", env.get("LISTEN_FDNAMES").asText());
            assertEquals("1", env.get("ENDLESSD_GENERATION").asText());
            assertEquals("shop", env.get("ENDLESSD_NAME").asText());
            assertEquals("5", env.get("ENDLESSD_NOTIFY_FD").asText(), "the notify client follows the listeners");
            assertEquals("30000", env.get("ENDLESSD_DRAIN_TIMEOUT_MS").asText());
            Path notify = Path.of(env.get("NOTIFY_SOCKET").asText());
            assertEquals(dir.resolve("run").resolve("shop"), notify.getParent(), "notify socket in the private runtime dir");
            assertEquals("rwx------",
                    java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(notify.getParent())));

            List<String> fds = new ArrayList<>();
            started.get("fds").fieldNames().forEachRemaining(fds::add);
            assertEquals(List.of("0", "1", "2", "3", "4", "5"), fds,
                    "exactly stdio, the two listeners and the notify client: " + started.get("fds"));
            for (String fd : List.of("3", "4", "5")) {
                assertTrue(started.get("fds").get(fd).asText().startsWith("socket:"), fd + ": " + started.get("fds"));
            }
            assertEquals("/dev/null", started.get("stdin").asText());
            assertEquals("0000000000000000", started.get("sigblk").asText(), "no signal may be blocked in a worker");
            assertEquals(pid, started.get("pgid").asInt(), "each worker leads its own process group");
            assertEquals("[true,true]", started.get("nonblocking").toString(), "sockets are handed out non-blocking");
            assertEquals("[\"AF_INET\",\"AF_UNIX\"]", started.get("families").toString(),
                    "an IPv4 address gets an IPv4 socket, not a dual-stack IPv6 one");

            assertEquals(200, Http.get(daemon.port(), "/").status());
        }
    }

    @Test
    void aWorkerMayReportReadyWithAPlainWriteOnItsNotifyFd() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker("--ready-via-fd"),
                "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            assertEquals(first, Http.get(daemon.port(), "/").workerPid());

            daemon.signal(Signals.SIGHUP);
            int second = daemon.awaitServing(2);
            daemon.awaitLog("gen=1 pid=" + first + " exited after draining");
            assertEquals(second, Http.get(daemon.port(), "/").workerPid());
        }
    }

    @Test
    void workerJvmsGetTheJavaAgentAfterTheUsersOwnOptionsUnlessItIsOff() throws Exception {
        Path agent = Files.write(dir.resolve("agent.jar"), new byte[0]);
        Map<String, String> environment = Map.of("ENDLESSD_AGENT_JAR", agent.toString(),
                "JAVA_TOOL_OPTIONS", "-Dset.by.user=1");

        assertEquals("-Dset.by.user=1 -javaagent:" + agent.toRealPath(), javaToolOptions(environment, "on"));
        assertEquals("-Dset.by.user=1", javaToolOptions(environment, "off"));
    }

    private String javaToolOptions(Map<String, String> environment, String javaAgent) throws Exception {
        Path run = Files.createDirectories(dir.resolve(javaAgent));
        Path report = run.resolve("report.json");
        try (DaemonProcess daemon = DaemonProcess.start(run, environment, "--java-agent", javaAgent,
                "--cmd", Fixture.worker("--report", report.toString()), "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            return new ObjectMapper().readTree(report.toFile()).get("env").get("JAVA_TOOL_OPTIONS").asText();
        }
    }

    @Test
    void reloadReplacesTheWorkerAndTheSupervisorPidStaysTheSame() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            int port = daemon.port();
            assertEquals(first, Http.get(port, "/").workerPid());

            daemon.signal(Signals.SIGHUP);
            int second = daemon.awaitServing(2);

            assertNotEquals(first, second);
            // the old worker may take an accept or two until its drain closes its copy of the socket
            daemon.awaitLog("gen=1 pid=" + first + " exited after draining .*: exit status 0");
            assertEquals(second, Http.get(port, "/").workerPid());
            assertFalse(processExists(first));
            assertTrue(daemon.isAlive(), "the supervisor itself never restarts");
        }
    }

    @Test
    void continuousRequestsDuringSeveralReloadsAllSucceed() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            try (HttpLoad load = new HttpLoad(daemon.port(), 4)) {
                for (int generation = 2; generation <= 6; generation++) {
                    load.awaitMoreRequests(20);
                    daemon.signal(Signals.SIGHUP);
                    daemon.awaitServing(generation);
                }
                load.awaitMoreRequests(20);
                load.close();

                System.out.printf("continuous load over 5 reloads: %d ok, %d failed, %d workers served%n",
                        load.ok(), load.failures().size(), load.servedBy().size());
                assertEquals(List.of(), load.failures());
                assertTrue(load.servedBy().size() >= 5, "requests were served by " + load.servedBy());
            }
        }
    }

    @Test
    void aNewWorkerThatExitsBeforeReadyIsRolledBackAndTheOldOneKeepsAnswering() throws Exception {
        Path switches = dir.resolve("switches");
        try (DaemonProcess daemon = DaemonProcess.start(dir,
                "--cmd", Fixture.worker("--switches-file", switches.toString()), "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            Files.writeString(switches, "--exit-at-start 3");

            daemon.signal(Signals.SIGHUP);

            daemon.awaitLog("reload of gen=2 failed: worker exited with exit status 3 before it was ready; gen=1 pid="
                    + first + " keeps serving");
            assertEquals(first, Http.get(daemon.port(), "/").workerPid());
            Files.delete(switches);
            daemon.signal(Signals.SIGHUP);
            assertNotEquals(first, daemon.awaitServing(3), "a later reload still works");
        }
    }

    @Test
    void aNewWorkerThatNeverSendsReadyIsRolledBackAtTheReadyTimeout() throws Exception {
        Path switches = dir.resolve("switches");
        try (DaemonProcess daemon = DaemonProcess.startWithShortReadyTimeout(dir, "3s",
                "--cmd", Fixture.worker("--switches-file", switches.toString()), "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            Files.writeString(switches, "--never-ready");

            daemon.signal(Signals.SIGHUP);

            daemon.awaitLog("reload of gen=2 failed: worker not ready within 3s \\(--ready-timeout\\); gen=1 pid="
                    + first + " keeps serving");
            int silent = Integer.parseInt(daemon.awaitLog("gen=2 pid=(\\d+) exited after draining").group(1));
            assertFalse(processExists(silent));
            assertEquals(first, Http.get(daemon.port(), "/").workerPid());
        }
    }

    @Test
    void aWorkerThatIgnoresSigtermIsKilledAfterTheDrainTimeout() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--drain-timeout", "1s",
                "--cmd", Fixture.worker("--ignore-term"), "--listen", "127.0.0.1:0")) {
            int stubborn = daemon.awaitServing(1);

            daemon.signal(Signals.SIGHUP);
            daemon.awaitServing(2);

            daemon.awaitLog("gen=1 pid=" + stubborn + " still running 1s after SIGTERM .* sending SIGKILL");
            daemon.awaitLog("gen=1 pid=" + stubborn + " exited after draining .*: killed by SIGKILL");
            assertFalse(processExists(stubborn));
        }
    }

    @Test
    void aCrashedWorkerIsRestartedWhileTheSocketKeepsConnectionsWaiting() throws Exception {
        Path switches = dir.resolve("switches");
        Files.writeString(switches, "--crash-after 0.3");
        try (DaemonProcess daemon = DaemonProcess.start(dir,
                "--cmd", Fixture.worker("--switches-file", switches.toString()), "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            Files.delete(switches);

            daemon.awaitLog("gen=1 pid=" + first + " exited unexpectedly after serving .*: exit status 4");
            daemon.awaitLog("restarting in 100 ms");
            int restarted = daemon.awaitServing(2);

            assertEquals(restarted, Http.get(daemon.port(), "/").workerPid());
        }
    }

    @Test
    void sigtermDrainsEveryWorkerExitsZeroAndLeavesNoProcessBehind() throws Exception {
        DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0");
        try (daemon) {
            int first = daemon.awaitServing(1);
            daemon.signal(Signals.SIGHUP);
            int second = daemon.awaitServing(2);

            daemon.signal(Signals.SIGTERM);

            assertEquals(0, daemon.awaitExit(), daemon.log());
            assertFalse(processExists(first));
            assertFalse(processExists(second));
            assertFalse(Files.exists(dir.resolve("run").resolve("default")),
                    "the runtime directory goes with its sockets and lock, so stopped instances do not pile up");
            assertTrue(Files.isDirectory(dir.resolve("run")), "the base directory stays for other instances");
        }
    }

    @Test
    void aCommandThatCannotStartMakesEndlessdExit1WithTheReason() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", "no-such-server --port 1",
                "--listen", "127.0.0.1:0")) {
            assertEquals(1, daemon.awaitExit());
            assertTrue(daemon.log().contains("first worker failed: worker exited with exit status 127 (command not found)"),
                    daemon.log());
        }
    }

    @Test
    void socketsFromSystemdSocketActivationAreAdoptedAndPassedOn() throws Exception {
        Path activate = Path.of("/usr/bin/systemd-socket-activate");
        Requirements.assumeInstalled(activate, "systemd");
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path report = dir.resolve("report.json");
        List<String> command = List.of(activate.toString(), "--listen", "127.0.0.1:" + port,
                "--fdname", "api", DaemonProcess.launcher().toString(),
                "--cmd", Fixture.worker("--report", report.toString()), "--runtime-dir", dir.resolve("run").toString());
        try (DaemonProcess daemon = DaemonProcess.startRaw(dir, Map.of(), command)) {
            daemon.awaitLog("Listening on 127\\.0\\.0\\.1:" + port);
            int pid;
            try (Http.Pending first = Http.send(port, "/")) {
                // systemd-socket-activate starts endlessd on this first connection, which waits in the backlog
                // while endlessd and its first worker start
                pid = daemon.awaitServing(1);
                assertEquals(200, first.response().status());
            }
            daemon.awaitLog("listening on api=inherited fd 3");
            JsonNode started = new ObjectMapper().readTree(report.toFile());
            assertEquals("[true]", started.get("nonblocking").toString(),
                    "systemd passes the socket blocking; it is handed out non-blocking like a bound one");
            JsonNode env = started.get("env");
            assertEquals("api", env.get("LISTEN_FDNAMES").asText());
            assertEquals(Integer.toString(pid), env.get("LISTEN_PID").asText());
            assertEquals(pid, Http.get(port, "/").workerPid());
        }
    }

    @Test
    void startedWithSighupIgnoredItStaysIgnoredAndTheControlSocketStillReloads() throws Exception {
        List<String> command = List.of("nohup", DaemonProcess.launcher().toString(), "--cmd", Fixture.worker(),
                "--listen", "127.0.0.1:0", "--runtime-dir", dir.resolve("run").toString());
        try (DaemonProcess daemon = DaemonProcess.startRaw(dir, Map.of(), command)) {
            int first = daemon.awaitServing(1);
            daemon.awaitLog("SIGHUP was ignored when endlessd started \\(nohup\\?\\): reload with `endlessd reload` instead");

            daemon.signal(Signals.SIGHUP);
            Client.Result reload = new Client(dir).run("reload", "--runtime-dir", dir.resolve("run").toString());

            assertEquals(0, reload.exitCode(), reload.toString());
            assertTrue(reload.out().contains("gen=2"), "the SIGHUP started no reload, so this one made gen=2: " + reload);
            assertTrue(daemon.isAlive(), "a hangup does not end endlessd");
            daemon.awaitLog("gen=1 pid=" + first + " draining \\(replaced by gen=2\\)");
        }
    }
}
