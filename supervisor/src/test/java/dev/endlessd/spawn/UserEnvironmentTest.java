package dev.endlessd.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UserEnvironmentTest {
    private static final RunAs APP = new RunAs("app", 1001, 1002, "/srv/app", "/usr/sbin/nologin");

    private static Map<String, String> of(String home, String path) {
        return UserEnvironment.of(APP, Map.of("HOME", home, "PATH", path, "USER", "root", "LOGNAME", "root",
                "SHELL", "/bin/bash", "LANG", "C.UTF-8"));
    }

    @Test
    void homeUserLognameAndShellComeFromThePasswdEntryAsWithSystemdsUser() {
        Map<String, String> environment = of("/root", "/usr/bin");
        assertEquals("/srv/app", environment.get("HOME"));
        assertEquals("app", environment.get("USER"));
        assertEquals("app", environment.get("LOGNAME"));
        assertEquals("/usr/sbin/nologin", environment.get("SHELL"));
        assertEquals("C.UTF-8", environment.get("LANG"), "the rest is endlessd's own");
    }

    @Test
    void pathLosesTheEntriesInsideEndlessdsOwnHome() {
        assertEquals("/usr/local/bin:/usr/bin:/rootless/bin",
                of("/root", "/root/.pyenv/shims:/usr/local/bin:/root/bin:/usr/bin:/root/../root/.local/bin:/rootless/bin")
                        .get("PATH"));
    }

    @Test
    void aHomeOfSlashMakesNoEntryPrivate() {
        assertEquals("/usr/bin:/bin", of("/", "/usr/bin:/bin").get("PATH"));
    }

    @Test
    void whenNothingIsLeftThePathIsSystemdsDefault() {
        assertEquals(UserEnvironment.DEFAULT_PATH, of("/root", "/root/bin").get("PATH"));
    }

    @Test
    void theLogSaysWhatWasDropped() {
        assertEquals("HOME=/srv/app SHELL=/usr/sbin/nologin, PATH without /root/bin (inside endlessd's own HOME)",
                UserEnvironment.describe(APP, Map.of("HOME", "/root", "PATH", "/root/bin:/usr/bin")));
    }

    @Test
    void aPasswdEntryIsReadWholeAndAMissingOneIsAUsageError() {
        assertEquals(new RunAs("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin"),
                RunAs.parse("nobody", "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"));
        IllegalArgumentException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RunAs.parse("ghost", ""));
        assertEquals("user: \"ghost\" (no such user; expected: an existing user)", error.getMessage());
    }
}
