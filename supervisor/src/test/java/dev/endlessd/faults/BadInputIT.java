package dev.endlessd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input everywhere, thrown at endlessd while another daemon (the bystander) serves from the
 * same runtime directory: usage errors exit 2 and touch nothing, startup failures exit 1, each
 * with one line that names the problem and the fix, never a stack trace; garbage on the control
 * socket is refused. The bystander serves throughout and still reloads at the end.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIT {
    private static final String BYSTANDER = "bystander";
    private static final String HELP_HINT = "Try 'endlessd --help'\n";

    @TempDir
    static Path dir;
    private static Path runtimeDir;
    private static Path unixSocket;
    private static Path regularFile;
    private static DaemonProcess bystander;
    private static int bystanderPort;
    private static Proc.Footprint bystanderBefore;
    private static Client client;

    @BeforeAll
    static void startTheBystander() throws IOException {
        runtimeDir = dir.resolve("run");
        unixSocket = dir.resolve("app.sock");
        regularFile = Files.writeString(dir.resolve("a-file"), "not a directory, not a socket\n");
        client = new Client(dir);
        bystander = DaemonProcess.start(dir, "--name", BYSTANDER, "--cmd", Fixture.worker(),
                "--listen", "127.0.0.1:0", "--listen", "unix:" + unixSocket);
        bystander.awaitServing(1);
        bystanderPort = bystander.port();
        bystanderBefore = Proc.Footprint.of(bystander.pid());
    }

    @AfterAll
    static void stopTheBystander() {
        bystander.close();
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of("port out of range", List.of("--listen", "127.0.0.1:99999"),
                        "listen: 127.0.0.1:99999 (port 99999 is out of range 0-65535; expected: :PORT, HOST:PORT,"
                                + " [IPV6]:PORT or unix:/PATH)"),
                Arguments.of("port not a number", List.of("--listen", "127.0.0.1:http"),
                        "listen: 127.0.0.1:http (port \"http\" is not a number; expected:"),
                Arguments.of("no port", List.of("--listen", "localhost"), "listen: localhost (no port: write localhost:PORT;"),
                Arguments.of("IPv6 address without port", List.of("--listen", "[::1]"), "listen: [::1] (no port: write [::1]:PORT;"),
                Arguments.of("port without address", List.of("--listen", "8080"),
                        "listen: 8080 (a port without an address: write :8080 for every address, or 127.0.0.1:8080"),
                Arguments.of("the same address twice", List.of("--listen", "127.0.0.1:8080", "--listen", "127.0.0.1:8080"),
                        "listen: 127.0.0.1:8080 is given twice (expected: each address once)"),
                Arguments.of("another tool's name for --listen", List.of("--port", "8080"),
                        "Unknown options: '--port', '8080'\nDid you mean --listen? e.g. --listen 127.0.0.1:8080"),
                Arguments.of("unknown scheme", List.of("--listen", "tcp://127.0.0.1:8080"),
                        "listen: tcp://127.0.0.1:8080 (unknown scheme \"tcp\"; expected:"),
                Arguments.of("IPv6 without brackets", List.of("--listen", "::1:8080"),
                        "listen: ::1:8080 (an IPv6 address needs brackets, e.g. [::1]:8080; expected:"),
                Arguments.of("abstract unix socket", List.of("--listen", "unix:@app"),
                        "abstract sockets are reachable by every local user; use a path in a private directory"),
                Arguments.of("negative drain timeout", List.of("--listen", ":0", "--drain-timeout", "-1s"),
                        "Invalid value for option '--drain-timeout': \"-1s\" (expected: a number and a unit, e.g."
                                + " 500ms, 3s, 2m, 1h)"),
                Arguments.of("ready timeout not a duration", List.of("--listen", ":0", "--ready-timeout", "banana"),
                        "Invalid value for option '--ready-timeout': \"banana\" (expected: a number and a unit"),
                Arguments.of("duration without unit", List.of("--listen", ":0", "--ready-timeout", "30"),
                        "Invalid value for option '--ready-timeout': \"30\" (expected: a number and a unit"),
                Arguments.of("ready-after not shorter than ready-timeout",
                        List.of("--listen", ":0", "--ready-after", "5s", "--ready-timeout", "2s"),
                        "ready-after: 5s (expected: shorter than --ready-timeout 2s)"),
                Arguments.of("zero backlog", List.of("--listen", ":0", "--backlog", "0"), "backlog: 0 (expected: > 0)"),
                Arguments.of("unknown option", List.of("--listen", ":0", "--drain-timout", "1s"),
                        "Unknown options: '--drain-timout', '1s'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    @Order(1)
    void aUsageErrorExits2WithTheProblemAndTouchesNothing(String what, List<String> args, String message)
            throws Exception {
        Client.Result start = startAs(BYSTANDER, args);

        assertEquals(2, start.exitCode(), start.toString());
        assertTrue(start.err().startsWith("endlessd: ") && start.err().contains(message), start.toString());
        assertTrue(start.err().endsWith(HELP_HINT), start.toString());
        assertNoStackTrace(start);
        assertEquals("", start.out());
        assertBystanderServes();
    }

    @Test
    @Order(1)
    void aZeroTimeoutIsAUsageErrorInTheFlagsOwnUnits() throws Exception {
        for (String flag : List.of("--ready-timeout", "--drain-timeout")) {
            Client.Result start = startAs(BYSTANDER, List.of("--listen", ":0", flag, "0s"));

            assertEquals(2, start.exitCode(), start.toString());
            assertTrue(start.err().matches("endlessd: " + flag.substring(2) + ": 0( ms|s) \\(expected: > 0\\)\n"
                    + Pattern.quote(HELP_HINT)), "the value in endlessd's duration syntax, not java.time's PT0S: " + start);
        }
        assertBystanderServes();
    }

    static Stream<Arguments> startupFailures() throws java.io.IOException {
        int port = freePort();
        return Stream.of(
                Arguments.of("every address and one address of the same port",
                        List.of("--listen", ":" + port, "--listen", "127.0.0.1:" + port),
                        "listen 127.0.0.1:" + port + ": address already in use by --listen :" + port + ", given before it"),
                Arguments.of("unresolvable host", List.of("--listen", "no-such-host.invalid:8080"),
                        "listen no-such-host.invalid:8080: cannot resolve host \"no-such-host.invalid\" (use an IP"
                                + " address or a name in /etc/hosts)"),
                Arguments.of("address not of this machine", List.of("--listen", "192.0.2.1:8080"),
                        "listen 192.0.2.1:8080: address not available (it is not an address of this machine)"),
                Arguments.of("unix socket in a missing directory",
                        List.of("--listen", "unix:" + dir.resolve("missing").resolve("app.sock")),
                        "listen unix:" + dir.resolve("missing").resolve("app.sock") + ": directory "
                                + dir.resolve("missing") + " does not exist (create it first, or choose another path)"),
                Arguments.of("unix socket path that is a regular file", List.of("--listen", "unix:" + regularFile),
                        "listen unix:" + regularFile + ": " + regularFile
                                + " exists and is not a socket (remove it or choose another path)"),
                Arguments.of("runtime directory under a regular file",
                        List.of("--listen", ":0", "--runtime-dir", regularFile.resolve("run").toString()),
                        "cannot prepare runtime directory " + regularFile.resolve("run").resolve("other")
                                + ": "));
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("startupFailures")
    @Order(2)
    void aStartupFailureExits1WithOneLineNamingTheProblemAndTheFix(String what, List<String> args, String message)
            throws Exception {
        Client.Result start = startAs("other", args);

        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.err().contains(" ERROR endlessd[other] cannot start: " + message), start.toString());
        assertNoStackTrace(start);
        assertBystanderServes();
    }

    @Test
    @Order(2)
    void aStartupFailureAfterTheEventLoopStartedDoesNotClaimTheLoopDied() throws Exception {
        Client.Result start = startAs("other", List.of("--listen", "127.0.0.1:0",
                "--pid-file", dir.resolve("missing").resolve("x.pid").toString()));

        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.err().contains(" ERROR endlessd[other] cannot start: cannot write --pid-file "
                + dir.resolve("missing").resolve("x.pid")), start.toString());
        assertFalse(start.err().contains("event loop stopped unexpectedly"), start.toString());
    }

    @Test
    @Order(2)
    void aPidFileInAMissingDirectoryIsRefusedInPlainWords() throws Exception {
        Path pidFile = dir.resolve("missing").resolve("x.pid");
        Client.Result start = startAs("other", List.of("--listen", "127.0.0.1:0", "--pid-file", pidFile.toString()));

        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.err().contains(" ERROR endlessd[other] cannot start: cannot write --pid-file " + pidFile + ": "),
                start.toString());
        assertTrue(start.err().contains("(check that its directory exists and is writable)"), start.toString());
        assertNoStackTrace(start);
        assertFalse(start.err().contains(".x.pid."), "the message names the user's path, not a temporary file: " + start);
    }

    @Test
    @Order(2)
    void thePortOfARunningDaemonIsInUse() throws Exception {
        Client.Result start = startAs("other", List.of("--listen", "127.0.0.1:" + bystanderPort));

        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.err().contains("cannot start: listen 127.0.0.1:" + bystanderPort
                + ": address already in use (another process holds it: see `ss -ltnp`)"), start.toString());
        assertBystanderServes();
    }

    @Test
    @Order(2)
    void theUnixSocketOfARunningDaemonIsInUseAndIsNotRemoved() throws Exception {
        Client.Result start = startAs("other", List.of("--listen", "unix:" + unixSocket));

        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.err().contains("cannot start: listen unix:" + unixSocket + ": a running server already listens on "
                + unixSocket + " (stop it, or choose another path)"), start.toString());
        assertBystanderServes();
    }

    @Test
    @Order(2)
    void aRuntimeDirectoryOfAnotherUserIsRefused() throws Exception {
        Requirements.assumeRoot("to give a directory away");
        Path foreign = Files.createDirectories(dir.resolve("foreign").resolve("other"));
        Files.setAttribute(foreign, "unix:uid", 65534);

        Client.Result start = startAs("other", List.of("--listen", "127.0.0.1:0",
                "--runtime-dir", foreign.getParent().toString()));

        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.err().contains("cannot start: runtime directory " + foreign + " belongs to uid 65534, not to us"
                + " (uid 0); another user could forge readiness messages: remove it, or pass --runtime-dir"),
                start.toString());
    }

    /**
     * Root ignores permission bits, so an unwritable runtime directory is only unwritable to another
     * user: the daemon runs as nobody (from a copy of the launcher nobody can read) under a base
     * directory that root owns.
     */
    @Test
    @Order(2)
    void anUnwritableRuntimeDirectoryIsRefusedWithExit1() throws Exception {
        Requirements.assumeRoot("to run the daemon as nobody");
        Requirements.assumeInstalled(Path.of("/usr/bin/setpriv"), "util-linux");
        Path rootOnly = Files.createDirectories(dir.resolve("root-only"));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path launcher = Files.copy(DaemonProcess.launcher(), bin.resolve("endlessd"));
        Files.copy(DaemonProcess.launcher().resolveSibling("endlessd.jar"), bin.resolve("endlessd.jar"));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(bin.resolve("endlessd.jar"), PosixFilePermissions.fromString("rw-r--r--"));
        Client nobody = new Client(bin, List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup",
                "--clear-groups"), launcher);

        Client.Result start = nobody.run("--cmd", "true", "--listen", "127.0.0.1:0", "--name", "other",
                "--runtime-dir", rootOnly.toString());

        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.err().contains("cannot start: cannot prepare runtime directory " + rootOnly.resolve("other")
                + ": "), start.toString());
        assertTrue(start.err().contains(" (pass --runtime-dir to use another place)"), start.toString());
        assertNoStackTrace(start);
    }

    @Test
    @Order(3)
    void aFloodOfBadControlRequestsIsRefusedWhileRealRequestsAreStillServed() throws Exception {
        Path control = runtimeDir.resolve(BYSTANDER).resolve("control.sock");
        Random random = new Random(7);
        List<SocketChannel> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                stalled.add(connect(control, new byte[0]));
                stalled.add(connect(control, "relo".getBytes(StandardCharsets.US_ASCII)));
            }
            for (int i = 0; i < 20; i++) {
                byte[] junk = new byte[200];
                random.nextBytes(junk);
                junk[junk.length - 1] = '\n';
                assertTrue(exchange(control, junk).startsWith("error invalid "), "binary junk is refused");
                assertTrue(exchange(control, "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII))
                        .startsWith("error invalid request longer than 256 bytes"));
                assertTrue(exchange(control, "reload; rm -rf /\n".getBytes(StandardCharsets.US_ASCII))
                        .startsWith("error invalid unknown request"));
                connect(control, "status\n".getBytes(StandardCharsets.US_ASCII)).close();
            }

            Client.Result reload = client.run("reload", "--name", BYSTANDER, "--runtime-dir", runtimeDir.toString());
            assertEquals(0, reload.exitCode(), "40 stalled connections do not hold up a real request: " + reload);

            for (SocketChannel connection : stalled) {
                assertTrue(readAll(connection).startsWith("error invalid no complete request within 5000 ms"),
                        "a stalled connection is answered and closed at the request deadline");
            }
        } finally {
            for (SocketChannel connection : stalled) {
                connection.close();
            }
        }
        int serving = bystander.awaitServing(2);
        DaemonProcess.await("the replaced worker has exited", () -> Proc.workersOf(bystander.pid()).size() == 1);
        FailedReloads.awaitFootprintBackTo(bystander, bystanderBefore);
        assertEquals(serving, Http.get(bystanderPort, "/").workerPid());
    }

    @Test
    @Order(4)
    void theBystanderStillReloadsAfterAllOfIt() throws Exception {
        Client.Result reload = client.run("reload", "--name", BYSTANDER, "--runtime-dir", runtimeDir.toString());

        assertEquals(0, reload.exitCode(), reload.toString());
        Matcher reloaded = Pattern.compile("reloaded gen=(\\d+) pid=(\\d+) .*\n").matcher(reload.out());
        assertTrue(reloaded.matches(), reload.toString());
        int pid = Integer.parseInt(reloaded.group(2));
        DaemonProcess.await("the new worker answers", () -> answeringPid() == pid);
        DaemonProcess.await("the replaced worker has exited", () -> Proc.workersOf(bystander.pid()).size() == 1);
        FailedReloads.awaitFootprintBackTo(bystander, bystanderBefore);
        assertBystanderServes();
    }

    private static Client.Result startAs(String name, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("--cmd", Fixture.worker(), "--name", name));
        command.addAll(args);
        if (!args.contains("--runtime-dir")) {
            command.addAll(List.of("--runtime-dir", runtimeDir.toString()));
        }
        return client.run(command.toArray(String[]::new));
    }

    private static void assertNoStackTrace(Client.Result result) {
        assertFalse(result.all().contains("\tat ") || result.all().contains("Exception:"), result.toString());
    }

    /** Both listeners answer, the unix socket file is still there, nothing was started beside the worker. */
    private static void assertBystanderServes() throws IOException {
        assertTrue(bystander.isAlive(), bystander.log());
        assertEquals(200, Http.get(bystanderPort, "/").status());
        assertTrue(Files.exists(unixSocket), "the bystander's unix socket file is still there");
        assertTrue(unixGet(unixSocket).startsWith("HTTP/1.0 200"), "the bystander answers on its unix socket");
        assertEquals(1, Proc.workersOf(bystander.pid()).stream().filter(p -> !p.zombie()).count());
    }

    private static int answeringPid() {
        try {
            return Http.get(bystanderPort, "/").workerPid();
        } catch (IOException e) {
            throw new AssertionError("the bystander did not answer", e);
        }
    }

    private static String unixGet(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            return readAll(channel);
        }
    }

    private static SocketChannel connect(Path socket, byte[] send) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        ByteBuffer out = ByteBuffer.wrap(send);
        while (out.hasRemaining()) {
            channel.write(out);
        }
        return channel;
    }

    /** Sends raw bytes, half-closes, and returns everything the daemon answered. */
    private static String exchange(Path socket, byte[] request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            try {
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                channel.shutdownOutput();
            } catch (IOException refusedEarly) {
                // the daemon answers an oversized request before it has all of it, and closes
            }
            return readAll(channel);
        }
    }

    private static String readAll(SocketChannel channel) {
        ByteBuffer in = ByteBuffer.allocate(8192);
        try {
            while (in.hasRemaining() && channel.read(in) >= 0) {
                // to the end of the answer
            }
        } catch (IOException reset) {
            // closed with our unread bytes in its buffer; its answer arrived before that
        }
        return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
    }
}
