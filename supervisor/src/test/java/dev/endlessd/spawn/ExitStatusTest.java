package dev.endlessd.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExitStatusTest {

    @Test
    void decodesANormalExit() {
        ExitStatus status = ExitStatus.decode(3 << 8);
        assertEquals(ExitStatus.exited(3), status);
        assertEquals("exit status 3", status.toString());
    }

    @Test
    void decodesDeathBySignalWithCore() {
        int sigquit = 3;
        ExitStatus status = ExitStatus.decode(sigquit | 0x80);
        assertEquals(sigquit, status.signal());
        assertTrue(status.coreDumped());
        assertEquals("killed by SIGQUIT (core dumped)", status.toString());
    }

    @Test
    void explainsTheShellsCommandNotFoundAndNotExecutableCodes() {
        assertEquals("exit status 127 (command not found)", ExitStatus.exited(127).toString());
        assertEquals("exit status 126 (command not executable)", ExitStatus.exited(126).toString());
    }

    @Test
    void anUnknownStatusSaysSo() {
        assertEquals("an unknown status (waiting for it failed)", ExitStatus.unknown().toString());
    }
}
