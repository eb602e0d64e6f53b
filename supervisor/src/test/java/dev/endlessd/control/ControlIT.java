package dev.endlessd.control;

import static dev.endlessd.it.DaemonProcess.await;
import static dev.endlessd.it.DaemonProcess.processExists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Http;
import dev.endlessd.it.Proc;
import dev.endlessd.it.Requirements;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane end to end: the real launcher as daemon and as client, the python fixture as
 * worker, the control socket in a private runtime directory under a temporary directory.
 */
@Timeout(120)
class ControlIT {
    private static final Pattern RELOADED = Pattern.compile("reloaded gen=(\\d+) pid=(\\d+) time_to_ready=\\d+ms\n");

    @TempDir
    Path dir;
    private Path runtimeDir;
    private Path workerArgs;
    private Client client;

    @BeforeEach
    void paths() throws IOException {
        runtimeDir = dir.resolve("run");
        workerArgs = dir.resolve("worker-args");
        Files.writeString(workerArgs, "");
        client = new Client(dir);
    }

    /** A daemon whose worker takes its switches from {@link #workerArgs} anew at every spawn. */
    private DaemonProcess startDaemon(String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--cmd", Fixture.worker("$(cat " + workerArgs + ")"), "--listen", "web=127.0.0.1:0"));
        args.addAll(List.of(extra));
        return DaemonProcess.start(dir, args.toArray(String[]::new));
    }

    private static int port(DaemonProcess daemon) {
        return Integer.parseInt(daemon.awaitLog("listening on web=127\\.0\\.0\\.1:(\\d+)").group(1));
    }

    private Client.Result endlessd(String... args) throws IOException, InterruptedException {
        List<String> withDir = new java.util.ArrayList<>(List.of(args));
        withDir.addAll(List.of("--runtime-dir", runtimeDir.toString()));
        return client.run(withDir.toArray(String[]::new));
    }

    private static int answeringPid(int port) {
        try {
            return Http.get(port, "/").workerPid();
        } catch (IOException e) {
            throw new AssertionError("worker did not answer on port " + port, e);
        }
    }

    @Test
    void aWrongNameIsAnsweredWithTheNamesThatRun() throws Exception {
        try (DaemonProcess daemon = startDaemon("--name", "shop")) {
            daemon.awaitServing(1);

            Client.Result status = endlessd("status", "--name", "sohp");

            assertEquals(3, status.exitCode(), status.toString());
            assertTrue(status.err().contains("running in " + runtimeDir + ": shop (pass --name shop)"), status.toString());
        }
    }

    @Test
    void reloadWaitsUntilTheNewWorkerIsReadyAndNamesIt() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            int first = daemon.awaitServing(1);
            int port = port(daemon);

            Client.Result reload = endlessd("reload");

            assertEquals(0, reload.exitCode(), reload.toString());
            Matcher reloaded = RELOADED.matcher(reload.out());
            assertTrue(reloaded.matches(), reload.toString());
            assertEquals("2", reloaded.group(1));
            int second = Integer.parseInt(reloaded.group(2));
            assertNotEquals(first, second);
            assertEquals("", reload.err());
            // the old worker drains and may still take an accept or two until it closes its copy
            await("the new worker answers", () -> answeringPid(port) == second);
            await("the old worker is gone", () -> !processExists(first));
        }
    }

    @Test
    void reloadWhoseNewWorkerExitsFailsWithTheExitStatusAndTheOldWorkerKeepsServing() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            int first = daemon.awaitServing(1);
            int port = port(daemon);
            Files.writeString(workerArgs, "--exit-at-start 3");

            Client.Result reload = endlessd("reload");

            assertEquals(1, reload.exitCode(), reload.toString());
            assertEquals("endlessd: reload gen=2 failed: worker exited with exit status 3 before it was ready; gen=1 pid="
                    + first + " keeps serving\n", reload.err());
            assertEquals("", reload.out());
            for (int i = 0; i < 5; i++) {
                assertEquals(first, answeringPid(port));
            }
        }
    }

    @Test
    void reloadNoWaitReturnsOnceAcceptedAndTheReloadStillHappens() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            daemon.awaitServing(1);

            Client.Result reload = endlessd("reload", "--no-wait");

            assertEquals(0, reload.exitCode(), reload.toString());
            assertEquals("reload accepted\n", reload.out());
            daemon.awaitServing(2);
        }
    }

    @Test
    void statusJsonParsesAndNamesTheServingWorker() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            daemon.awaitServing(1);
            int port = port(daemon);
            int serving = answeringPid(port);

            Client.Result status = endlessd("status", "--json");

            assertEquals(0, status.exitCode(), status.toString());
            JsonNode json = new ObjectMapper().readTree(status.out());
            assertEquals(daemon.pid(), json.get("pid").asLong());
            assertEquals("default", json.get("name").asText());
            assertEquals("serving", json.get("phase").asText());
            assertEquals("127.0.0.1:" + port, json.get("listeners").get(0).get("address").asText());
            assertEquals(serving, json.get("serving").get("pid").asInt());
            JsonNode worker = json.get("workers").get(0);
            assertEquals(serving, worker.get("pid").asInt());
            assertEquals("ready", worker.get("state").asText());
            assertEquals("serving gen 1", worker.get("status").asText(), "the worker's last STATUS=");
            assertEquals("start", json.get("last_reload").get("kind").asText());
            assertEquals("succeeded", json.get("last_reload").get("outcome").asText());
            long timeToReady = json.get("last_reload").get("time_to_ready_ms").asLong();
            assertTrue(timeToReady > 0, "a worker needs some time to start: " + json);
            assertEquals(timeToReady, json.get("last_reload").get("took_ms").asLong(), "a start takes its time to ready");
        }
    }

    @Test
    void statusTextShowsDaemonWorkersAndTheLastReload() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            int first = daemon.awaitServing(1);

            Client.Result status = endlessd("status");

            assertEquals(0, status.exitCode(), status.toString());
            assertTrue(status.out().startsWith("endlessd 'default' pid " + daemon.pid() + ": serving, up "), status.out());
            assertTrue(status.out().contains("\n  web=127.0.0.1:"), status.out());
            assertTrue(status.out().matches("(?s).*\n  gen=1 +pid=" + first + " +ready +up [^\n]+ serving gen 1\n.*"),
                    status.out());
            assertTrue(status.out().contains("\nlast reload: start succeeded: gen=1 pid=" + first + " ready after "),
                    status.out());
        }
    }

    @Test
    void stopDrainsTheWorkersAndReturnsOnlyOnceTheDaemonHasExited() throws Exception {
        Path pidFile = dir.resolve("endlessd.pid");
        try (DaemonProcess daemon = startDaemon("--pid-file", pidFile.toString())) {
            int worker = daemon.awaitServing(1);
            assertEquals(daemon.pid() + "\n", Files.readString(pidFile));

            Client.Result stop = endlessd("stop");

            assertEquals(0, stop.exitCode(), stop.toString());
            assertEquals("stopped pid=" + daemon.pid() + "\n", stop.out());
            assertFalse(processExists(daemon.pid()) && !isZombie(daemon.pid()), "the daemon has exited");
            assertFalse(processExists(worker), "the worker is gone");
            assertEquals(0, daemon.awaitExit());
            assertFalse(Files.exists(pidFile), "the pid file is removed");
            assertFalse(Files.exists(runtimeDir.resolve("default").resolve("control.sock")), "the control socket is removed");
        }
    }

    /** The daemon is our child: after it exits it stays a zombie until the JDK reaps it. */
    private static boolean isZombie(long pid) {
        Proc.Stat stat = Proc.stat(pid);
        return stat == null || stat.zombie();
    }

    @Test
    void aSecondDaemonWithTheSameNameIsRefusedBeforeItBindsItsListeners() throws Exception {
        try (DaemonProcess first = startDaemon()) {
            first.awaitServing(1);
            int port = port(first);
            Path secondDir = Files.createDirectory(dir.resolve("second"));

            // the same port: a daemon that bound before checking would complain about the port instead
            try (DaemonProcess second = DaemonProcess.startRaw(secondDir, Map.of(), List.of(
                    DaemonProcess.launcher().toString(), "--cmd", Fixture.worker(), "--listen", "127.0.0.1:" + port,
                    "--runtime-dir", runtimeDir.toString()))) {
                assertEquals(1, second.awaitExit());
                assertTrue(second.log().contains("cannot start: endlessd 'default' is already running (pid " + first.pid()
                        + "): stop it (endlessd stop --name default) or choose another --name"), second.log());
                assertFalse(second.log().contains("in use"), second.log());
            }
            assertEquals(0, endlessd("status").exitCode(), "the first daemon still answers");
        }
    }

    @Test
    void aClientOfAnotherUserIsRefusedByItsPeerCredentials() throws Exception {
        Requirements.assumeRoot("to run a client as nobody");
        Requirements.assumeInstalled(Path.of("/usr/bin/setpriv"), "util-linux");
        try (DaemonProcess daemon = startDaemon()) {
            int first = daemon.awaitServing(1);
            // The 0700 runtime directory and the 0600 socket already keep other users out. Loosen
            // both here so the connection gets as far as the SO_PEERCRED check, the fence this tests.
            for (Path path : List.of(dir, runtimeDir, runtimeDir.resolve("default"))) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx--x--x"));
            }
            Files.setPosixFilePermissions(runtimeDir.resolve("default").resolve("control.sock"),
                    PosixFilePermissions.fromString("rw-rw-rw-"));

            // and the client runs from a copy that nobody can read, wherever the build tree is
            Path bin = Files.createDirectory(dir.resolve("bin"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwxr-xr-x")));
            Path launcher = Files.copy(DaemonProcess.launcher(), bin.resolve("endlessd"));
            Files.copy(DaemonProcess.launcher().resolveSibling("endlessd.jar"), bin.resolve("endlessd.jar"));
            Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(bin.resolve("endlessd.jar"), PosixFilePermissions.fromString("rw-r--r--"));

            Client.Result reload = new Client(dir, List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup",
                    "--clear-groups"), launcher).run("reload", "--runtime-dir", runtimeDir.toString());

            assertEquals(4, reload.exitCode(), reload.toString());
            assertTrue(reload.err().matches("endlessd: uid \\d+ may not control endlessd 'default', which runs as uid 0 "
                    + "\\(run the command as uid 0 or as root\\)\n"), reload.toString());
            daemon.awaitLog("control: refused pid \\d+ uid \\d+: only uid 0 and root may control endlessd 'default'");
            assertFalse(daemon.log().contains("reload requested"), daemon.log());
            assertEquals(first, answeringPid(port(daemon)));
        }
    }

    @Test
    void garbageOnTheControlSocketGetsAnErrorAndTheDaemonKeepsWorking() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            daemon.awaitServing(1);
            Path socket = runtimeDir.resolve("default").resolve("control.sock");

            assertTrue(exchange(socket, new byte[] {(byte) 0xde, (byte) 0xad, 0, (byte) 0xbe, '\n'})
                    .startsWith("error invalid request \"\\xde\\xad\\x00\\xbe\" is not printable ASCII"));
            assertTrue(exchange(socket, "reload please\n".getBytes(StandardCharsets.US_ASCII))
                    .startsWith("error invalid unknown request \"reload please\""));
            assertTrue(exchange(socket, "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII))
                    .startsWith("error invalid request longer than 256 bytes"));
            try (SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                Client.Result reload = endlessd("reload");
                assertEquals(0, reload.exitCode(), "a client that says nothing holds up no one: " + reload + daemon.log());
            }
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                probe.shutdownOutput();
                assertEquals(-1, probe.read(ByteBuffer.allocate(64)), "a probe that leaves without a word gets no answer");
            }
            assertTrue(daemon.isAlive());
        }
    }

    /** Sends raw bytes, half-closes, and returns everything the daemon answered. */
    private static String exchange(Path socket, byte[] request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(request);
            try {
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                channel.shutdownOutput();
            } catch (IOException closedEarly) {
                // the daemon refuses an oversized request before it has all of it
            }
            ByteBuffer in = ByteBuffer.allocate(4096);
            try {
                while (channel.read(in) >= 0) {
                    // to the end of the answer
                }
            } catch (IOException reset) {
                // the daemon closed with our unread bytes in its buffer; its answer arrived before that
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void withNoDaemonCommandsExit3AndNameTheSocketTheyTried() throws Exception {
        Path socket = runtimeDir.resolve("default").resolve("control.sock");

        Client.Result missing = endlessd("reload");
        assertEquals(3, missing.exitCode(), missing.toString());
        assertTrue(missing.err().startsWith("endlessd: no endlessd is running there: " + socket + " does not exist"),
                missing.toString());

        Files.createDirectories(socket.getParent());
        ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        crashed.bind(UnixDomainSocketAddress.of(socket));
        crashed.close();
        Client.Result stale = endlessd("stop");
        assertEquals(3, stale.exitCode(), stale.toString());
        assertTrue(stale.err().startsWith("endlessd: no endlessd answers at " + socket + " (connection refused)"),
                stale.toString());
    }

    @Test
    void aStaleControlSocketFromACrashedDaemonIsReplaced() throws Exception {
        Path socket = runtimeDir.resolve("default").resolve("control.sock");
        Files.createDirectories(socket.getParent());
        ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        crashed.bind(UnixDomainSocketAddress.of(socket));
        crashed.close();

        try (DaemonProcess daemon = startDaemon()) {
            daemon.awaitServing(1);
            daemon.awaitLog("removed stale control socket " + Pattern.quote(socket.toString()));
            assertEquals(0, endlessd("status").exitCode());
        }
    }

    @Test
    void anExplicitControlSocketPathWorksForDaemonAndClient() throws Exception {
        Path socket = dir.resolve("ctl.sock");
        try (DaemonProcess daemon = startDaemon("--control-socket", socket.toString())) {
            daemon.awaitServing(1);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));

            Client.Result status = client.run("status", "--json", "--control-socket", socket.toString());

            assertEquals(0, status.exitCode(), status.toString());
            assertEquals(socket.toString(), new ObjectMapper().readTree(status.out()).get("control_socket").asText());
        }
    }

    @Test
    void theBuildMadeABashCompletionScriptThatKnowsEveryCommandAndFlag() throws IOException {
        String script = Files.readString(DaemonProcess.launcher().resolveSibling("endlessd_completion"));
        assertTrue(script.contains("local commands=\"reload upgrade status stop\""), "subcommands are completed");
        assertTrue(script.contains("'--no-wait'") && script.contains("'--json'") && script.contains("'--control-socket'"));
    }
}
