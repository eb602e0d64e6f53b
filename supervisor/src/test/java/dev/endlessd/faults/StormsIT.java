package dev.endlessd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Http;
import dev.endlessd.it.HttpLoad;
import dev.endlessd.it.Proc;
import dev.endlessd.it.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload storms: many SIGHUPs, many concurrent {@code endlessd reload} clients. Requests that
 * arrive while a worker is starting are coalesced into one follow-up, so the storm ends with one
 * ready worker that started after the last request; every client hears the truth; no request fails.
 */
@Timeout(300)
class StormsIT {
    private static final int SIGNALS = 50;
    private static final int CLIENTS = 10;
    private static final Pattern RELOADED = Pattern.compile("reloaded gen=(\\d+) pid=(\\d+) time_to_ready=\\d+ms\n");

    @TempDir
    Path dir;
    private Path runtimeDir;
    private Path switches;
    private Path version;
    private Client client;

    @BeforeEach
    void paths() throws IOException {
        runtimeDir = dir.resolve("run");
        switches = dir.resolve("switches");
        Files.writeString(switches, "");
        version = dir.resolve("version");
        writeVersion("v0");
        client = new Client(dir);
    }

    private DaemonProcess startDaemon() throws IOException {
        return DaemonProcess.start(dir, "--cmd", Fixture.worker("--switches-file", switches.toString(),
                "--version-file", version.toString()), "--listen", "127.0.0.1:0");
    }

    /** Replaced in one rename, so that a worker starting meanwhile reads the old or the new, never half. */
    private void writeVersion(String text) throws IOException {
        Path next = dir.resolve("version.next");
        Files.writeString(next, text);
        Files.move(next, version, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void fiftySighupsInASecondAreCoalescedAndEndWithOneWorkerOfTheNewestVersion() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            daemon.awaitServing(1);
            int port = daemon.port();
            long stormNanos;
            try (HttpLoad load = new HttpLoad(port, 2)) {
                load.awaitMoreRequests(20);
                long start = System.nanoTime();
                for (int i = 1; i <= SIGNALS; i++) {
                    writeVersion("v" + i);
                    daemon.signal(Signals.SIGHUP);
                    // pacing, not waiting for anything: 50 signals spread over just under a second
                    long next = start + i * 19_000_000L;
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                }
                stormNanos = System.nanoTime() - start;
                // The kernel does not queue signals of one kind: SIGHUPs sent while one is still pending are one
                // (on a busy machine, some of the fifty). What must hold is that the last is never lost: a reload
                // is asked for after the newest version was written, so that version ends up serving.
                DaemonProcess.await("the newest version serves", () -> versionAt(port).equals("v" + SIGNALS));
                load.awaitMoreRequests(20);
                load.close();
                // The newest version can already answer from a worker whose READY started a queued reload: count
                // the spawns only once that one has been started and every older worker has gone.
                DaemonProcess.await("the replaced workers have drained", () -> Proc.workersOf(daemon.pid()).size() == 1
                        && daemon.logMatches("spawned \\(reload\\)").size() + 1 == generationServing());

                int handled = daemon.logMatches("reload requested \\(SIGHUP\\)").size();
                int spawns = daemon.logMatches("spawned \\(reload\\)").size();
                System.out.printf(Locale.ROOT, "figure: SIGHUP storm: %d signals in %d ms (%d delivered) -> %d spawns;"
                        + " %d requests, %d failed%n", SIGNALS, stormNanos / 1_000_000, handled, spawns, load.ok(),
                        load.failures().size());
                assertTrue(handled >= 1 && handled <= SIGNALS, handled + " SIGHUPs handled");
                assertEquals(List.of(), load.failures(), "no request fails during the storm");
                assertTrue(spawns <= SIGNALS / 2, spawns + " spawns for " + SIGNALS + " signals: not coalesced");
                assertOneReadyWorkerOfGeneration(daemon, spawns + 1);
            }
        }
    }

    @Test
    void tenConcurrentReloadClientsEachHearOfAWorkerThatStartedAfterTheirRequest() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            daemon.awaitServing(1);
            int port = daemon.port();
            ReloadStorm storm = reloadFromEveryClientAtOnce(port);

            String log = daemon.log();
            long newest = 0;
            for (Client.Result result : storm.results()) {
                assertEquals(0, result.exitCode(), result.toString());
                assertEquals("", result.err());
                Matcher reloaded = RELOADED.matcher(result.out());
                assertTrue(reloaded.matches(), result.toString());
                String worker = "gen=" + reloaded.group(1) + " pid=" + reloaded.group(2);
                int requested = indexOf(log, "reload requested (control socket, pid " + result.pid() + " ");
                int spawned = indexOf(log, worker + " spawned");
                assertTrue(requested < spawned, "client " + result.pid() + " was told of " + worker
                        + ", which must have started after its request:\n" + log);
                assertTrue(log.contains(worker + " ready after "), worker + " became ready");
                newest = Math.max(newest, Long.parseLong(reloaded.group(1)));
            }
            int spawns = daemon.logMatches("spawned \\(reload\\)").size();
            System.out.printf(Locale.ROOT, "figure: reload storm: %d concurrent clients -> %d spawns, all answered 0%n",
                    CLIENTS, spawns);
            assertTrue(spawns < CLIENTS, spawns + " spawns for " + CLIENTS + " clients: not coalesced");
            assertEquals(spawns + 1, newest, "the newest generation is the one the last clients were told of");
            assertOneReadyWorkerOfGeneration(daemon, newest);
        }
    }

    @Test
    void tenConcurrentReloadClientsAllHearOfTheFailureWhileTheNewGenerationFails() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            int serving = daemon.awaitServing(1);
            int port = daemon.port();
            Files.writeString(switches, "--exit-at-start 3");
            ReloadStorm storm = reloadFromEveryClientAtOnce(port);
            assertEquals(Set.of(serving), storm.servedBy(), "the old worker served every request");

            for (Client.Result result : storm.results()) {
                assertEquals(1, result.exitCode(), result.toString());
                assertEquals("", result.out());
                assertTrue(result.err().matches("endlessd: reload gen=\\d+ failed: worker exited with exit status 3 before"
                        + " it was ready; gen=1 pid=" + serving + " keeps serving\n"), result.toString());
            }
            int spawns = daemon.logMatches("spawned \\(reload\\)").size();
            System.out.printf(Locale.ROOT, "figure: failing reload storm: %d concurrent clients -> %d spawns, all answered 1%n",
                    CLIENTS, spawns);
            assertTrue(spawns < CLIENTS, spawns + " spawns for " + CLIENTS + " clients: not coalesced");
            assertOneReadyWorkerOfGeneration(daemon, 1);
        }
    }

    /** What {@link #CLIENTS} concurrent reload clients heard, and which workers served requests meanwhile. */
    private record ReloadStorm(List<Client.Result> results, Set<Integer> servedBy) {
    }

    /** Runs {@link #CLIENTS} {@code endlessd reload} at once under HTTP load, none of which may fail. */
    private ReloadStorm reloadFromEveryClientAtOnce(int port) throws IOException, InterruptedException {
        List<Client.Result> results = new ArrayList<>();
        try (HttpLoad load = new HttpLoad(port, 2)) {
            List<Client.Running> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(client.start("reload", "--runtime-dir", runtimeDir.toString()));
            }
            for (Client.Running running : clients) {
                results.add(running.await());
            }
            load.awaitMoreRequests(20);
            load.close();
            assertEquals(List.of(), load.failures(), "no request fails during the storm");
            return new ReloadStorm(results, load.servedBy());
        }
    }

    @Test
    void aStopWhileReloadClientsWaitAnswersEachOfThemAndLeavesNoWorker() throws Exception {
        try (DaemonProcess daemon = startDaemon()) {
            int serving = daemon.awaitServing(1);
            Files.writeString(switches, "--never-ready");
            List<Client.Running> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(client.start("reload", "--runtime-dir", runtimeDir.toString()));
            }
            int starting = Integer.parseInt(daemon.awaitLog("gen=2 pid=(\\d+) spawned").group(1));
            DaemonProcess.await("every client's request arrived",
                    () -> daemon.logMatches("reload requested \\(control socket").size() == clients.size());

            Client.Result stop = client.run("stop", "--runtime-dir", runtimeDir.toString());

            assertEquals(0, stop.exitCode(), stop.toString());
            for (Client.Running running : clients) {
                Client.Result result = running.await();
                assertEquals(1, result.exitCode(), result.toString());
                assertTrue(result.err().matches("endlessd: reload (gen=2 )?failed: endlessd is stopping\n"),
                        result.toString());
            }
            assertEquals(0, daemon.awaitExit(), daemon.log());
            assertTrue(Proc.group(serving).isEmpty() && Proc.group(starting).isEmpty(), "no worker is left");
            assertEquals(1, daemon.logMatches("spawned \\(reload\\)").size(), "the queued reloads never started");
        }
    }

    /** The generation of the worker that serves, or 0 while none does. */
    private long generationServing() {
        try {
            Client.Result status = client.run("status", "--json", "--runtime-dir", runtimeDir.toString());
            JsonNode serving = status.exitCode() == 0 ? new ObjectMapper().readTree(status.out()).get("serving") : null;
            return serving == null || serving.isNull() ? 0 : serving.get("generation").asLong();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("status failed", e);
        }
    }

    private void assertOneReadyWorkerOfGeneration(DaemonProcess daemon, long generation) throws Exception {
        DaemonProcess.await("the replaced workers have drained", () ->
                Proc.workersOf(daemon.pid()).size() == 1);
        Client.Result status = client.run("status", "--json", "--runtime-dir", runtimeDir.toString());
        assertEquals(0, status.exitCode(), status.toString());
        JsonNode json = new ObjectMapper().readTree(status.out());
        assertEquals(1, json.get("workers").size(), status.out());
        JsonNode worker = json.get("workers").get(0);
        assertEquals("ready", worker.get("state").asText(), status.out());
        assertEquals(generation, worker.get("generation").asLong(), "the newest generation serves: " + status.out());
        assertEquals("serving", json.get("phase").asText());
        assertEquals(worker.get("pid").asLong(), Proc.workersOf(daemon.pid()).get(0).pid());
        assertTrue(Proc.zombieChildrenOf(daemon.pid()).isEmpty());
    }

    private static String versionAt(int port) {
        try {
            return Http.get(port, "/").field("version");
        } catch (IOException e) {
            throw new AssertionError("no answer on port " + port, e);
        }
    }

    private static int indexOf(String log, String text) {
        int index = log.indexOf(text);
        assertTrue(index >= 0, "log has no \"" + text + "\":\n" + log);
        return index;
    }
}
