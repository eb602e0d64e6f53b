package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What the build made, as failsafe tells the tests, and the ways to unpack it. */
final class BuiltPackages {
    private BuiltPackages() {
    }

    /** The root pom's version: every package must carry it and {@code endlessd --version} print it. */
    static String version() {
        return property("endlessd.version");
    }

    static Path deb() {
        return existing("endlessd.deb");
    }

    static Path tarball() {
        return existing("endlessd.tarball");
    }

    /** The sample app's jar: the worker the container tests run under systemd. */
    static Path sampleApp() {
        return existing("endlessd.sampleApp");
    }

    /** {@code packaging/target}: where tests leave what is worth reading after a failure. */
    static Path buildDirectory() {
        return existing("endlessd.buildDirectory");
    }

    /** The unit sources, {@code packaging/systemd}. */
    static Path unitSources() {
        return existing("endlessd.units");
    }

    /**
     * Unpacks the .deb's files into {@code root} with {@code dpkg-deb -x}: unprivileged, no dpkg
     * database, no maintainer scripts and no dependency resolution in the scratch root; the
     * control fields are checked separately.
     */
    static void extractDeb(Path root) throws IOException, InterruptedException {
        succeed(List.of("dpkg-deb", "-x", deb().toString(), root.toString()));
    }

    static void untar(Path directory) throws IOException, InterruptedException {
        succeed(List.of("tar", "-xzf", tarball().toString(), "-C", directory.toString()));
    }

    /**
     * Runs an unpacked launcher, with only the environment a user would give it: the JDK running
     * these tests as JAVA_HOME, and none of the variables that would point it at another jar.
     */
    static Command.Result runLauncher(Path launcher, String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(arguments));
        return Command.run(command, BuiltPackages::launcherEnvironment);
    }

    static Command.Result succeed(List<String> command) throws IOException, InterruptedException {
        Command.Result result = Command.run(command);
        assertEquals(0, result.exitCode(), result::describe);
        return result;
    }

    private static void launcherEnvironment(Map<String, String> environment) {
        environment.remove("ENDLESSD_JAR");
        environment.remove("ENDLESSD_JAVA_OPTS");
        environment.put("JAVA_HOME", System.getProperty("java.home"));
    }

    private static Path existing(String key) {
        Path path = Path.of(property(key));
        assertTrue(Files.exists(path), key + ": " + path + " does not exist (expected: built by mvn package)");
        return path;
    }

    private static String property(String key) {
        String value = System.getProperty(key);
        assertTrue(value != null && !value.isBlank(),
                key + " is not set (expected: passed by failsafe, run the tests with mvn verify)");
        return value;
    }
}
