package dev.endlessd.attacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Nobody;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user without {@code XDG_RUNTIME_DIR} keeps endlessd's sockets in {@code /tmp/endlessd-UID}. Another
 * local user (nobody) can create that directory first, world-writable; 0.1.0 accepted it, so the
 * attacker could rename the victim's directory away and answer the victim's {@code endlessd reload},
 * {@code status} and {@code stop} with a control socket of their own. The victim here is the system
 * account {@code daemon} (uid 1), its {@code /tmp} a sticky directory of the test's
 * ({@code -Djava.io.tmpdir}).
 */
@Timeout(120)
class TmpTakeoverIT {
    private static final int VICTIM_UID = 1;
    /** Answers every connection with a reload that never happened, as long as it runs. */
    private static final String FAKE_DAEMON = "import os, socket, sys\n"
            + "s = socket.socket(socket.AF_UNIX)\n"
            + "s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777); s.listen(8)\n"
            + "open(sys.argv[1] + '.up', 'w').close()\n"
            + "while True:\n"
            + "    c, _ = s.accept(); c.recv(256); c.sendall(b'ok reloaded gen=99 pid=1 time_to_ready=1ms\\n'); c.close()\n";

    @TempDir
    Path dir;
    private Path tmp;
    private Path planted;
    private Client victim;
    private Map<String, String> victimEnvironment;

    @BeforeEach
    void layout() throws Exception {
        Nobody.assumeAvailable();
        Path shared = Nobody.sharedDirectory(dir);
        tmp = Files.createDirectory(dir.resolve("tmp"));
        Files.setAttribute(tmp, "unix:mode", 01777);
        planted = tmp.resolve("endlessd-" + VICTIM_UID);
        List<String> asVictim = List.of(Nobody.SETPRIV.toString(), "--reuid=" + VICTIM_UID, "--regid=" + VICTIM_UID,
                "--clear-groups", "env", "-u", "XDG_RUNTIME_DIR", "-u", "RUNTIME_DIRECTORY",
                "ENDLESSD_JAVA_OPTS=-Djava.io.tmpdir=" + tmp);
        victim = new Client(shared, asVictim, Nobody.launcherForAnyone(dir));
        victimEnvironment = Map.of("ENDLESSD_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
    }

    /** nobody creates the victim's base directory before the victim ever runs endlessd. */
    private void plantBaseAsNobody() throws Exception {
        Nobody.runToEnd("mkdir", "-m", "0777", planted.toString());
    }

    @Test
    void theDaemonRefusesABaseDirectoryAnotherUserCreatedFirst() throws Exception {
        plantBaseAsNobody();

        Client.Result start = victim.run("--cmd", "sleep 600", "--listen", "127.0.0.1:0", "--ready-timeout", "1s");

        assertEquals(1, start.exitCode(), start.toString());
        assertTrue(start.err().contains("cannot start: runtime directory base " + planted + " belongs to uid "
                + Nobody.UID + ", not to us (uid " + VICTIM_UID + ") or root: its owner could replace what endlessd"
                + " keeps in it (another user may have created it first): remove it as root, or pass --runtime-dir"
                + " (or set XDG_RUNTIME_DIR)"), start.toString());
        try (var left = Files.list(planted)) {
            assertEquals(0, left.count(), "nothing was created in the attacker's directory");
        }
    }

    @Test
    void theClientDoesNotBelieveAnotherUsersSocketInTheDaemonsPlace() throws Exception {
        plantBaseAsNobody();
        Path socket = planted.resolve("default").resolve("control.sock");
        Nobody.runToEnd("mkdir", "-m", "0777", socket.getParent().toString());
        List<String> fake = new ArrayList<>(Nobody.run(Nobody.PYTHON.toString(), "-c", FAKE_DAEMON, socket.toString()));
        Process attacker = new ProcessBuilder(fake).redirectErrorStream(true)
                .redirectOutput(dir.resolve("attacker.log").toFile()).start();
        try {
            DaemonProcess.await("the attacker's socket is up", () -> Files.exists(Path.of(socket + ".up")));

            Client.Result reload = victim.run("reload");

            assertEquals(4, reload.exitCode(), reload.toString());
            assertTrue(reload.err().startsWith("endlessd: " + socket + " is served by user nobody, not by user daemon"
                    + " or root: another user's process has taken its place, so its answer is not believed"),
                    reload.toString());
            assertEquals("", reload.out(), "the attacker's answer is not printed");
        } finally {
            attacker.destroyForcibly();
        }
    }
}
