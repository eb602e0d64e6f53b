package dev.endlessd.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The unprivileged account the tests run workers and attackers as: {@code nobody}, reached from root
 * with util-linux {@code setpriv}. It cannot read root's files, so what it runs is copied to a
 * directory it can reach, and started with the system's python rather than root's (pyenv lives
 * under /root).
 */
public final class Nobody {
    public static final int UID = 65534;
    public static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private Nobody() {
    }

    /** Skips the test, saying why, unless it runs as root with setpriv and a system python. */
    public static void assumeAvailable() {
        Requirements.assumeRoot("to act as nobody");
        Requirements.assumeInstalled(SETPRIV, "util-linux");
        Requirements.assumeInstalled(PYTHON, "python3");
    }

    /** {@code setpriv ...} as nobody, then {@code command}. */
    public static List<String> run(String... command) {
        List<String> all = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=" + UID, "--regid=" + UID,
                "--clear-groups", "--"));
        all.addAll(List.of(command));
        return all;
    }

    /**
     * Lets nobody pass through {@code dir} (0711) and gives it {@code dir/shared}, writable by all,
     * holding a copy of the fixture worker.
     */
    public static Path sharedDirectory(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path worker = Files.copy(Fixture.workerScript(), shared.resolve("worker.py"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(worker, PosixFilePermissions.fromString("rwxr-xr-x"));
        return shared;
    }

    /** The {@code --cmd} that runs the copy of the worker in {@code shared} with {@code args}. */
    public static String worker(Path shared, String... args) {
        StringBuilder command = new StringBuilder(PYTHON.toString()).append(' ').append(shared.resolve("worker.py"));
        for (String arg : args) {
            command.append(' ').append(arg);
        }
        return command.toString();
    }

    /** Runs {@code command} as nobody to its end; returns its output, or fails with it. */
    public static String runToEnd(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(run(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new AssertionError("as nobody: " + command[command.length - 1] + " failed (exit "
                    + process.exitValue() + "): " + output);
        }
        return output;
    }

    /**
     * A copy of the launcher and its jar in {@code dir/bin} that any user may run, wherever the build
     * tree is (root's home is closed to others).
     */
    public static Path launcherForAnyone(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path launcher = Files.copy(DaemonProcess.launcher(), bin.resolve("endlessd"), StandardCopyOption.REPLACE_EXISTING);
        Path jar = Files.copy(DaemonProcess.launcher().resolveSibling("endlessd.jar"), bin.resolve("endlessd.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        return launcher;
    }
}
