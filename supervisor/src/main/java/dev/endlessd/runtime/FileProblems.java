package dev.endlessd.runtime;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says in plain words what went wrong with a file, for messages that already name the user's path:
 * the JDK's exceptions carry the class name and whatever path the failing call used (a temporary
 * file, a parent directory), which reads like noise in a one-line error.
 */
public final class FileProblems {
    private FileProblems() {
    }

    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "a directory on the way does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "something else already exists there";
        }
        if (e instanceof NotDirectoryException) {
            return "a file stands where a directory is needed";
        }
        if (e instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
