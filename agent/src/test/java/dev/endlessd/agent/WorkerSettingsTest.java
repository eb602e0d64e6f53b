package dev.endlessd.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {
    @Test
    void readsWhatEndlessdPasses() {
        WorkerSettings settings = WorkerSettings.from(Map.of("LISTEN_FDS", "2", "ENDLESSD_NOTIFY_FD", "5",
                "ENDLESSD_DRAIN_TIMEOUT_MS", "12000", "ENDLESSD_NAME", "web", "ENDLESSD_GENERATION", "7"));
        assertEquals(new WorkerSettings(2, OptionalInt.of(5), 12_000, "web", "7"), settings);
    }

    @Test
    void anEndlessdThatPassesLessGetsDefaultsAndNoNotifyFd() {
        WorkerSettings settings = WorkerSettings.from(Map.of("LISTEN_FDS", "1"));
        assertEquals(new WorkerSettings(1, OptionalInt.empty(), 30_000, "default", "?"), settings);
    }

    @Test
    void garbageIsNeverTakenForAnFd() {
        WorkerSettings settings = WorkerSettings.from(Map.of("LISTEN_FDS", "x", "ENDLESSD_NOTIFY_FD", "1",
                "ENDLESSD_DRAIN_TIMEOUT_MS", "-5"));
        assertEquals(0, settings.listenFds());
        assertEquals(OptionalInt.empty(), settings.notifyFd(), "fds below 3 are stdio, never a notify socket");
        assertEquals(30_000, settings.drainMillis());
    }
}
