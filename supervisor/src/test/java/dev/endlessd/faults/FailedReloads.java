package dev.endlessd.faults;

import static dev.endlessd.it.DaemonProcess.await;
import static dev.endlessd.it.DaemonProcess.processExists;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Http;
import dev.endlessd.it.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The checks every failed reload must pass: the client hears why with exit 1, the log says the
 * same, the old worker still answers, and the failed generation left nothing behind (no process of
 * its group, no notify socket, no descriptor or thread in the supervisor).
 */
final class FailedReloads {
    private FailedReloads() {
    }

    /**
     * Runs {@code endlessd reload} against a daemon whose gen=1 serves and whose next worker will
     * fail, and checks everything above.
     *
     * @param failing the generation the reload starts
     * @param reason  the reason endlessd must give, exactly
     */
    static void assertReloadFailsCleanly(DaemonProcess daemon, Client client, Path runtimeDir, int servingPid,
                                         long failing, String reason) throws IOException, InterruptedException {
        int port = daemon.port();
        Proc.Footprint before = Proc.Footprint.of(daemon.pid());

        Client.Result reload = client.run("reload", "--runtime-dir", runtimeDir.toString());

        String keepsServing = "gen=1 pid=" + servingPid + " keeps serving";
        assertEquals(1, reload.exitCode(), reload + daemon.log());
        assertEquals("endlessd: reload gen=" + failing + " failed: " + reason + "; " + keepsServing + "\n", reload.err());
        assertEquals("", reload.out());
        daemon.awaitLog(java.util.regex.Pattern.quote("reload of gen=" + failing + " failed: " + reason + "; "
                + keepsServing));

        int failedPid = Integer.parseInt(daemon.awaitLog("gen=" + failing + " pid=(\\d+) spawned").group(1));
        daemon.awaitLog("gen=" + failing + " pid=" + failedPid + " exited");
        for (int i = 0; i < 5; i++) {
            assertEquals(servingPid, Http.get(port, "/").workerPid(), "the old worker answers every request");
        }
        assertFalse(processExists(failedPid), "the failed worker is gone");
        await("no process left in the failed worker's group " + failedPid, () -> Proc.group(failedPid).isEmpty());
        assertFalse(Files.exists(runtimeDir.resolve("default").resolve("notify-" + failing + ".sock")),
                "the failed worker's notify socket is removed");
        assertEquals(List.of((long) servingPid), Proc.workersOf(daemon.pid()).stream().map(Proc.Stat::pid).toList(),
                "the supervisor's only child is the serving worker");
        awaitFootprintBackTo(daemon, before);
    }

    /**
     * Waits until the supervisor holds exactly as many descriptors and threads as {@code before}:
     * a worker's reaper thread ends a moment after its exit was handled, so equality is awaited;
     * a leak never gets there.
     */
    static void awaitFootprintBackTo(DaemonProcess daemon, Proc.Footprint before) {
        long deadline = System.nanoTime() + DaemonProcess.DEADLINE.toNanos();
        Proc.Footprint now = Proc.Footprint.of(daemon.pid());
        while (now.fds() != before.fds() || now.threads() != before.threads()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("supervisor footprint did not return to " + before + ": now " + now
                        + "\nfds: " + fds(daemon.pid()));
            }
            DaemonProcess.pause();
            now = Proc.Footprint.of(daemon.pid());
        }
    }

    /** The supervisor's descriptors and what they point at, for a failure message. */
    static String fds(long pid) {
        try (var entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return entries.map(fd -> {
                try {
                    return fd.getFileName() + "->" + Files.readSymbolicLink(fd);
                } catch (IOException closed) {
                    return fd.getFileName() + "->?";
                }
            }).sorted().toList().toString();
        } catch (IOException e) {
            return "(cannot list: " + e + ")";
        }
    }
}
