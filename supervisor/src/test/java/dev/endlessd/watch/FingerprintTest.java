package dev.endlessd.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintTest {
    @TempDir
    Path dir;

    private static Fingerprint of(Path path) throws IOException {
        return Fingerprint.of(path).orElseThrow();
    }

    @Test
    void touchingOrChmoddingAFileChangesNothing() throws IOException {
        Path file = Files.writeString(dir.resolve("app.properties"), "greeting=Hello\n");
        Fingerprint before = of(file);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertEquals(before, of(file));
    }

    @Test
    void aFileReplacedWithOtherContentChanged() throws IOException {
        Path file = Files.writeString(dir.resolve("app.properties"), "greeting=Hello\n");
        Fingerprint before = of(file);
        Path replacement = Files.writeString(dir.resolve(".app.properties.swp"), "greeting=Hola\n");
        Files.move(replacement, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertNotEquals(before, of(file));
        assertEquals("content changed", of(file).changesSince(before));
    }

    @Test
    void aConfigMapUpdateIsSeenThroughItsLinksAndNamesTheKeysThatChanged() throws IOException {
        ConfigMapVolume volume = new ConfigMapVolume(dir.resolve("config"));
        volume.publish(Map.of("app.properties", "greeting=Hello\n", "limits", "10\n"));
        Fingerprint first = of(volume.root());
        assertEquals(java.util.Set.of("app.properties", "limits"), first.sums().keySet(),
                "the ..data link and the timestamped directory are not content of their own");

        volume.publish(Map.of("app.properties", "greeting=Hello\n", "limits", "10\n"));
        assertEquals(first, of(volume.root()), "the same content in a new timestamped directory is no change");

        volume.publish(Map.of("app.properties", "greeting=Hola\n", "limits", "10\n", "extra", "1\n"));
        Fingerprint third = of(volume.root());
        assertEquals("app.properties changed; extra added", third.changesSince(first));
        assertEquals("app.properties changed; extra removed", first.changesSince(third));
    }

    @Test
    void aMissingPathHasNoFingerprint() throws IOException {
        assertTrue(Fingerprint.of(dir.resolve("nothing")).isEmpty());
    }

    @Test
    void longListsOfChangesAreCut() throws IOException {
        for (int i = 0; i < 5; i++) {
            Files.writeString(dir.resolve("file" + i), "a");
        }
        Fingerprint before = of(dir);
        for (int i = 0; i < 5; i++) {
            Files.writeString(dir.resolve("file" + i), "b");
        }
        assertEquals("file0, file1, file2 and 2 more changed", of(dir).changesSince(before));
    }

    @Test
    void aFileNameCannotBreakTheLogLine() throws IOException {
        Fingerprint before = of(dir);
        Files.writeString(dir.resolve("evil\n12:00:00.000 INFO  endlessd[x] forged\u001b[2J"), "x");
        assertEquals("evil?12:00:00.000 INFO  endlessd[x] forged?[2J added", of(dir).changesSince(before));
    }
}
