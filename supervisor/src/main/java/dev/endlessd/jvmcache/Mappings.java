package dev.endlessd.jvmcache;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a JVM really started from an archive: a HotSpot JVM maps the archive file it uses, and drops
 * one it refuses (another build, another class path, a corrupt file) with at most a warning. Reading the
 * worker's {@code /proc/PID/maps} once it is ready tells without asking the JVM to log anything.
 */
final class Mappings {
    private Mappings() {
    }

    /**
     * @return whether process {@code pid} maps the file with inode {@code inode} inside {@code directory};
     *         false when the process or its maps are gone
     */
    static boolean maps(int pid, long inode, Path directory) {
        String inodeText = Long.toString(inode);
        String prefix = directory.toString() + "/";
        try (BufferedReader maps = Files.newBufferedReader(Path.of("/proc", Integer.toString(pid), "maps"),
                StandardCharsets.UTF_8)) {
            for (String line = maps.readLine(); line != null; line = maps.readLine()) {
                // address perms offset dev inode path
                String[] fields = line.split("\\s+", 6);
                if (fields.length == 6 && fields[4].equals(inodeText) && fields[5].startsWith(prefix)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
