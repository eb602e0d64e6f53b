package dev.endlessd.instance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLockTest {
    @TempDir
    Path base;
    private Path dir;

    @BeforeEach
    void instanceDirectory() throws IOException {
        dir = Files.createDirectory(base.resolve("shop"));
    }

    @Test
    void aSecondDaemonOfTheSameNameIsToldWhoRunsAndWhatToDo() throws Exception {
        InstanceLock first = InstanceLock.acquire(dir, "shop", 4242);
        try {
            StartupException refused = assertThrows(StartupException.class, () -> InstanceLock.acquire(dir, "shop", 4343));
            assertEquals("endlessd 'shop' is already running (pid 4242): stop it (endlessd stop --name shop) "
                    + "or choose another --name", refused.getMessage());
        } finally {
            first.close();
        }
    }

    @Test
    void theFileSaysWhoHoldsTheLockAndGoesWithItsEmptyDirectoryOnceReleased() throws Exception {
        InstanceLock lock = InstanceLock.acquire(dir, "shop", 77);
        assertEquals("77\n", Files.readString(dir.resolve("lock")));
        lock.close();
        assertFalse(Files.exists(dir), "a stopped instance leaves no directory behind");
        assertTrue(Files.isDirectory(base));
    }

    @Test
    void aDirectoryWithOtherFilesStays() throws Exception {
        Files.writeString(dir.resolve("control.sock"), "");
        InstanceLock.acquire(dir, "shop", 77).close();
        assertFalse(Files.exists(dir.resolve("lock")));
        assertTrue(Files.exists(dir.resolve("control.sock")));
    }

    @Test
    void aDirectoryRemovedUnderAStartingDaemonIsReportedWithTheWayOut() throws Exception {
        Files.delete(dir);
        StartupException refused = assertThrows(StartupException.class, () -> InstanceLock.acquire(dir, "shop", 5));
        assertTrue(refused.getMessage().contains("the runtime directory was removed while this daemon started"),
                refused.getMessage());
    }

    @Test
    void aLockFileLeftByACrashDoesNotBlock() throws IOException, StartupException {
        Files.writeString(dir.resolve("lock"), "999999\n");
        InstanceLock lock = InstanceLock.acquire(dir, "shop", 5);
        try {
            assertEquals("5\n", Files.readString(dir.resolve("lock")), "taken over, with our pid in it");
        } finally {
            lock.close();
        }
    }

    @Test
    void theDirectoryIsHeldSoThatACleanerCannotLockItWhileTheDaemonRuns() throws Exception {
        InstanceLock lock = InstanceLock.acquire(dir, "shop", 6);
        int cleaner = Posix.open(dir, Posix.O_RDONLY | Posix.O_CLOEXEC, 0);
        try {
            assertFalse(Posix.flock(cleaner, Posix.LOCK_EX | Posix.LOCK_NB), "what systemd-tmpfiles tries before it descends");
            lock.close();
            assertTrue(Posix.flock(cleaner, Posix.LOCK_EX | Posix.LOCK_NB), "released with the daemon");
        } finally {
            Posix.close(cleaner);
        }
    }
}
