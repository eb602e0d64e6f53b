package dev.endlessd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Signals;
import dev.endlessd.os.Posix;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code endlessd status --check} against a real daemon through the launcher, in each state a
 * Kubernetes probe can find it in: its exit code and its one line.
 */
@Timeout(180)
class ProbeIT {
    @TempDir
    Path dir;

    private Client.Result check() throws IOException, InterruptedException {
        return new Client(dir).run("status", "--check", "--runtime-dir", dir.resolve("run").toString());
    }

    @Test
    void exitCodesSayStartingServingReloadingAndNoWorker() throws Exception {
        Path switches = dir.resolve("switches");
        Path firstReady = dir.resolve("first-ready");
        Path secondReady = dir.resolve("second-ready");
        Files.writeString(switches, "--ready-when-exists " + firstReady);
        Client.Result none = check();
        assertEquals(3, none.exitCode(), "no daemon: " + none);

        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker("--switches-file", switches.toString()),
                "--listen", "127.0.0.1:0", "--ready-timeout", "5m")) {
            int first = Integer.parseInt(daemon.awaitLog("gen=1 pid=(\\d+) spawned").group(1));
            Client.Result starting = check();
            assertEquals(5, starting.exitCode(), starting.toString());
            assertEquals("starting gen=1 pid=" + first + " not ready yet\n", starting.out());

            Files.writeString(firstReady, "");
            daemon.awaitServing(1);
            Client.Result serving = check();
            assertEquals(0, serving.exitCode(), serving.toString());
            assertEquals("serving gen=1 pid=" + first + "\n", serving.out());

            Files.writeString(switches, "--ready-when-exists " + secondReady);
            daemon.signal(Signals.SIGHUP);
            int second = Integer.parseInt(daemon.awaitLog("gen=2 pid=(\\d+) spawned").group(1));
            Client.Result reloading = check();
            assertEquals(0, reloading.exitCode(), "the old worker serves while the new one starts: " + reloading);
            assertEquals("reloading gen=1 pid=" + first + "; gen=2 pid=" + second + " starting\n", reloading.out());

            Files.writeString(secondReady, "");
            daemon.awaitServing(2);
            Files.writeString(switches, "--never-ready");
            Posix.kill(second, Signals.SIGKILL);
            daemon.awaitLog("gen=3 pid=\\d+ spawned \\(restart\\)");
            Client.Result noWorker = check();
            assertEquals(6, noWorker.exitCode(), noWorker.toString());
            assertEquals("no-worker (endlessd is restarting)\n", noWorker.out());
            assertEquals("", noWorker.err());
        }
    }

    /**
     * The probe runs every few seconds in every pod: it must not build picocli's model or load
     * jnr-ffi, which were three quarters of a client's start (see ProbeFastPath).
     */
    @Test
    void aProbeLoadsNeitherPicocliNorJnr() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            Path classes = dir.resolve("classes.log");
            ProcessBuilder probe = new ProcessBuilder(DaemonProcess.launcher().toString(), "status", "--check",
                    "--runtime-dir", dir.resolve("run").toString())
                    .redirectOutput(dir.resolve("probe.out").toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            probe.environment().put("ENDLESSD_JAVA_OPTS", "-Xlog:class+load:file=" + classes);
            Process run = probe.start();
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the probe did not finish");
            assertEquals(0, run.exitValue(), Files.readString(dir.resolve("probe.out")));
            List<String> loaded = Files.readAllLines(classes, StandardCharsets.UTF_8);
            assertTrue(loaded.stream().anyMatch(line -> line.contains(" dev.endlessd.cli.ProbeFastPath ")), "no class log");
            List<String> heavy = loaded.stream()
                    .filter(line -> line.contains(" picocli.") || line.contains(" jnr.") || line.contains(" com.kenai."))
                    .toList();
            assertEquals(List.of(), heavy);
        }
    }
}
