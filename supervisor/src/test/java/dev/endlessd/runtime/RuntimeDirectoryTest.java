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
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
        RuntimeDirectory.prepare(existing, Posix.uid(), false);
        assertEquals("rwx------", mode(existing));
    }

    @Test
    void aDirectoryOthersCouldWriteIsRefusedBecauseTheyMayHavePutFilesInIt() throws IOException {
        Path existing = Files.createDirectory(dir.resolve("shop"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException error = assertThrows(IOException.class, () -> RuntimeDirectory.prepare(existing, Posix.uid(), false));
        assertEquals("runtime directory " + existing + " may be written by other users (mode 0777): they could have put"
                + " files of theirs in it: remove it (rm -r " + existing + "), or pass --runtime-dir", error.getMessage());
    }

    @Test
    void aBaseThatIsASymlinkIsRefused() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("base"), real);
        IOException error = assertThrows(IOException.class,
                () -> RuntimeDirectory.prepare(link.resolve("shop"), Posix.uid(), false));
        assertEquals("runtime directory base " + link + " is a symbolic link: endlessd uses only a real directory there,"
                + " so that nobody can point it elsewhere: remove the link, or pass --runtime-dir", error.getMessage());
    }

    @Test
    void aBaseOthersMayWriteIsRefusedUnlessSticky() throws IOException {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException error = assertThrows(IOException.class,
                () -> RuntimeDirectory.prepare(open.resolve("shop"), Posix.uid(), false));
        assertTrue(error.getMessage().startsWith("runtime directory base " + open + " may be written by other users"
                + " (mode 0777): "), error.getMessage());

        Path likeTmp = Files.createDirectory(dir.resolve("tmp"));
        Files.setAttribute(likeTmp, "unix:mode", 01777);
        assertEquals("rwx------", mode(RuntimeDirectory.prepare(likeTmp.resolve("shop"), Posix.uid(), false).path()));
    }

    @Test
    void aBaseAnotherUserCreatedFirstIsRefusedWithTheFix() throws IOException {
        Requirements.assumeRoot("to give the directory away");
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Files.setAttribute(tmp, "unix:mode", 01777);
        Path planted = Files.createDirectory(tmp.resolve("endlessd-1000"));
        Files.setAttribute(planted, "unix:uid", 65534);
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException error = assertThrows(IOException.class,
                () -> RuntimeDirectory.prepare(planted.resolve("shop"), 1000, false));
        assertEquals("runtime directory base " + planted + " belongs to uid 65534, not to us (uid 1000) or root: its"
                + " owner could replace what endlessd keeps in it (another user may have created it first): remove it as"
                + " root, or pass --runtime-dir (or set XDG_RUNTIME_DIR)", error.getMessage());
    }

    @Test
    void aDirectoryAboveThatAnotherUserOwnsIsRefused() throws IOException {
        Requirements.assumeRoot("to give the directory away");
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setAttribute(theirs, "unix:uid", 65534);
        IOException error = assertThrows(IOException.class,
                () -> RuntimeDirectory.prepare(theirs.resolve("base/shop"), 0, false));
        assertTrue(error.getMessage().startsWith("runtime directory " + theirs.resolve("base/shop") + " lies in "
                + theirs + ", which belongs to uid 65534: "), error.getMessage());
    }

    @Test
    void aModeChangedUnderARunningDaemonIsRestoredForTheNextUserWorker() throws IOException {
        RuntimeDirectory prepared = RuntimeDirectory.prepare(dir.resolve("base/shop"), Posix.uid(), true);
        Files.setPosixFilePermissions(prepared.path(), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(prepared.path().getParent(), PosixFilePermissions.fromString("rwx------"));

        assertEquals(prepared.path().resolve("notify-7.sock"), prepared.notifySocket(7));

        assertEquals("rwx--x--x", mode(prepared.path()));
        assertEquals("rwx-----x", mode(prepared.path().getParent()), "others may pass through the base again");
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
        assertEquals("runtime directory base " + file + " is not a directory: remove it, or pass --runtime-dir",
                error.getMessage());
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
