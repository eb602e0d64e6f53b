package dev.endlessd.sample;

import java.nio.file.Files;
import java.nio.file.Path;

/** The programs the integration tests run, as the build made them. */
final class Programs {
    private Programs() {
    }

    /** The java of the JDK running the tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The packaged sample app (failsafe's {@code sample.jar}). */
    static String sampleJar() {
        String jar = System.getProperty("sample.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("sample.jar=" + jar + ": run through `mvn verify`, which packages it first");
        }
        return jar;
    }

    /** The launcher the supervisor module built earlier in the same reactor (failsafe's {@code endlessd.launcher}). */
    static String endlessd() {
        String launcher = System.getProperty("endlessd.launcher");
        if (launcher == null || !Files.isExecutable(Path.of(launcher))) {
            throw new IllegalStateException("endlessd.launcher=" + launcher + " is not there: package the supervisor"
                    + " first, as `mvn verify` at the root does (or `mvn -B -q -DskipTests package -pl supervisor`)");
        }
        return launcher;
    }
}
