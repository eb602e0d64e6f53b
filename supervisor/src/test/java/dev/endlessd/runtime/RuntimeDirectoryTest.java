package dev.endlessd.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Requirements;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void locationFollowsFlagThenSystemdThenUser() {
        assertEquals(Path.of("/srv/rt/shop"), RuntimeDirectory.locate(Path.of("/srv/rt"), "shop", Map.of(), 0));
        assertEquals(Path.of("/run/shop/shop"),
                RuntimeDirectory.locate(null, "shop", Map.of("RUNTIME_DIRECTORY", "/run/shop:/run/other"), 1000));
        assertEquals(Path.of("/run/endlessd/shop"), RuntimeDirectory.locate(null, "shop", Map.of(), 0));
        assertEquals(Path.of("/run/user/1000/endlessd/shop"),
                RuntimeDirectory.locate(null, "shop", Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), 1000));
    }

    @Test
    void isCreatedPrivate() throws IOException {
        RuntimeDirectory prepared = RuntimeDirectory.prepare(dir.resolve("base/shop"), Posix.uid(), false);
        assertEquals("rwx------", mode(prepared.path()));
        assertEquals("rwx------", mode(prepared.path().getParent()));
    }

    @Test
    void aLooserExistingDirectoryIsTightened() throws IOException {
        Path existing = Files.createDirectory(dir.resolve("shop"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxrwxrwx"));
        RuntimeDirectory.prepare(existing, Posix.uid(), false);
        assertEquals("rwx------", mode(existing));
    }

    @Test
    void workersOfAnotherUserMayPassThroughButNotList() throws IOException {
        RuntimeDirectory prepared = RuntimeDirectory.prepare(dir.resolve("base/shop"), Posix.uid(), true);
        assertEquals("rwx--x--x", mode(prepared.path()));
        assertTrue(mode(prepared.path().getParent()).endsWith("x"));
    }

    @Test
    void aDirectoryOfAnotherUserIsRefusedWithTheFix() throws IOException {
        Requirements.assumeRoot("to give the directory away");
        Path foreign = Files.createDirectory(dir.resolve("shop"));
        Files.setAttribute(foreign, "unix:uid", 65534);
        IOException error = assertThrows(IOException.class, () -> RuntimeDirectory.prepare(foreign, 0, false));
        assertEquals("runtime directory " + foreign + " belongs to uid 65534, not to us (uid 0); another user could"
                + " forge readiness messages: remove it, or pass --runtime-dir", error.getMessage());
    }

    @Test
    void aPathUnderAFileIsRefusedNamingTheFlag() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        IOException error = assertThrows(IOException.class,
                () -> RuntimeDirectory.prepare(file.resolve("shop"), Posix.uid(), false));
        assertTrue(error.getMessage().startsWith("cannot prepare runtime directory " + file.resolve("shop")), error.getMessage());
        assertTrue(error.getMessage().endsWith("(pass --runtime-dir to use another place)"), error.getMessage());
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
