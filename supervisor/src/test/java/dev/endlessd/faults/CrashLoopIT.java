package dev.endlessd.faults;

import dev.endlessd.it.Fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Http;
import dev.endlessd.it.Proc;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that crashes right after READY, again and again: endlessd restarts it with a delay that
 * doubles per crash (100 ms up to 10 s), burns no CPU while it waits, keeps the socket open so
 * connections queue instead of being refused, and serves again once the crash is fixed.
 */
@Timeout(120)
class CrashLoopIT {
    /** Generous: the loop spawns a handful of workers in the window and sleeps between them. */
    private static final double MAX_CPU_SHARE = 0.5;

    @TempDir
    Path dir;

    @Test
    void aCrashLoopBacksOffWithoutBusyLoopingKeepsConnectionsWaitingAndRecovers() throws Exception {
        Path switches = dir.resolve("switches");
        Files.writeString(switches, "--crash-after 0.1");
        try (DaemonProcess daemon = DaemonProcess.start(dir,
                "--cmd", Fixture.worker("--switches-file", switches.toString()), "--listen", "127.0.0.1:0")) {
            int port = daemon.port();
            daemon.awaitLog("gen=1 pid=\\d+ exited unexpectedly after serving .*: exit status 4");
            long windowStart = System.nanoTime();
            double cpuStart = Proc.cpuSeconds(daemon.pid());

            // seven crashes: 100 ms + 200 + 400 + 800 ms + 1.6 s + 3.2 s of waiting, plus the workers' lives
            daemon.awaitLog("gen=7 pid=\\d+ exited unexpectedly after serving .*: exit status 4");
            daemon.awaitLog("restarting in 6\\.4s");
            double cpuSeconds = Proc.cpuSeconds(daemon.pid()) - cpuStart;
            double wallSeconds = (System.nanoTime() - windowStart) / 1e9;
            Files.delete(switches);
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> request(port));

            double share = cpuSeconds / wallSeconds;
            List<String> delays = daemon.logMatches("restarting in (\\d+ ms|[\\d.]+s) \\(backoff doubles")
                    .stream().map(match -> match.group(1)).toList();
            System.out.printf(Locale.ROOT, "figure: crash loop: supervisor CPU %.2f s over %.1f s = %.1f%% of one core;"
                    + " %d restarts; delays %s%n", cpuSeconds, wallSeconds, share * 100,
                    daemon.logMatches("spawned \\(restart\\)").size(), delays);
            assertEquals(List.of("100 ms", "200 ms", "400 ms", "800 ms", "1.6s", "3.2s", "6.4s"), delays,
                    "each crash doubles the delay (the cap of 10s is BackoffTest's)");
            assertEquals(6, daemon.logMatches("spawned \\(restart\\)").size(), "one restart per crash, no more");
            assertTrue(share < MAX_CPU_SHARE, String.format(Locale.ROOT,
                    "the supervisor used %.0f%% of a core during the crash loop: a busy loop?", share * 100));

            int recovered = daemon.awaitServing(8);
            daemon.awaitLog("gen=8 pid=" + recovered + " serves \\(restart\\)");
            assertEquals("pid=" + recovered, waiting.get().split(" ")[0],
                    "a connection made while nothing served waited in the backlog for the restarted worker");
            long servingSince = System.nanoTime();
            DaemonProcess.await("the restarted worker keeps serving for a second, ten times its old life",
                    () -> answeredBy(port) == recovered && System.nanoTime() - servingSince > 1_000_000_000L);
            assertTrue(daemon.logMatches("gen=8 pid=\\d+ exited").isEmpty(), daemon.log());
        }
    }

    private static int answeredBy(int port) {
        try {
            return Http.get(port, "/").workerPid();
        } catch (IOException e) {
            throw new AssertionError("the restarted worker did not answer", e);
        }
    }

    /** GET / with a deadline long enough to outwait the 6.4 s restart delay; returns the body. */
    private static String request(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.0 200"), response);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        } catch (IOException e) {
            throw new AssertionError("a connection made during the restart delay failed", e);
        }
    }
}
