package dev.endlessd.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the agent does outside a reload: nothing in JVMs that are not the worker, and a hint for a wrong port. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AgentBehaviourIT {
    private static final Path SERVER = Path.of("src/test/resources/Server.java").toAbsolutePath();

    @Test
    void aJvmWhoseListenPidIsAnotherProcessBindsItsOwnPortAsIfThereWereNoAgent(@TempDir Path dir) throws Exception {
        int port = ReloadScenario.freePort();
        Path log = dir.resolve("jvm.log");
        ProcessBuilder builder = new ProcessBuilder("java", SERVER.toString(), Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_TOOL_OPTIONS", "-javaagent:" + Endlessd.agentJar().toAbsolutePath());
        builder.environment().put("LISTEN_PID", "1");
        builder.environment().put("LISTEN_FDS", "1");
        Process jvm = builder.start();
        try {
            Endlessd.await("the JVM answers on its own port " + port, () -> answers(port, jvm.pid()));
            String output = Files.readString(log);
            assertTrue(output.contains("endlessd-agent: pid " + jvm.pid() + " inactive: LISTEN_PID=1 is another process"),
                    output);
            assertEquals(1, output.split("endlessd-agent: ", -1).length - 1, "one line, nothing else: " + output);
        } finally {
            jvm.destroyForcibly().waitFor();
        }
    }

    @Test
    void anAppBindingAnotherPortThanListenGetsTheOneLineHint(@TempDir Path dir) throws Exception {
        int listen = ReloadScenario.freePort();
        int other = ReloadScenario.freePort();
        try (Endlessd endlessd = Endlessd.start(dir, "wrong-port", Map.of(), "--cmd",
                "java " + SERVER + " " + other, "--listen", "127.0.0.1:" + listen)) {
            String hint = endlessd.awaitLog("endlessd-agent: .*bind to \\*:" + other + " not adopted.*").group();
            assertTrue(hint.contains("no socket endlessd passed has port " + other), hint);
            assertTrue(hint.contains("make it listen on " + listen), hint);
            assertTrue(hint.contains("--listen *:" + other), hint);
        }
    }

    @Test
    void javaNetServerSocketIsAdoptedAndReloads(@TempDir Path dir) throws Exception {
        reloadsOnce(dir, "blocking");
    }

    @Test
    void asynchronousServerSocketChannelIsAdoptedAndReloads(@TempDir Path dir) throws Exception {
        reloadsOnce(dir, "async");
    }

    /**
     * The draining worker's close of its listener must not take the connections queued on endlessd's
     * socket with it: they are the new worker's. The new worker is stopped (SIGSTOP) so that nobody
     * accepts while the old one stops accepting, drains, closes its server and exits; the connections
     * made meanwhile wait in the shared accept queue and are served once the new worker runs again.
     */
    @Test
    void connectionsQueuedWhileTheOldWorkerDrainsAreServedByTheNewOne(@TempDir Path dir) throws Exception {
        int port = ReloadScenario.freePort();
        try (Endlessd endlessd = Endlessd.start(dir, "queued", Map.of(), "--cmd", "java " + SERVER + " " + port,
                "--listen", "127.0.0.1:" + port, "--ready-timeout", "240s")) {
            long old = endlessd.awaitServing(1);
            endlessd.reload();
            long fresh = endlessd.awaitServing(2);
            signal("STOP", fresh);
            try {
                endlessd.awaitLog("gen=1 pid=" + old + " stopped accepting");
                List<Socket> queued = new ArrayList<>();
                try {
                    for (int i = 0; i < 3; i++) {
                        Socket socket = new Socket("127.0.0.1", port);
                        socket.setSoTimeout(120_000);  // a hang guard, not a measure
                        socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        queued.add(socket);
                    }
                    Endlessd.await("gen=1 exited", () -> !Endlessd.processExists(old));
                    signal("CONT", fresh);
                    for (Socket socket : queued) {
                        String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        assertTrue(reply.startsWith("HTTP/1.1 200") && reply.contains("hello from " + fresh), reply);
                    }
                } finally {
                    for (Socket socket : queued) {
                        socket.close();
                    }
                }
            } finally {
                signal("CONT", fresh);
            }
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor(),
                "kill -" + name + " " + pid);
    }

    /** {@code RawServer.java} in {@code mode} under endlessd: ready, serving, and a reload to a new worker. */
    private static void reloadsOnce(Path dir, String mode) throws Exception {
        int port = ReloadScenario.freePort();
        Path server = Path.of("src/test/resources/RawServer.java").toAbsolutePath();
        try (Endlessd endlessd = Endlessd.start(dir, "raw-" + mode, Map.of(), "--cmd",
                "java " + server + " " + port + " " + mode, "--listen", "127.0.0.1:" + port, "--ready-timeout", "240s")) {
            long first = endlessd.awaitServing(1);
            assertTrue(answers(port, first), "gen=1 serves");
            endlessd.reload();
            long second = endlessd.awaitServing(2);
            Endlessd.await("gen=2 pid " + second + " answers", () -> answers(port, second));
            Endlessd.await("gen=1 exited", () -> !Endlessd.processExists(first));
            assertTrue(endlessd.log().contains("for the app's " + (mode.equals("async") ? "AsynchronousServerSocketChannel"
                    : "ServerSocket") + " bind"), endlessd.log());
        }
    }

    /** Whether a GET / on {@code port} is answered by {@code pid}. */
    private static boolean answers(int port, long pid) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return reply.startsWith("HTTP/1.1 200") && reply.contains("hello from " + pid);
        } catch (IOException e) {
            return false;
        }
    }
}
