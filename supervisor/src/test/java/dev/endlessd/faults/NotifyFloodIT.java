package dev.endlessd.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.spawn.Signals;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that sends thousands of malformed notify datagrams (0.1.0 logged each one: 104,000 in
 * 40 s made 431 MB of log) gets one whole line and then a count; READY after the flood still counts.
 */
@Timeout(120)
class NotifyFloodIT {
    private static final int DATAGRAMS = 3000;

    @TempDir
    Path dir;

    @Test
    void aFloodOfMalformedNotifyMessagesIsLoggedOnceThenCounted() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker("--garbage-flood", "" + DATAGRAMS),
                "--listen", "127.0.0.1:0")) {
            int pid = daemon.awaitServing(1);
            daemon.signal(Signals.SIGTERM);
            assertEquals(0, daemon.awaitExit(), daemon.log());

            assertEquals(1, daemon.logMatches("gen=1 pid=" + pid + " sent malformed notify lines \\[garbage 0\\]: ignored"
                    + " \\(expected KEY=VALUE lines such as READY=1\\)").size(), "the first is logged whole");
            assertEquals(0, daemon.logMatches("sent malformed notify lines \\[garbage [1-9]").size(), "only the first");
            int counted = daemon.logMatches("gen=1 pid=" + pid + ": (\\d+) more malformed notify messages").stream()
                    .mapToInt(match -> Integer.parseInt(match.group(1))).sum();
            assertEquals(DATAGRAMS - 1, counted, "every other one is counted:\n" + daemon.log());
        }
    }
}
