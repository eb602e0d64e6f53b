package dev.endlessd.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerEnvironmentTest {
    private static final Map<String, String> SUPERVISOR_ENVIRONMENT = Map.of(
            "PATH", "/usr/bin",
            "LISTEN_FDS", "2", "LISTEN_PID", "1", "LISTEN_FDNAMES", "a:b",
            "NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "100", "WATCHDOG_PID", "1");

    private final Map<String, String> worker = new WorkerEnvironment(SUPERVISOR_ENVIRONMENT)
            .forWorker("shop", 7, List.of("web", "admin"), Path.of("/run/endlessd/shop/notify-7.sock"));

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
}
