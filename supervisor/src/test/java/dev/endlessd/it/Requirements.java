package dev.endlessd.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.endlessd.os.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;

/**
 * What some tests need of the machine: root, or a tool from a package. Without it they are skipped,
 * and {@link SkipReporter} says why in the build output; with {@value #REQUIRE_ALL}=1 in the
 * environment (CI, which runs as root with every package installed) they fail instead, so that a
 * test can never pass there by being skipped.
 */
public final class Requirements {
    public static final String REQUIRE_ALL = "ENDLESSD_TESTS_REQUIRE_ALL";

    private Requirements() {
    }

    /** @param forWhat what the test does that needs root, e.g. "to run workers as nobody" */
    public static void assumeRoot(String forWhat) {
        require(Posix.uid() == 0, "needs root " + forWhat + " (this runs as uid " + Posix.uid() + ")");
    }

    /** @param fromPackage the Debian package that installs it */
    public static void assumeInstalled(Path tool, String fromPackage) {
        require(Files.isExecutable(tool), "needs " + tool + " (package " + fromPackage + "), which is not installed");
    }

    /**
     * That this process may run a command as pid 1 of a new pid namespace with its own /proc
     * ({@code unshare --pid --fork --mount-proc}): root, or a kernel and container that allow it.
     */
    public static void assumeUnshare(String forWhat) {
        Path unshare = Path.of("/usr/bin/unshare");
        assumeInstalled(unshare, "util-linux");
        String why;
        try {
            Process probe = new ProcessBuilder(unshare.toString(), "--pid", "--fork", "--mount-proc", "true")
                    .redirectErrorStream(true).start();
            String output = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            why = probe.waitFor() == 0 ? null : "unshare --pid --fork --mount-proc is not allowed here (" + output + ")";
        } catch (java.io.IOException e) {
            why = "cannot run unshare: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "interrupted";
        }
        require(why == null, "needs a pid namespace of its own " + forWhat + ": " + why);
    }

    /** A cgroup v1 {@code cpu} hierarchy at /sys/fs/cgroup/cpu, as on hosts with the "hybrid" layout. */
    public static void assumeCgroupV1Cpu(String forWhat) {
        require(Files.isRegularFile(Path.of("/sys/fs/cgroup/cpu/cpu.shares")),
                "needs a cgroup v1 cpu hierarchy at /sys/fs/cgroup/cpu " + forWhat);
    }

    private static void require(boolean met, String why) {
        if (!met && "1".equals(System.getenv(REQUIRE_ALL))) {
            Assertions.fail(why + "; " + REQUIRE_ALL + "=1 makes this a failure instead of a skip");
        }
        assumeTrue(met, why);
    }
}
