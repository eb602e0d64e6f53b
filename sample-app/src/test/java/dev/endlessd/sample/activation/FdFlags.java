package dev.endlessd.sample.activation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and resets a descriptor's status flags, for tests. */
public final class FdFlags {

    public static final int O_NONBLOCK = 04000;

    private FdFlags() {
    }

    /** The {@code flags:} line of {@code /proc/<pid>/fdinfo/<fd>}: the open file description's status flags. */
    public static int of(long pid, int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "fdinfo", Integer.toString(fd)))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring("flags:".length()).trim(), 8);
            }
        }
        throw new IOException("no flags line for fd " + fd + " of pid " + pid);
    }

    static int of(int fd) throws IOException {
        return of(ProcessHandle.current().pid(), fd);
    }

    /** Clears {@code O_NONBLOCK}, through the same JDK entry point the production code uses to set it. */
    static void setBlocking(int fd) throws ReflectiveOperationException {
        Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
        Object javaFd = ioUtil.getMethod("newFD", int.class).invoke(null, fd);
        ioUtil.getMethod("configureBlocking", java.io.FileDescriptor.class, boolean.class).invoke(null, javaFd, true);
    }
}
