package dev.endlessd.cli;

import dev.endlessd.control.ControlSocketFile;
import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The instances that run beside a runtime directory, for the hint after a wrong {@code --name}: a
 * sibling directory with a control socket and a lock file naming a live process. Only looks: it
 * neither connects to another daemon's socket nor takes its lock.
 */
final class RunningInstances {
    private RunningInstances() {
    }

    /** Names of the running instances in {@code instanceDirectory}'s base directory, sorted. */
    static List<String> besides(Path instanceDirectory) {
        Path base = instanceDirectory.getParent();
        if (base == null) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(base)) {
            return entries.filter(RunningInstances::runs).map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException | SecurityException unreadable) {
            return List.of();
        }
    }

    private static boolean runs(Path directory) {
        if (!Posix.isSocketFile(ControlSocketFile.in(directory))) {
            return false;
        }
        try {
            String pid = Files.readString(directory.resolve("lock"), StandardCharsets.US_ASCII).trim();
            return pid.matches("\\d{1,10}") && ProcessHandle.of(Long.parseLong(pid)).isPresent();
        } catch (IOException | SecurityException unreadable) {
            return false;
        }
    }
}
