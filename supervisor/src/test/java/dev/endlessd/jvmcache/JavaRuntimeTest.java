package dev.endlessd.jvmcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimeTest {

    @Test
    void theProgramIsTheFirstWordAfterExecEnvAndAssignments() {
        assertEquals(Optional.of("java"), JavaRuntime.program("java -jar app.jar"));
        assertEquals(Optional.of("/opt/jdk/bin/java"), JavaRuntime.program("  exec env TZ=UTC /opt/jdk/bin/java -jar a.jar"));
        assertEquals(Optional.empty(), JavaRuntime.program("\"$JAVA_HOME/bin/java\" -jar a.jar"));
        assertEquals(Optional.empty(), JavaRuntime.program("$JAVA -jar a.jar"));
    }

    @Test
    void aJavaOnThePathIsFollowedToItsJdkAndItsReleaseFile(@TempDir Path dir) throws Exception {
        Path home = FakeJdk.hotspot(dir.resolve("jdk-21"), "21.0.5");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), home.resolve("bin/java"));

        JavaRuntime.Result found = JavaRuntime.find("java -jar app.jar", Map.of("PATH", "/nonexistent:" + bin), dir);

        JavaRuntime runtime = found.runtime().orElseThrow(() -> new AssertionError(found.whyNone()));
        assertEquals(home.toRealPath(), runtime.home());
        assertEquals(21, runtime.feature());
        assertEquals("21.0.5+1", runtime.version());
    }

    @Test
    void oldVersionNumbersAndOtherJvmsAreRecognised(@TempDir Path dir) throws Exception {
        assertEquals(8, JavaRuntime.at(FakeJdk.hotspot(dir.resolve("jdk8"), "1.8.0_392")).runtime().orElseThrow().feature());
        Path openj9 = FakeJdk.install(dir.resolve("semeru"), "JAVA_VERSION=\"21.0.1\"\nJVM_VARIANT=\"Openj9\"\n");
        JavaRuntime.Result result = JavaRuntime.at(openj9);
        assertTrue(result.runtime().isEmpty());
        assertTrue(result.whyNone().contains("Openj9, not HotSpot"), result.whyNone());
    }

    @Test
    void theLaunchersSourceFileModeIsRecognised() {
        assertTrue(JavaRuntime.runsSourceFile("java -XX:+UseSerialGC /srv/Server.java 8080"));
        assertTrue(JavaRuntime.runsSourceFile("exec java --source 21 script"));
        assertFalse(JavaRuntime.runsSourceFile("java -cp lib/Main.java.jar Main"));
        assertFalse(JavaRuntime.runsSourceFile("java -jar app.jar Main.java"));
        assertFalse(JavaRuntime.runsSourceFile("java -cp app.jar example.Main"));
    }

    @Test
    void aCommandThatIsNotJavaSaysWhat(@TempDir Path dir) {
        JavaRuntime.Result result = JavaRuntime.find("python3 -m http.server", Map.of("PATH", "/usr/bin:/bin"), dir);
        assertTrue(result.runtime().isEmpty());
        assertTrue(result.whyNone().contains("not a java launcher"), result.whyNone());
        assertTrue(JavaRuntime.find("nosuchprogram", Map.of("PATH", "/usr/bin"), dir).whyNone().contains("not found"));
    }
}
