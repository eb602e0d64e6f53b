package dev.endlessd.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.sample.activation.FdFlags;
import dev.endlessd.sample.activation.NotifyReceiver;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.URISyntaxException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged jar as endlessd would: a launcher binds the listening socket, forks the worker with
 * it as fd 3 and keeps its own copy, like the supervisor. Every wait is on a signal (a log line, a
 * datagram, a closed connection) with a deadline; none is a sleep.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SampleWorkerIT {

    /** Generous: a JVM starting on a loaded two-core CI machine. Only bounds a wait, never asserts speed. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path config;
    private NotifyReceiver notifications;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        config = Files.writeString(dir.resolve("app.properties"), "greeting=Hello from the IT\n");
        notifications = new NotifyReceiver(dir.resolve("notify.sock").toString());
    }

    @AfterEach
    void tearDown() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        notifications.close();
    }

    @Test
    void reportsReadyOnceServingTheInheritedSocket() throws Exception {
        Launched launched = launch("--tcp", "127.0.0.1", 1);

        assertEquals("READY=1\nSTATUS=serving on fd 3 (http) " + launched.address, awaitNotification());
        long worker = launched.workers.get(0);
        try (RawHttpConnection client = new RawHttpConnection(launched.address)) {
            RawHttpConnection.Response home = client.get("/");
            assertEquals(200, home.status());
            assertEquals(Long.toString(worker), home.headers().get("x-worker-pid"));
            assertEquals("sample-app 0.1.0\ngreeting: Hello from the IT\npid: " + worker + "\ngeneration: 7\n",
                    home.body());
        }

        terminate(worker);
        assertEquals(0, launched.exitStatus(worker));
    }

    @Test
    void drainFinishesRequestsInProgressAnswersLateOnesWithCloseClosesQuietOnesAndExitsZero() throws Exception {
        Launched launched = launch("--tcp", "127.0.0.1", 1, "--drain-spread", "0");
        awaitNotification();
        long worker = launched.workers.get(0);

        RawHttpConnection parked = new RawHttpConnection(launched.address);
        assertEquals(200, parked.get("/").status());
        RawHttpConnection reused = new RawHttpConnection(launched.address);
        assertEquals(200, reused.get("/").status());
        RawHttpConnection inFlight = new RawHttpConnection(launched.address);
        inFlight.send("/slow?ms=5000");
        RawHttpConnection fresh = new RawHttpConnection(launched.address);
        // The accept queue is FIFO and this worker its only reader: once this answer is in, the
        // connections above have been accepted too, not left in the backlog.
        try (RawHttpConnection last = new RawHttpConnection(launched.address)) {
            assertEquals(200, last.get("/healthz").status());
        }

        terminate(worker);
        launched.output.await("INFO  drain started", WAIT);
        assertTrue(awaitNotification().startsWith("STOPPING=1\nSTATUS=draining "));

        for (RawHttpConnection late : List.of(reused, fresh)) {
            RawHttpConnection.Response response = late.get("/");
            assertEquals(200, response.status());
            assertTrue(response.closes(), "Connection: close expected, got " + response.headers());
            late.awaitServerClose();
        }
        try (SocketChannel queued = SocketChannel.open(launched.address)) {
            // Not refused (open would throw): the worker closed only its own copy of the socket. And not
            // taken by the draining worker: it waits in the accept queue, which the launcher's copy, like
            // the supervisor's, keeps for the next worker.
            InetSocketAddress listening = (InetSocketAddress) launched.address;
            awaitCondition(() -> AcceptQueue.length(listening) == 1);
        }
        parked.awaitServerClose();

        RawHttpConnection.Response slow = inFlight.readResponse();
        assertEquals(200, slow.status());
        assertEquals("slept 5000 ms\n", slow.body());
        assertTrue(slow.closes(), "Connection: close expected, got " + slow.headers());
        inFlight.awaitServerClose();

        assertEquals(0, launched.exitStatus(worker));
        launched.output.await("exit 0: drained, no connection left", WAIT);
        for (RawHttpConnection client : List.of(parked, reused, inFlight, fresh)) {
            client.close();
        }
    }

    @Test
    void drainSpreadKeepsServingKeepAliveConnectionsThenClosesEachAfterAResponse() throws Exception {
        // The spread is long enough that no connection's handoff moment passes before the first round of
        // requests on a busy machine; the test ends when the last connection is handed over.
        Launched launched = launch("--tcp", "127.0.0.1", 1, "--drain-timeout", "30s", "--drain-spread", "5s");
        awaitNotification();
        long worker = launched.workers.get(0);
        List<RawHttpConnection> open = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RawHttpConnection client = new RawHttpConnection(launched.address);
            assertEquals(200, client.get("/").status());
            open.add(client);
        }

        terminate(worker);
        launched.output.await("INFO  drain started: .* handing keep-alive connections over within 5000 ms", WAIT);
        int keptAlive = 0;
        // Round after round, one request on each connection, so that none stays quiet long enough to be closed.
        while (!open.isEmpty()) {
            for (RawHttpConnection client : List.copyOf(open)) {
                RawHttpConnection.Response response = client.get("/");
                assertEquals(200, response.status());
                if (response.closes()) {
                    client.awaitServerClose();
                    client.close();
                    open.remove(client);
                } else {
                    keptAlive++;
                }
            }
        }

        // Eight connections all handed over within the first round would take eight random moments within the
        // first instants of a 5 s spread.
        assertTrue(keptAlive > 0, "no connection was served keep-alive during the spread");
        assertEquals(0, launched.exitStatus(worker));
        launched.output.await("exit 0: drained, no connection left", WAIT);
    }

    @Test
    void noRequestFailsWhileOneOfTwoWorkersDrains() throws Exception {
        overlap(false);
    }

    @Test
    void aNeighbourThatClearsONonblockHasItSetAgainByTheWorkersNextAccept() throws Exception {
        Launched launched = launch("--tcp", "127.0.0.1", 1);
        awaitNotification();
        long worker = launched.workers.get(0);

        launched.signal("USR1");
        launched.output.await("^cleared O_NONBLOCK$", WAIT);
        assertEquals(0, FdFlags.of(worker, 3) & FdFlags.O_NONBLOCK, "the neighbour cleared it");
        try (RawHttpConnection client = new RawHttpConnection(launched.address)) {
            assertEquals(200, client.get("/healthz").status());
        }

        assertEquals(FdFlags.O_NONBLOCK, FdFlags.of(worker, 3) & FdFlags.O_NONBLOCK, "set again after the accept");
        terminate(worker);
        assertEquals(0, launched.exitStatus(worker));
    }

    @Test
    void noRequestFailsAndTheDrainingWorkerExitsWhileANeighbourTogglesTheMode() throws Exception {
        overlap(true);
    }

    /**
     * Two workers share the socket under load, as during a reload; one drains and exits 0 while the other
     * serves on, and not one request fails.
     *
     * @param toggling whether the launcher, holding the socket as the supervisor does, flips O_NONBLOCK
     *                 every millisecond meanwhile, as a neighbour might
     */
    private void overlap(boolean toggling) throws Exception {
        Launched launched = launch("--tcp", "127.0.0.1", 2);
        awaitNotification();
        awaitNotification();
        String draining = Long.toString(launched.workers.get(0));
        String staying = Long.toString(launched.workers.get(1));
        try (KeepAliveLoad load = new KeepAliveLoad(launched.address, 1)) {
            // Both workers have answered: the load is spread over the two, as during a reload.
            KeepAliveLoad.await(() -> load.answeredBy().containsKey(draining) && load.answeredBy().containsKey(staying),
                    WAIT, "both workers answer");
            if (toggling) {
                launched.signal("USR2");
                launched.output.await("^toggling O_NONBLOCK$", WAIT);
                load.awaitMore(500, WAIT);
            }
            terminate(launched.workers.get(0));
            assertEquals(0, launched.exitStatus(launched.workers.get(0)), "drained");
            int served = load.answeredBy().get(staying);
            KeepAliveLoad.await(() -> load.answeredBy().get(staying) > served + 100, WAIT, "the other worker serves on");
            load.close();

            assertEquals(List.of(), load.failures(), "failed requests");
        }
        terminate(launched.workers.get(1));
        assertEquals(0, launched.exitStatus(launched.workers.get(1)));
        if (toggling) {
            int flips = Integer.parseInt(launched.output.await("^toggled O_NONBLOCK (\\d+) times$", WAIT).group(1));
            assertTrue(flips > 1, "the neighbour flipped the mode " + flips + " times");
        }
    }

    private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
        KeepAliveLoad.await(condition, WAIT, "condition");
    }

    @Test
    void drainDeadlineCutsWhatIsLeftAndStillExitsZero() throws Exception {
        Launched launched = launch("--tcp", "127.0.0.1", 1, "--drain-timeout", "1s");
        awaitNotification();
        long worker = launched.workers.get(0);
        RawHttpConnection stuck = new RawHttpConnection(launched.address);
        stuck.send("/slow?ms=60000");
        try (RawHttpConnection last = new RawHttpConnection(launched.address)) {
            assertEquals(200, last.get("/healthz").status());
        }

        terminate(worker);

        assertEquals(0, launched.exitStatus(worker));
        launched.output.await("exit 0: drain deadline cut 1 connection\\(s\\)", WAIT);
        stuck.close();
    }

    @Test
    void servesOnAnInheritedUnixSocket() throws Exception {
        Launched launched = launch("--unix", dir.resolve("http.sock").toString(), 1);
        awaitNotification();

        try (RawHttpConnection client = new RawHttpConnection(launched.address)) {
            RawHttpConnection.Response healthz = client.get("/healthz");
            assertEquals(200, healthz.status());
            assertEquals("ok\n", healthz.body());
        }

        long worker = launched.workers.get(0);
        terminate(worker);
        assertEquals(0, launched.exitStatus(worker));
    }

    @Test
    void drainStartsAtOnceWhileAnotherWorkerSharesTheSocket() throws Exception {
        Launched launched = launch("--tcp", "127.0.0.1", 2);
        awaitNotification();
        awaitNotification();
        // Both workers wake for each connection and one loses the accept() race. Were the shared socket
        // left blocking, the loser would sit in accept() with its event loop stuck, SIGTERM or not. The
        // race is lost only now and then, so the flags are checked too: the part that always shows.
        for (long worker : launched.workers) {
            assertEquals(FdFlags.O_NONBLOCK, FdFlags.of(worker, 3) & FdFlags.O_NONBLOCK, "O_NONBLOCK on fd 3");
        }
        for (int i = 0; i < 60; i++) {
            try (RawHttpConnection client = new RawHttpConnection(launched.address)) {
                assertEquals(200, client.get("/healthz").status());
            }
        }

        for (long worker : launched.workers) {
            terminate(worker);
        }

        for (long worker : launched.workers) {
            assertEquals(0, launched.exitStatus(worker), "worker " + worker);
            launched.output.await("sample\\[" + worker + " gen=7\\] INFO  exit 0: drained, no connection left", WAIT);
        }
    }

    @Test
    void runsAloneOnItsOwnPortWhenTheInheritedSocketsAreForAnotherProcess() throws Exception {
        Process process = start(List.of(java(), "-jar", jar(), "--port", "0", "--warm-up", "10"),
                Map.of("LISTEN_FDS", "1", "LISTEN_PID", "1"));
        ProcessOutput output = new ProcessOutput(process.getInputStream(), "alone");

        output.await("ignoring LISTEN_FDS: LISTEN_PID=1 is not this process", WAIT);
        Matcher serving = output.await("serving HTTP on /\\[?[0-9a-f:.]+]?:(\\d+) \\(own socket", WAIT);
        try (RawHttpConnection client = new RawHttpConnection(
                new InetSocketAddress("127.0.0.1", Integer.parseInt(serving.group(1))))) {
            assertEquals(Long.toString(process.pid()), client.get("/").headers().get("x-worker-pid"));
        }

        process.destroy();
        assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, process.exitValue());
    }

    @Test
    void missingConfigFileMakesItExitOneWithTheReason() throws Exception {
        Path missing = dir.resolve("missing.properties");
        Process process = start(List.of(java(), "-jar", jar(), "--config", missing.toString()), Map.of());
        ProcessOutput output = new ProcessOutput(process.getInputStream(), "no-config");

        assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(SampleApp.EXIT_CANNOT_START, process.exitValue());
        output.await("ERROR cannot start: config " + missing + " does not exist", WAIT);
    }

    @Test
    void badFlagMakesItExitTwoWithTheExpectation() throws Exception {
        Process process = start(List.of(java(), "-jar", jar(), "--drain-timeout", "-1s"), Map.of());
        ProcessOutput output = new ProcessOutput(process.getInputStream(), "bad-flag");

        assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(SampleApp.EXIT_USAGE, process.exitValue());
        output.await("sample-app: drain-timeout: -1s \\(expected: > 0", WAIT);
    }

    private Launched launch(String socketOption, String socketValue, int workers, String... appArgs)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", launcher(), socketOption, socketValue,
                "--workers", Integer.toString(workers), "--",
                java(), "-jar", jar(), "--config", config.toString(), "--warm-up", "100"));
        command.addAll(List.of(appArgs));
        Process process = start(command, Map.of("NOTIFY_SOCKET", dir.resolve("notify.sock").toString(),
                "ENDLESSD_GENERATION", "7"));
        ProcessOutput output = new ProcessOutput(process.getInputStream(), "launcher");
        String listening = output.await("^listening (.+)$", WAIT).group(1);
        SocketAddress address = socketOption.equals("--unix") ? UnixDomainSocketAddress.of(listening)
                : new InetSocketAddress(InetAddress.getByName(listening.split(":")[0]),
                        Integer.parseInt(listening.split(":")[1]));
        List<Long> pids = new ArrayList<>();
        for (Matcher worker : output.await("^worker (\\d+)$", workers, WAIT)) {
            pids.add(Long.parseLong(worker.group(1)));
        }
        return new Launched(process, output, address, pids);
    }

    private Process start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(name -> name.startsWith("LISTEN_") || name.equals("NOTIFY_SOCKET"));
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private String awaitNotification() throws InterruptedException {
        String message = notifications.next(WAIT);
        if (message == null) {
            throw new AssertionError("no sd_notify message within " + WAIT);
        }
        return message;
    }

    private static void terminate(long pid) {
        ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("worker " + pid + " is gone already")).destroy();
    }

    private static String java() {
        return Programs.java();
    }

    private static String jar() {
        return Programs.sampleJar();
    }

    private static String launcher() throws URISyntaxException {
        return Path.of(SampleWorkerIT.class.getResource("launch-with-listener.py").toURI()).toString();
    }

    /** The launcher and what it printed: where it listens, and the worker pids. */
    private static final class Launched {
        final Process launcher;
        final ProcessOutput output;
        final SocketAddress address;
        final List<Long> workers;

        Launched(Process launcher, ProcessOutput output, SocketAddress address, List<Long> workers) {
            this.launcher = launcher;
            this.output = output;
            this.address = address;
            this.workers = workers;
        }

        /** Has the launcher, which holds the socket like the supervisor, change its mode as a neighbour would. */
        void signal(String name) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(launcher.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor(), "kill -" + name);
        }

        int exitStatus(long worker) throws InterruptedException, TimeoutException {
            return Integer.parseInt(output.await("^worker " + worker + " exited (-?\\d+)$", WAIT).group(1));
        }
    }
}
