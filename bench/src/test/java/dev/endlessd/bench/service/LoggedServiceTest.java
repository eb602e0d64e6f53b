package dev.endlessd.bench.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LoggedServiceTest {

    @Test
    void readsTheTimestampOfEndlessdAndRestarterLines() {
        assertEquals(((14 * 60 + 13) * 60 + 8) * 1000L + 464,
                LoggedService.logMillis("14:13:08.464 INFO  endlessd[default] reload requested (SIGHUP)"));
        assertEquals(5, LoggedService.logMillis("00:00:00.005 INFO  restarter[x] gen=2 pid=7 ready after 5 ms"));
    }

    @Test
    void aLineWithoutTimestampIsAnError() {
        assertThrows(ServiceException.class, () -> LoggedService.logMillis("reload requested"));
    }
}
