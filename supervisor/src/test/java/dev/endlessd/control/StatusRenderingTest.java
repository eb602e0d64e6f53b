package dev.endlessd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endlessd.daemon.Phase;
import dev.endlessd.daemon.ReloadOutcome;
import dev.endlessd.daemon.ReloadRecord;
import dev.endlessd.daemon.SupervisorSnapshot;
import dev.endlessd.daemon.WorkerSnapshot;
import dev.endlessd.daemon.WorkerState;
import dev.endlessd.socket.Listener;
import dev.endlessd.watch.ReloadResult;
import dev.endlessd.watch.WatchStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusRenderingTest {
    private static final Instant STARTED = Instant.parse("2026-11-25T10:00:00Z");
    private static final Instant NOW = STARTED.plusSeconds(150);
    private static final DaemonInfo DAEMON = new DaemonInfo("shop", "1.2.3", 1000, STARTED,
            Path.of("/run/endlessd/shop/control.sock"),
            List.of(new Listener("web", "127.0.0.1:8080", 5, null), new Listener("admin", "unix:/run/a.sock", 6, null)));

    private static final WorkerSnapshot SERVING = new WorkerSnapshot(8, 4242, WorkerState.READY, Duration.ofSeconds(30),
            "serving \"gen\" 8\u001b[2J", Duration.ZERO);
    private static final WorkerSnapshot DRAINING = new WorkerSnapshot(7, 4141, WorkerState.DRAINING, Duration.ofMinutes(2), "", Duration.ZERO);

    private static StatusReport report(Optional<ReloadRecord> last, WorkerSnapshot... workers) {
        return new StatusReport(DAEMON, new SupervisorSnapshot(Phase.SERVING, List.of(workers), last), NOW);
    }

    private static Optional<ReloadRecord> succeeded() {
        return Optional.of(new ReloadRecord("reload", new ReloadOutcome.Succeeded(8, 4242, Duration.ofMillis(120)),
                Duration.ofMillis(120), NOW.minusSeconds(30)));
    }

    @Test
    void jsonNamesTheDaemonTheServingWorkerAndEveryWorker() throws Exception {
        JsonNode json = new ObjectMapper().readTree(StatusJson.render(report(succeeded(), DRAINING, SERVING)));

        assertEquals("shop", json.get("name").asText());
        assertEquals(1000, json.get("pid").asLong());
        assertEquals("1.2.3", json.get("version").asText());
        assertEquals("serving", json.get("phase").asText());
        assertEquals(150_000, json.get("uptime_ms").asLong());
        assertEquals("/run/endlessd/shop/control.sock", json.get("control_socket").asText());
        assertEquals("admin", json.get("listeners").get(1).get("name").asText());
        assertEquals("unix:/run/a.sock", json.get("listeners").get(1).get("address").asText());
        assertEquals(4242, json.get("serving").get("pid").asInt());
        assertEquals(8, json.get("serving").get("generation").asLong());
        assertEquals(2, json.get("workers").size());
        JsonNode draining = json.get("workers").get(0);
        assertEquals("draining", draining.get("state").asText());
        assertEquals(120_000, draining.get("uptime_ms").asLong());
        assertEquals("serving \"gen\" 8\u001b[2J", json.get("workers").get(1).get("status").asText());
    }

    private static StatusReport upgraded(String... problems) {
        return upgraded(Optional.empty(), problems);
    }

    private static StatusReport upgraded(Optional<String> failure, String... problems) {
        LastUpgrade upgrade = new LastUpgrade(NOW.minusSeconds(90), "1.2.2", 3, Duration.ofMillis(812), failure);
        for (String problem : problems) {
            upgrade.problem(problem);
        }
        DaemonInfo daemon = new DaemonInfo(DAEMON.name(), DAEMON.version(), DAEMON.pid(), DAEMON.startedAt(),
                DAEMON.controlSocket(), DAEMON.listeners(), Optional.of(upgrade), DAEMON.startupCpu());
        return new StatusReport(daemon, new SupervisorSnapshot(Phase.SERVING, List.of(SERVING), Optional.empty()), NOW);
    }

    @Test
    void statusTellsTheRunningVersionAndWhenTheSupervisorLastUpgraded() throws Exception {
        String text = StatusText.render(upgraded());
        assertTrue(text.contains("(version 1.2.3)"), text);
        assertTrue(text.contains("last upgrade: from version 1.2.2, 1m30s ago (upgrade 3 of this process; the new"
                + " code served after 812 ms)\n"), text);
        assertTrue(!text.contains("take-over incomplete"), text);

        JsonNode json = new ObjectMapper().readTree(StatusJson.render(upgraded())).get("last_upgrade");
        assertEquals("2026-11-25T10:01:00Z", json.get("at").asText());
        assertEquals("1.2.2", json.get("from_version").asText());
        assertEquals(3, json.get("number").asInt());
        assertEquals(812, json.get("took_ms").asLong());
        assertEquals(0, json.get("problems").size());
        assertEquals("succeeded", json.get("outcome").asText());
        assertTrue(json.get("failure").isNull());
        assertTrue(new ObjectMapper().readTree(StatusJson.render(report(succeeded(), SERVING))).get("last_upgrade").isNull());
    }

    @Test
    void statusListsWhatAnUpgradeCouldNotTakeOver() throws Exception {
        String text = StatusText.render(upgraded("gen=8 pid=4242: its notify socket is not taken over whole"));
        assertTrue(text.contains("take-over incomplete:\n  gen=8 pid=4242: its notify socket is not taken over whole\n"),
                text);
        JsonNode json = new ObjectMapper().readTree(StatusJson.render(upgraded("a", "b"))).get("last_upgrade");
        assertEquals(List.of("a", "b"), List.of(json.get("problems").get(0).asText(), json.get("problems").get(1).asText()));
    }

    @Test
    void aFailedUpgradeSaysSoFirstAndWhyWithoutTheTerminalObeyingTheReason() throws Exception {
        String reason = "endlessd 1.3.0 failed: NoClassDefFoundError\u001b[2J";
        String text = StatusText.render(upgraded(Optional.of(reason)));
        assertTrue(text.contains("last upgrade: FAILED, 1m30s ago (upgrade 3 of this process): endlessd 1.3.0 failed:"
                + " NoClassDefFoundError"), text);
        assertTrue(text.contains("the code that ran before it took the workers over again after 812 ms and serves on\n"),
                text);
        assertTrue(!text.contains("\u001b"), "no escape reaches the terminal: " + text);
        assertTrue(!text.contains("from version"), "the version it came from is the one that serves: " + text);
        assertTrue(!text.contains("take-over incomplete"), text);

        JsonNode json = new ObjectMapper().readTree(StatusJson.render(upgraded(Optional.of(reason)))).get("last_upgrade");
        assertEquals("failed", json.get("outcome").asText());
        assertEquals(reason, json.get("failure").asText());
        assertEquals(0, json.get("problems").size());
    }

    @Test
    void eachWorkerSaysWhetherItStartedFromTheJavaCache() throws Exception {
        WorkerSnapshot warm = new WorkerSnapshot(9, 4343, WorkerState.READY, Duration.ofSeconds(3), "",
                dev.endlessd.jvmcache.CacheUse.USED);
        WorkerSnapshot cold = new WorkerSnapshot(8, 4242, WorkerState.DRAINING, Duration.ofMinutes(1), "",
                dev.endlessd.jvmcache.CacheUse.WRITING);

        String text = StatusText.render(report(succeeded(), cold, warm));
        assertTrue(text.contains("gen=9    pid=4343     ready     up 3s       [java cache: started from it]\n"), text);
        assertTrue(text.contains("[java cache: started cold, writes it on exit]"), text);
        assertFalse(StatusText.render(report(succeeded(), SERVING)).contains("java cache"), "no cache, no words");

        JsonNode workers = new ObjectMapper().readTree(StatusJson.render(report(succeeded(), cold, warm))).get("workers");
        assertEquals("writing", workers.get(0).get("java_cache").asText());
        assertEquals("used", workers.get(1).get("java_cache").asText());
    }

    @Test
    void jsonTellsTheLastReloadsOutcomeAndDuration() throws Exception {
        JsonNode ok = new ObjectMapper().readTree(StatusJson.render(report(succeeded(), SERVING))).get("last_reload");
        assertEquals("reload", ok.get("kind").asText());
        assertEquals("succeeded", ok.get("outcome").asText());
        assertEquals(120, ok.get("time_to_ready_ms").asLong());
        assertEquals(120, ok.get("took_ms").asLong());
        assertEquals("2026-11-25T10:02:00Z", ok.get("finished_at").asText());

        ReloadRecord failedRecord = new ReloadRecord("reload",
                new ReloadOutcome.Failed(9, "worker exited with exit status 3 before it was ready"),
                Duration.ofMillis(95), NOW);
        JsonNode failed = new ObjectMapper().readTree(StatusJson.render(report(Optional.of(failedRecord), SERVING)))
                .get("last_reload");
        assertEquals("failed", failed.get("outcome").asText());
        assertEquals(9, failed.get("generation").asLong());
        assertEquals("worker exited with exit status 3 before it was ready", failed.get("reason").asText());
    }

    @Test
    void jsonSaysNullWhenNothingServesAndNothingWasReloaded() throws Exception {
        JsonNode json = new ObjectMapper().readTree(StatusJson.render(report(Optional.empty())));
        assertTrue(json.get("serving").isNull());
        assertTrue(json.get("last_reload").isNull());
        assertEquals(0, json.get("workers").size());
    }

    @Test
    void jsonIsOneLine() {
        assertEquals(-1, StatusJson.render(report(succeeded(), SERVING, DRAINING)).indexOf('\n'));
    }

    @Test
    void textListsNewestWorkerFirstAndKeepsTerminalEscapesOut() {
        String text = StatusText.render(report(succeeded(), DRAINING, SERVING));

        assertEquals("""
                endlessd 'shop' pid 1000: serving, up 2m30s (version 1.2.3)
                control socket: /run/endlessd/shop/control.sock
                startup CPU: off
                listeners:
                  web=127.0.0.1:8080
                  admin=unix:/run/a.sock
                workers:
                  gen=8    pid=4242     ready     up 30s      serving "gen" 8?[2J
                  gen=7    pid=4141     draining  up 2m
                last reload: reload succeeded: gen=8 pid=4242 ready after 120 ms (took 120 ms, 30s ago)
                """, text);
    }

    @Test
    void textTellsWhyTheLastReloadFailed() {
        ReloadRecord failed = new ReloadRecord("reload",
                new ReloadOutcome.Failed(9, "worker not ready within 1m (--ready-timeout)"), Duration.ofMinutes(1), NOW);
        String text = StatusText.render(report(Optional.of(failed), SERVING));
        assertTrue(text.endsWith("last reload: reload failed: gen=9: worker not ready within 1m (--ready-timeout)"
                + " (took 1m, 0 ms ago)\n"), text);
    }

    @Test
    void jsonWriterEscapesWhatJsonRequires() throws Exception {
        String nasty = "quote\" backslash\\ newline\n tab\t nul\u0000 del\u007f sep\u2028 é";
        String json = new JsonWriter().beginObject().name("k").value(nasty).name("n").nullValue()
                .name("b").value(true).name("a").beginArray().value(1).value(2).endArray().endObject().toString();
        JsonNode parsed = new ObjectMapper().readTree(json);
        assertEquals(nasty, parsed.get("k").asText());
        assertTrue(parsed.get("n").isNull());
        assertEquals("[1,2]", parsed.get("a").toString());
        assertEquals(-1, json.indexOf('\n'));
    }

    private static StatusReport watching(Optional<WatchStatus.Change> last) {
        WatchStatus watch = new WatchStatus(List.of(Path.of("/etc/app"), Path.of("/etc/secret")), last);
        return new StatusReport(DAEMON, new SupervisorSnapshot(Phase.SERVING, List.of(SERVING), succeeded()),
                Optional.of(watch), NOW);
    }

    @Test
    void reloadOnChangeShowsThePathsAndTheLastChangeWithItsOutcome() throws Exception {
        String none = StatusText.render(watching(Optional.empty()));
        assertTrue(none.endsWith("reload on change: /etc/app, /etc/secret\nlast change: none\n"), none);

        WatchStatus.Change failed = new WatchStatus.Change(NOW.minusSeconds(12), "/etc/app: app.properties changed",
                Optional.of(new ReloadResult(false, "worker exited with exit status 3 before it was ready")));
        String text = StatusText.render(watching(Optional.of(failed)));
        assertTrue(text.endsWith("last change: /etc/app: app.properties changed (12s ago): reload failed: worker exited"
                + " with exit status 3 before it was ready\n"), text);

        JsonNode json = new ObjectMapper().readTree(StatusJson.render(watching(Optional.of(failed)))).get("reload_on_change");
        assertEquals("/etc/secret", json.get("paths").get(1).asText());
        assertEquals("2026-11-25T10:02:18Z", json.get("last_change").get("at").asText());
        assertEquals("/etc/app: app.properties changed", json.get("last_change").get("change").asText());
        assertEquals("failed", json.get("last_change").get("outcome").asText());

        WatchStatus.Change running = new WatchStatus.Change(NOW, "/etc/app: app.properties changed", Optional.empty());
        assertTrue(StatusText.render(watching(Optional.of(running))).endsWith("(0 ms ago): reloading\n"));
        assertTrue(new ObjectMapper().readTree(StatusJson.render(report(succeeded(), SERVING))).get("reload_on_change").isNull());
    }
}
