package dev.endlessd.jvmcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheKeyTest {

    @Test
    void theKeyChangesWithTheJarTheJvmAndTheOptions(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("app.jar"), "v1");
        JavaRuntime runtime = new JavaRuntime(dir, 17, "17.0.2", "jdk|17.0.2|1|t");
        String command = "java -jar app.jar";
        String key = CacheKey.of(Flavor.DYNAMIC_AT_EXIT, runtime, command, Map.of(), dir);

        assertEquals(16, key.length());
        assertEquals(key, CacheKey.of(Flavor.DYNAMIC_AT_EXIT, runtime, command, Map.of("HOME", "/x"), dir));
        assertNotEquals(key, CacheKey.of(Flavor.DYNAMIC_AT_EXIT, runtime, command, Map.of("JAVA_TOOL_OPTIONS", "-Xmx1g"), dir));
        assertNotEquals(key, CacheKey.of(Flavor.DYNAMIC_AT_EXIT, new JavaRuntime(dir, 17, "17.0.3", "jdk|17.0.3|1|t"),
                command, Map.of(), dir));
        assertNotEquals(key, CacheKey.of(Flavor.DYNAMIC_AT_EXIT, runtime, command + " --port 1", Map.of(), dir));

        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 1000));
        assertNotEquals(key, CacheKey.of(Flavor.DYNAMIC_AT_EXIT, runtime, command, Map.of(), dir), "a redeployed jar");
    }

    @Test
    void classPathEntriesCountLikeTheJar(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.jar"), "a");
        Path b = Files.writeString(dir.resolve("b.jar"), "b");
        JavaRuntime runtime = new JavaRuntime(dir, 21, "21", "jdk|21");
        String command = "java -cp a.jar:b.jar Main";
        String key = CacheKey.of(Flavor.DYNAMIC_AUTO, runtime, command, Map.of(), dir);
        Files.writeString(b, "bb");
        assertNotEquals(key, CacheKey.of(Flavor.DYNAMIC_AUTO, runtime, command, Map.of(), dir));
    }
}
