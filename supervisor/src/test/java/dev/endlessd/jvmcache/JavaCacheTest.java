package dev.endlessd.jvmcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.os.Posix;
import dev.endlessd.spawn.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's decisions for a JDK that is only files; the JVM's part is JavaCacheIT's (agent-it). */
class JavaCacheTest {
    private static final String AGENT = "-javaagent:/usr/share/endlessd/endlessd-agent.jar";

    @Test
    void oneColdGenerationWritesTheOthersWaitForItsArchive(@TempDir Path dir) throws IOException {
        Path home = FakeJdk.hotspot(dir.resolve("jdk"), "17.0.9");
        JavaCache cache = open(dir, home + "/bin/java -jar app.jar");

        Map<String, String> first = environment();
        CachedStart writer = cache.prepare(1, first);
        assertEquals(CacheUse.WRITING, writer.use());
        Matcher output = Pattern.compile(Pattern.quote(AGENT + " -XX:+UnlockDiagnosticVMOptions"
                + " -XX:+AllowArchivingWithJavaAgent -XX:ArchiveClassesAtExit=") + "(\\S+) -Xlog:cds=error")
                .matcher(first.get("JAVA_TOOL_OPTIONS"));
        assertTrue(output.matches(), first.get("JAVA_TOOL_OPTIONS"));

        Map<String, String> second = environment();
        assertEquals(CacheUse.COLD, cache.prepare(2, second).use());
        assertEquals(AGENT, second.get("JAVA_TOOL_OPTIONS"), "the second cold one gets no options");

        Archives.write(Path.of(output.group(1)), 0xf00baba8, 8192); // what the JVM writes as it exits
        writer.spawned(4242);
        writer.ready();
        writer.exited(ExitStatus.exited(143)); // exit after SIGTERM
        cache.close(); // waits for the publishing thread; deciding needs no thread
        Map<String, String> third = environment();
        CachedStart reader = cache.prepare(3, third);

        assertEquals(CacheUse.OFFERED, reader.use());
        assertTrue(third.get("JAVA_TOOL_OPTIONS").matches(Pattern.quote(AGENT + " -XX:+UnlockDiagnosticVMOptions"
                + " -XX:+AllowArchivingWithJavaAgent -XX:SharedArchiveFile=" + cache.directory()) + "/[0-9a-f]{16}-8192\\.jsa"),
                third.get("JAVA_TOOL_OPTIONS"));
    }

    @Test
    void aJvmThatCrashesStartingFromTheArchiveEndsTheCacheForItsKey(@TempDir Path dir) throws IOException {
        Path home = FakeJdk.hotspot(dir.resolve("jdk"), "25.0.1");
        JavaCache cache = open(dir, home + "/bin/java -jar app.jar");
        Map<String, String> first = environment();
        CachedStart writer = cache.prepare(1, first);
        Archives.write(Path.of(first.get("JAVA_TOOL_OPTIONS").replaceAll(".*-XX:AOTCacheOutput=(\\S+).*", "$1")),
                0xf00baba2, 8192);
        writer.ready();
        writer.exited(ExitStatus.exited(143));
        cache.close();
        CachedStart reader = cache.prepare(2, environment());
        assertEquals(CacheUse.OFFERED, reader.use());
        CachedStart failing = cache.prepare(3, environment());
        failing.exited(ExitStatus.exited(1)); // the app's own failure: the archive stays

        assertEquals(CacheUse.OFFERED, cache.prepare(4, environment()).use());
        reader.exited(new ExitStatus(-1, 6, false)); // SIGABRT: a JVM's fatal error, before READY

        Map<String, String> after = environment();
        assertEquals(CacheUse.NONE, cache.prepare(5, after).use());
        assertEquals(environment(), after);
        try (var files = Files.list(cache.directory())) {
            assertEquals(List.of(".failed"), files.map(file -> file.getFileName().toString().replaceAll("^[0-9a-f]{16}", ""))
                    .toList(), "the archive is gone, the mark stays");
        }
    }

    @Test
    void aWriterKilledMidWriteLeavesNothingAndTheNextOneWrites(@TempDir Path dir) throws IOException {
        Path home = FakeJdk.hotspot(dir.resolve("jdk"), "25.0.1");
        JavaCache cache = open(dir, home + "/bin/java -jar app.jar");
        Map<String, String> first = environment();
        CachedStart writer = cache.prepare(1, first);
        Path output = Path.of(first.get("JAVA_TOOL_OPTIONS").replaceAll(".*-XX:AOTCacheOutput=(\\S+).*", "$1"));
        Archives.write(output, 0xf00baba2, 8192);
        writer.ready();
        writer.exited(new ExitStatus(-1, 9, false)); // SIGKILL at the drain timeout

        Map<String, String> second = environment();
        CachedStart next = cache.prepare(2, second);
        cache.close();

        assertEquals(CacheUse.WRITING, next.use());
        assertFalse(Files.exists(output));
        assertTrue(second.get("JAVA_TOOL_OPTIONS").contains("-XX:AOTCacheOutput="), second.toString());
    }

    @Test
    void anythingButAHotspotJava17LeavesTheEnvironmentAlone(@TempDir Path dir) throws IOException {
        Path home = FakeJdk.hotspot(dir.resolve("jdk"), "11.0.20");
        for (String command : new String[] {home + "/bin/java -jar app.jar", "python3 -m http.server", "sh -c 'exec java'"}) {
            Map<String, String> environment = environment();
            assertEquals(CacheUse.NONE, open(dir, command).prepare(1, environment).use());
            assertEquals(environment(), environment, command);
        }
        Map<String, String> environment = environment();
        assertEquals(CacheUse.NONE, JavaCache.off().prepare(1, environment).use());
        assertEquals(environment(), environment);
    }

    private static JavaCache open(Path dir, String command) throws IOException {
        return JavaCache.open("web", Map.of("STATE_DIRECTORY", dir.resolve("state").toString()), Posix.uid(),
                OptionalInt.empty(), OptionalInt.empty(), command);
    }

    private static Map<String, String> environment() {
        return new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "JAVA_TOOL_OPTIONS", AGENT));
    }
}
