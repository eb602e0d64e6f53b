package dev.endlessd.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerEnvironmentTest {
    private static final Map<String, String> SUPERVISOR_ENVIRONMENT = Map.of(
            "PATH", "/usr/bin",
            "LISTEN_FDS", "5", "LISTEN_PID", "1", "LISTEN_FDNAMES", "a:b:c:d:e",
            "NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "100", "WATCHDOG_PID", "1",
            "ENDLESSD_NOTIFY_FD", "9", "ENDLESSD_DRAIN_TIMEOUT_MS", "1");
    private static final Path AGENT = Path.of("/usr/share/endlessd/endlessd-agent.jar");

    private final Map<String, String> worker = environment(SUPERVISOR_ENVIRONMENT, Optional.empty())
            .forWorker(7, List.of("web", "admin"), Path.of("/run/endlessd/shop/notify-7.sock"));

    @Test
    void keepsTheSupervisorsOrdinaryVariables() {
        assertEquals("/usr/bin", worker.get("PATH"));
    }

    @Test
    void replacesSocketActivationVariablesWithTheWorkersOwn() {
        assertEquals("2", worker.get("LISTEN_FDS"));
        assertEquals("web:admin", worker.get("LISTEN_FDNAMES"));
        assertEquals("/run/endlessd/shop/notify-7.sock", worker.get("NOTIFY_SOCKET"));
    }

    @Test
    void leavesLISTEN_PIDToTheShellPreludeAndDropsTheWatchdog() {
        assertFalse(worker.containsKey("LISTEN_PID"));
        assertFalse(worker.containsKey("WATCHDOG_USEC"));
        assertFalse(worker.containsKey("WATCHDOG_PID"));
    }

    @Test
    void namesTheGenerationAndTheService() {
        assertEquals("7", worker.get("ENDLESSD_GENERATION"));
        assertEquals("shop", worker.get("ENDLESSD_NAME"));
    }

    @Test
    void placesTheNotifyClientRightAfterTheListenersAndTellsTheDrainBudget() {
        assertEquals("5", worker.get("ENDLESSD_NOTIFY_FD"));
        assertEquals("30000", worker.get("ENDLESSD_DRAIN_TIMEOUT_MS"));
    }

    @Test
    void leavesJavaToolOptionsAloneWithoutTheAgent() {
        Map<String, String> supervisor = new HashMap<>(SUPERVISOR_ENVIRONMENT);
        supervisor.put("JAVA_TOOL_OPTIONS", "-Xmx1g");
        assertEquals("-Xmx1g", forWorker(supervisor, Optional.empty()).get("JAVA_TOOL_OPTIONS"));
        assertFalse(forWorker(SUPERVISOR_ENVIRONMENT, Optional.empty()).containsKey("JAVA_TOOL_OPTIONS"));
    }

    @Test
    void appendsTheAgentToTheUsersJavaToolOptions() {
        Map<String, String> supervisor = new HashMap<>(SUPERVISOR_ENVIRONMENT);
        supervisor.put("JAVA_TOOL_OPTIONS", " -Xmx1g -Dx=y ");
        assertEquals("-Xmx1g -Dx=y -javaagent:" + AGENT, forWorker(supervisor, Optional.of(AGENT)).get("JAVA_TOOL_OPTIONS"));
        assertEquals("-javaagent:" + AGENT, forWorker(SUPERVISOR_ENVIRONMENT, Optional.of(AGENT)).get("JAVA_TOOL_OPTIONS"));
    }

    @Test
    void addsTheAgentOnceAndQuotesAPathWithSpaces() {
        Map<String, String> supervisor = new HashMap<>(SUPERVISOR_ENVIRONMENT);
        supervisor.put("JAVA_TOOL_OPTIONS", "-javaagent:" + AGENT);
        assertEquals("-javaagent:" + AGENT, forWorker(supervisor, Optional.of(AGENT)).get("JAVA_TOOL_OPTIONS"));
        assertEquals("-javaagent:\"/opt/my apps/endlessd-agent.jar\"",
                forWorker(SUPERVISOR_ENVIRONMENT, Optional.of(Path.of("/opt/my apps/endlessd-agent.jar")))
                        .get("JAVA_TOOL_OPTIONS"));
    }

    private static Map<String, String> forWorker(Map<String, String> supervisor, Optional<Path> agent) {
        return environment(supervisor, agent).forWorker(1, List.of("web"), Path.of("/run/n.sock"));
    }

    private static WorkerEnvironment environment(Map<String, String> supervisor, Optional<Path> agent) {
        return new WorkerEnvironment(supervisor, "shop", Duration.ofSeconds(30), agent);
    }
}
