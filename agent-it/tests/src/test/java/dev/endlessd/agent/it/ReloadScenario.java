package dev.endlessd.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;

/**
 * The test every framework passes: its unmodified app under {@code endlessd --cmd CMD --listen
 * 127.0.0.1:PORT} with the agent, reloaded {@code agent.it.reloads} times (5 by default) under
 * continuous keep-alive, slow and new-connection load, with every request counted and none failed;
 * each reload brings a new worker pid, the old worker exits, endlessd's pid stays. Prints the figures.
 */
final class ReloadScenario {
    private static final int RELOADS = Integer.getInteger("agent.it.reloads", 5);

    private ReloadScenario() {
    }

    static Path app(String module, String jar) {
        return Path.of(System.getProperty("agent.it.apps", "..")).resolve(module).resolve("target").resolve(jar)
                .toAbsolutePath().normalize();
    }

    /**
     * The java command the apps run with ({@code -Dagent.it.java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
     * for another JDK), with the JIT and GC that start a JVM for the least CPU: the suite starts some
     * fifty JVMs on two cores, and the agent's part does not depend on either.
     */
    static String java() {
        return java(System.getProperty("agent.it.java", "java"));
    }

    static String java(String executable) {
        return executable + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    }

    /**
     * @param command the app's command line for a port, as a user would write it for {@code --cmd}
     */
    static void run(Path dir, String framework, IntFunction<String> command) throws IOException, InterruptedException {
        long began = System.nanoTime();
        int port = freePort();
        try (Endlessd endlessd = Endlessd.start(dir, framework, Map.of(), "--cmd", command.apply(port),
                "--listen", "127.0.0.1:" + port, "--ready-timeout", "240s", "--drain-timeout", "30s")) {
            long daemonPid = endlessd.pid();
            long previous = endlessd.awaitServing(1);
            List<Long> readyMillis = new ArrayList<>(List.of(endlessd.readyMillis(1)));
            try (Load load = new Load(port, 4, 2, 2)) {
                load.awaitMore(50);
                for (int generation = 2; generation <= RELOADS + 1; generation++) {
                    endlessd.reload();
                    long worker = endlessd.awaitServing(generation);
                    assertNotEquals(previous, worker, "reload " + (generation - 1) + " brought a new worker pid");
                    long old = previous;
                    Endlessd.await("old worker pid " + old + " exited", () -> !Endlessd.processExists(old));
                    load.awaitServedBy(worker);
                    load.awaitMore(20);
                    readyMillis.add(endlessd.readyMillis(generation));
                    assertTrue(endlessd.isAlive(), "endlessd still runs");
                    assertEquals(daemonPid, endlessd.pid());
                    previous = worker;
                }
                load.close();
                Matcher agentStart = endlessd.awaitLog("endlessd-agent: .*active in (\\d+) ms");
                System.out.printf("%s: %d reloads, %d requests ok, %d failed, %d retried after a keep-alive close,"
                                + " %d after a reset; time to READY (ms) %s; agent start %s ms; took %d s%n",
                        framework, RELOADS, load.ok(), load.failures().size(), load.retriedAfterClose(),
                        load.retriedAfterReset(), readyMillis, agentStart.group(1),
                        (System.nanoTime() - began) / 1_000_000_000L);
                assertEquals(List.of(), load.failures(), "failed requests; endlessd log:\n" + endlessd.log());
                assertEquals(0, load.retriedAfterReset(), "requests reset on a reused keep-alive connection");
            }
            assertTrue(endlessd.log().contains("endlessd-agent: "), "the agent logged");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
