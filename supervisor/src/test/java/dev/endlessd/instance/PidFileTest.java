package dev.endlessd.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {
    @TempDir
    Path dir;

    @Test
    void holdsThePidWhileRunningAndIsGoneAfterwards() throws Exception {
        Path file = dir.resolve("endlessd.pid");
        PidFile pidFile = PidFile.write(Optional.of(file), 4242);
        assertEquals("4242\n", Files.readString(file));
        try (var leftovers = Files.list(dir)) {
            assertEquals(1, leftovers.count(), "no temporary file is left next to it");
        }
        pidFile.close();
        assertFalse(Files.exists(file));
    }

    @Test
    void aPidFileRewrittenBySomeoneElseIsLeftAlone() throws Exception {
        Path file = dir.resolve("endlessd.pid");
        PidFile pidFile = PidFile.write(Optional.of(file), 4242);
        Files.writeString(file, "5000\n");
        pidFile.close();
        assertEquals("5000\n", Files.readString(file));
    }

    @Test
    void aSymlinkAtTheOldPredictableTemporaryNameIsNotFollowed() throws Exception {
        Path precious = Files.writeString(dir.resolve("precious"), "keep me\n");
        Files.createSymbolicLink(dir.resolve(".endlessd.pid.4242.tmp"), precious);
        Path file = dir.resolve("endlessd.pid");

        PidFile.write(Optional.of(file), 4242).close();

        assertEquals("keep me\n", Files.readString(precious));
        assertTrue(Files.isSymbolicLink(dir.resolve(".endlessd.pid.4242.tmp")), "the planted link is left alone");
    }

    @Test
    void aPidFileSwappedForASymlinkToOurPidIsNotRemovedOnExit() throws Exception {
        Path file = dir.resolve("endlessd.pid");
        PidFile pidFile = PidFile.write(Optional.of(file), 4242);
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "4242\n");
        Files.delete(file);
        Files.createSymbolicLink(file, elsewhere);

        pidFile.close();

        assertTrue(Files.isSymbolicLink(file), "not ours any more: left as it is");
    }

    @Test
    void anUnwritablePlaceNamesTheFlagAndThePath() {
        Path file = dir.resolve("missing").resolve("endlessd.pid");
        StartupException error = assertThrows(StartupException.class, () -> PidFile.write(Optional.of(file), 1));
        assertTrue(error.getMessage().startsWith("cannot write --pid-file " + file), error.getMessage());
    }

    @Test
    void withoutAPathNothingIsWritten() throws Exception {
        PidFile.write(Optional.empty(), 1).close();
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
