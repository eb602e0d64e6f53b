package dev.endlessd.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java cache with real JVMs and an unmodified Jetty: the draining generation writes it, a later
 * one starts from it (the JVM's own class-load log says so), a changed jar, a corrupt file, an archive of
 * another JDK and a JDK changed between generations each end in a worker that serves and a fresh archive,
 * and {@code --java-cache=off} leaves the worker's options alone.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class JavaCacheIT {
    private static final String JDK17 = "/usr/lib/jvm/java-17-openjdk-amd64";
    private static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64";
    private static final Pattern ARCHIVE = Pattern.compile("[0-9a-f]{16}-[0-9]+\\.(jsa|aot)");

    @Test
    void theDrainingGenerationWritesTheCacheAndALaterOneStartsFromIt(@TempDir Path dir) throws Exception {
        Path jar = ReloadScenario.app("jetty", "jetty.jar");
        int port = ReloadScenario.freePort();
        // the JVM's own account of where each class came from, one file per JVM
        String command = JDK17 + "/bin/java -Xlog:class+load=info:file=" + dir + "/classes-%p.log -jar " + jar + " " + port;
        try (Endlessd endlessd = start(dir, "cache-17", command, port)) {
            endlessd.awaitServing(1);
            assertTrue(endlessd.log().contains("-XX:ArchiveClassesAtExit=" + cache(dir, "cache-17")),
                    "gen 1 writes at exit:\n" + endlessd.log());
            endlessd.reload();
            endlessd.awaitServing(2);
            endlessd.awaitLog("gen=2 starts cold: an older generation writes the java cache");
            endlessd.awaitLog("gen=1 pid=\\d+ wrote the java cache .*\\.jsa as it exited");
            endlessd.reload();
            long third = endlessd.awaitServing(3);
            endlessd.awaitLog("gen=3 pid=" + third + " started from the java cache");
            String classes = Files.readString(dir.resolve("classes-" + third + ".log"), StandardCharsets.UTF_8);
            // classes the agent transforms (Jetty's Server) come from the jar, the others from the archive
            assertTrue(Pattern.compile("org\\.eclipse\\.jetty\\.\\S+ source: shared objects file \\(top\\)").matcher(classes).find(),
                    "gen 3's JVM loaded Jetty classes from the dynamic archive");
            String status = status(dir, "cache-17");
            assertTrue(status.matches("(?s).*gen=3 .*ready .*\\[java cache: started from it\\].*"), status);
            assertEquals(1, archives(dir, "cache-17").size(), "one archive: " + archives(dir, "cache-17"));
        }
    }

    @Test
    void aChangedJarOrACorruptArchiveEndsInAFreshArchiveAndAServingWorker(@TempDir Path dir) throws Exception {
        Path jar = Files.copy(ReloadScenario.app("jetty", "jetty.jar"), dir.resolve("app.jar"));
        int port = ReloadScenario.freePort();
        try (Endlessd endlessd = start(dir, "cache-jar", JDK17 + "/bin/java -jar " + jar + " " + port, port)) {
            endlessd.awaitServing(1);
            endlessd.reload();
            endlessd.awaitServing(2);
            endlessd.awaitLog("gen=1 pid=\\d+ wrote the java cache");
            Path first = archives(dir, "cache-jar").get(0);

            // a redeploy: JDK 17 would refuse the archive with one warning and run cold forever
            Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
            endlessd.reload();
            endlessd.awaitServing(3);
            endlessd.awaitLog("gen=3 starts cold \\(no java cache yet");
            endlessd.reload();
            endlessd.awaitServing(4);
            endlessd.awaitLog("gen=3 pid=\\d+ wrote the java cache");
            Path second = archives(dir, "cache-jar").get(0);
            assertFalse(Files.exists(first), "the stale archive was replaced: " + archives(dir, "cache-jar"));
            endlessd.reload();
            long fifth = endlessd.awaitServing(5);
            endlessd.awaitLog("gen=5 pid=" + fifth + " started from the java cache");

            // a truncated archive under the published name, as a crash of the machine mid-write could leave it on
            // a filesystem without ordered data (JDK 17 dies of SIGBUS when it maps one); put in place by rename,
            // like any change there: truncating the file in place would crash gen 5, which maps it
            Path truncated = dir.resolve("truncated.jsa");
            try (var in = Files.newInputStream(second)) {
                Files.write(truncated, in.readNBytes((int) (Files.size(second) / 2)));
            }
            Files.move(truncated, second, StandardCopyOption.REPLACE_EXISTING);
            endlessd.reload();
            long sixth = endlessd.awaitServing(6);
            endlessd.awaitLog("gen=6: java cache file " + second.getFileName() + ": truncated or changed");
            endlessd.awaitLog("gen=6 starts cold \\(no java cache yet");
            assertTrue(Endlessd.processExists(sixth));
            assertFalse(Files.exists(second), "the corrupt archive was removed");
        }
    }

    @Test
    void anArchiveOfAnotherJdkIsRefusedByTheJvmSeenAndReplaced(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(JDK25, "bin", "java")), "no JDK 25 at " + JDK25);
        Path jar = ReloadScenario.app("jetty", "jetty.jar");
        int port = ReloadScenario.freePort();
        try (Endlessd endlessd = start(dir, "cache-foreign", JDK17 + "/bin/java -jar " + jar + " " + port, port)) {
            endlessd.awaitServing(1);
            endlessd.reload();
            endlessd.awaitServing(2);
            endlessd.awaitLog("gen=1 pid=\\d+ wrote the java cache");
            Path ours = archives(dir, "cache-foreign").get(0);

            // a dynamic archive of JDK 25 under our name, with the size the name says: JDK 17 ignores it without a word
            Path foreign = dir.resolve("foreign.jsa");
            Process dump = new ProcessBuilder(JDK25 + "/bin/java", "-XX:ArchiveClassesAtExit=" + foreign,
                    "-Xlog:cds=error", "-version").redirectErrorStream(true).start();
            dump.getInputStream().readAllBytes();
            assertEquals(0, dump.waitFor());
            String key = ours.getFileName().toString().split("-")[0];
            Path planted = ours.resolveSibling(key + "-" + Files.size(foreign) + ".jsa");
            Files.move(foreign, planted, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(ours);

            endlessd.reload();
            long third = endlessd.awaitServing(3);
            endlessd.awaitLog("gen=3 pid=" + third + ": its JVM refused the java cache");
            assertTrue(status(dir, "cache-foreign").contains("[java cache: refused by the JVM, started cold]"));
            assertFalse(Files.exists(planted), "the refused archive was removed");
            endlessd.reload();
            endlessd.awaitServing(4);
            endlessd.awaitLog("gen=4 starts cold \\(no java cache yet");
        }
    }

    @Test
    void aJdkChangedBetweenGenerationsGetsItsOwnKindOfCache(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(JDK25, "bin", "java")), "no JDK 25 at " + JDK25);
        Path jar = ReloadScenario.app("jetty", "jetty.jar");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.createSymbolicLink(bin.resolve("java"), Path.of(JDK17, "bin", "java"));
        int port = ReloadScenario.freePort();
        Map<String, String> path = Map.of("PATH", bin + ":" + System.getenv("PATH"));
        // the AOT cache is assembled by a child JVM after the worker drained: give it the time a busy machine needs
        try (Endlessd endlessd = Endlessd.start(dir, "cache-switch", path, "--cmd", "java -jar " + jar + " " + port,
                "--listen", "127.0.0.1:" + port, "--ready-timeout", "240s", "--drain-timeout", "180s")) {
            endlessd.awaitServing(1);
            endlessd.reload();
            endlessd.awaitServing(2);
            endlessd.awaitLog("gen=1 pid=\\d+ wrote the java cache .*\\.jsa");

            // an upgrade of the JDK the command's java resolves to
            Files.delete(java);
            Files.createSymbolicLink(java, Path.of(JDK25, "bin", "java"));
            endlessd.reload();
            endlessd.awaitServing(3);
            endlessd.awaitLog("gen=3 starts cold \\(no java cache yet for java 25");
            String options = endlessd.awaitLog("Picked up JAVA_TOOL_OPTIONS: .*-XX:AOTCacheOutput=[^\\n]*", 0).group();
            assertFalse(options.contains("AllowArchivingWithJavaAgent"), options);
            endlessd.reload();
            endlessd.awaitServing(4);
            endlessd.awaitLog("gen=3 pid=\\d+ wrote the java cache .*\\.aot");
            endlessd.reload();
            long fifth = endlessd.awaitServing(5);
            endlessd.awaitLog("gen=5 pid=" + fifth + " started from the java cache");
            assertEquals(List.of("aot"), archives(dir, "cache-switch").stream()
                    .map(file -> file.getFileName().toString().replaceAll(".*\\.", "")).toList());
        }
    }

    @Test
    void offLeavesTheWorkersOptionsAsTheyAre(@TempDir Path dir) throws Exception {
        Path jar = ReloadScenario.app("jetty", "jetty.jar");
        int port = ReloadScenario.freePort();
        try (Endlessd endlessd = Endlessd.start(dir, "cache-off", Map.of(), "--cmd",
                JDK17 + "/bin/java -jar " + jar + " " + port, "--listen", "127.0.0.1:" + port, "--java-cache=off")) {
            endlessd.awaitServing(1);
            Matcher options = endlessd.awaitLog("Picked up JAVA_TOOL_OPTIONS: ([^\\n]*)");
            assertTrue(options.group(1).strip().matches("-javaagent:\\S+endlessd-agent\\.jar"), options.group());
            assertFalse(Files.exists(dir.resolve("state")), "no state directory without the cache");
        }
    }

    private static Endlessd start(Path dir, String name, String command, int port) throws IOException {
        return Endlessd.start(dir, name, Map.of(), "--cmd", command, "--listen", "127.0.0.1:" + port,
                "--ready-timeout", "240s", "--drain-timeout", "60s");
    }

    private static Path cache(Path dir, String name) {
        return dir.resolve("state").resolve(name).resolve("java-cache");
    }

    private static List<Path> archives(Path dir, String name) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cache(dir, name))) {
            files.forEach(file -> {
                if (ARCHIVE.matcher(file.getFileName().toString()).matches()) {
                    found.add(file);
                }
            });
        }
        return found;
    }

    private static String status(Path dir, String name) throws IOException, InterruptedException {
        Process status = new ProcessBuilder(Endlessd.launcher().toString(), "status", "--name", name, "--runtime-dir",
                dir.resolve("run").toString()).redirectErrorStream(true).start();
        String out = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, status.waitFor(), out);
        return out;
    }
}
