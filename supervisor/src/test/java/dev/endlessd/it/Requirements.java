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

    private static void require(boolean met, String why) {
        if (!met && "1".equals(System.getenv(REQUIRE_ALL))) {
            Assertions.fail(why + "; " + REQUIRE_ALL + "=1 makes this a failure instead of a skip");
        }
        assumeTrue(met, why);
    }
}
