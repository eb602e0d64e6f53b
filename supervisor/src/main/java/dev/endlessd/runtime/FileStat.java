package dev.endlessd.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * What lstat(2) says about a path: its owner and its mode bits, file type included; for the checks of
 * the directories endlessd keeps things in, which must never follow a symlink.
 */
public record FileStat(Path path, int owner, int mode) {
    private static final int FILE_TYPE = 0170000;
    private static final int DIRECTORY = 0040000;
    private static final int SYMLINK = 0120000;
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;

    public static FileStat of(Path path) throws IOException {
        return new FileStat(path, (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * mkdir with {@code mode} exactly (not what the umask leaves of it); a directory that appeared
     * meanwhile is left for the caller to check like any it found.
     */
    public static void createDirectory(Path directory, Set<PosixFilePermission> mode) throws IOException {
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(directory, mode);
        } catch (FileAlreadyExistsException raced) {
            // checked like any directory we found
        }
    }

    public boolean isDirectory() {
        return (mode & FILE_TYPE) == DIRECTORY;
    }

    public boolean isSymlink() {
        return (mode & FILE_TYPE) == SYMLINK;
    }

    public boolean groupOrOthersMayWrite() {
        return (mode & GROUP_OR_OTHERS_WRITE) != 0;
    }

    public boolean sticky() {
        return (mode & STICKY) != 0;
    }

    public String octalMode() {
        return String.format("%04o", mode & 07777);
    }
}
