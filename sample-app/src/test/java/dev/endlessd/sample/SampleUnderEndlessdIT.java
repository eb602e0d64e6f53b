package dev.endlessd.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's own command, end to end: the packaged sample app under the real endlessd the reactor
 * built, {@code endlessd --cmd "java -jar sample-app.jar --config ..." --listen ...}, reloaded with
 * {@code endlessd reload} after each change of its config while keep-alive clients count every request.
 * Not one may fail, each reload serves the new greeting, and each old worker drains and exits 0.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SampleUnderEndlessdIT {
    /** Generous: JVMs starting on a loaded two-core CI machine. Only bounds a wait, never asserts speed. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int RELOADS = 2;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void theReadmeCommandReloadsUnderLoadAndNoRequestFails() throws Exception {
        Path config = Files.writeString(dir.resolve("sample.properties"), "greeting=Hello from gen 1\n");
        String command = Programs.java() + " -jar " + Programs.sampleJar() + " --config " + config;
        Process daemon = start(List.of(Programs.endlessd(), "--cmd", command, "--listen", "127.0.0.1:0",
                "--runtime-dir", dir.resolve("run").toString()));
        ProcessOutput log = new ProcessOutput(daemon.getInputStream(), "endlessd");
        int port = Integer.parseInt(log.await("listening on tcp-0=127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));
        log.await("gen=1 pid=\\d+ serves", WAIT);

        try (KeepAliveLoad load = new KeepAliveLoad(new InetSocketAddress("127.0.0.1", port), 2)) {
            load.awaitMore(200, WAIT);
            for (int generation = 2; generation <= RELOADS + 1; generation++) {
                String greeting = "Hello from gen " + generation;
                Files.writeString(config, "greeting=" + greeting + "\n");

                Process reload = start(List.of(Programs.endlessd(), "reload", "--runtime-dir",
                        dir.resolve("run").toString()));
                String answer = new String(reload.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(reload.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertEquals(0, reload.exitValue(), answer);
                assertTrue(answer.startsWith("reloaded gen=" + generation + " "), answer);

                Matcher old = log.await("gen=" + (generation - 1) + " pid=\\d+ exited after draining .*: (.*)$", WAIT);
                assertEquals("exit status 0", old.group(1), "the old worker drained and exited 0");
                KeepAliveLoad.await(() -> load.greetings().contains("greeting: " + greeting), WAIT,
                        "the new greeting served");
                load.awaitMore(200, WAIT);
            }
            load.close();

            assertEquals(List.of(), load.failures(), "failed requests across " + RELOADS + " reloads");
            assertTrue(load.answeredBy().size() >= RELOADS + 1, "answered by " + load.answeredBy());
            System.out.printf("figure: sample app under endlessd: %d requests over %d reloads, %d failed, %d workers%n",
                    load.answered(), RELOADS, load.failures().size(), load.answeredBy().size());
        }

        Process stop = start(List.of(Programs.endlessd(), "stop", "--runtime-dir", dir.resolve("run").toString()));
        assertTrue(stop.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, stop.exitValue());
        assertTrue(daemon.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, daemon.exitValue(), "endlessd exits 0 once its worker drained");
    }

    private Process start(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(name -> name.startsWith("LISTEN_") || name.equals("NOTIFY_SOCKET"));
        Process process = builder.start();
        started.add(process);
        return process;
    }
}
