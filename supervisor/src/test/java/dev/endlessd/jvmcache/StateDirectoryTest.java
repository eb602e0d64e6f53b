package dev.endlessd.jvmcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {

    @Test
    void systemdsStateDirectoryComesFirstThenRootsThenXdg() {
        assertEquals(Path.of("/var/lib/app/web"), StateDirectory.locate("web", Map.of("STATE_DIRECTORY", "/var/lib/app:/x"), 0));
        assertEquals(Path.of("/var/lib/endlessd/web"),
                StateDirectory.locate("web", Map.of("STATE_DIRECTORY", "/var/lib/endlessd/web"), 0), "the unit's own");
        assertEquals(Path.of("/var/lib/endlessd/web"), StateDirectory.locate("web", Map.of("HOME", "/root"), 0));
        assertEquals(Path.of("/s/endlessd/web"), StateDirectory.locate("web", Map.of("XDG_STATE_HOME", "/s"), 1000));
        assertEquals(Path.of("/home/u/.local/state/endlessd/web"),
                StateDirectory.locate("web", Map.of("HOME", "/home/u", "XDG_STATE_HOME", "relative"), 1000));
    }

    @Test
    void theCacheDirectoryIsCreatedPrivate(@TempDir Path dir) throws IOException {
        Path cache = StateDirectory.prepareCache(dir.resolve("state/web"), Posix.uid(), OptionalInt.empty(), OptionalInt.empty());

        assertEquals(dir.resolve("state/web/java-cache"), cache);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state/web"))));
    }

    @Test
    void aSymlinkOrADirectoryOthersMayWriteIsRefusedWithTheFix(@TempDir Path dir) throws IOException {
        Path base = Files.createDirectories(dir.resolve("state"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(base.resolve("web"), elsewhere);
        IOException link = assertThrows(IOException.class,
                () -> StateDirectory.prepareCache(base.resolve("web"), Posix.uid(), OptionalInt.empty(), OptionalInt.empty()));
        assertTrue(link.getMessage().contains("is a symbolic link") && link.getMessage().contains("--java-cache=off"),
                link.getMessage());

        Path open = Files.createDirectories(base.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException writable = assertThrows(IOException.class,
                () -> StateDirectory.prepareCache(open, Posix.uid(), OptionalInt.empty(), OptionalInt.empty()));
        assertTrue(writable.getMessage().contains("written by nobody else") && writable.getMessage().contains("rm -r"),
                writable.getMessage());
        assertTrue(Files.isSymbolicLink(base.resolve("web")) && !Files.exists(elsewhere.resolve("java-cache"),
                LinkOption.NOFOLLOW_LINKS), "nothing was created through the link");
    }
}
