package dev.endlessd.upgrade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.os.Posix;
import dev.endlessd.os.SelfExec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RescueTest {
    private static final List<String> ARGV = List.of("/usr/bin/java", "-Xint", "-Dendlessd.launcher=/usr/bin/endlessd",
            "-jar", "/usr/share/endlessd/endlessd.jar", "--cmd", "java -jar app.jar", "--listen", "127.0.0.1:8080");

    @Test
    void namesTheJarThroughTheDescriptorItHolds() throws IOException {
        List<String> argv = Rescue.withJar(ARGV, 7);

        assertEquals("/proc/self/fd/7", argv.get(4));
        assertEquals(ARGV.subList(0, 4), argv.subList(0, 4));
        assertEquals(ARGV.subList(5, ARGV.size()), argv.subList(5, argv.size()));
    }

    @Test
    void refusesAJvmNotStartedWithAJar() {
        IOException refused = assertThrows(IOException.class,
                () -> Rescue.withJar(List.of("/usr/bin/java", "-cp", "classes", "dev.endlessd.cli.Main"), 7));
        assertTrue(refused.getMessage().contains("not started with -jar"), refused.getMessage());
    }

    @Test
    void anyCommandLineSurvivesTheRoundTrip() throws HandoffException {
        List<String> argv = List.of("/usr/bin/java", "-jar", "/proc/self/fd/9", "--cmd", "sh -c 'a\nb'\t\"c\" é ∅", "");
        Rescue decoded = Rescue.decode(Rescue.encode(new Rescue(42, Path.of("/usr/lib/jvm/bin/java"), 9,
                new int[] {1, 2, 10, 15}, argv)));

        assertEquals(Path.of("/usr/lib/jvm/bin/java"), decoded.program());
        assertEquals(9, decoded.jarFd());
        assertArrayEquals(new int[] {1, 2, 10, 15}, decoded.ignoredSignals());
        assertEquals(argv, decoded.argv());
    }

    @Test
    void refusesWhatItCannotRead() {
        byte[] good = Rescue.encode(new Rescue(42, Path.of("/java"), 9, new int[] {15}, List.of("/java", "-jar", "x")));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        byte[] otherFormat = new String(good, StandardCharsets.UTF_8).replace("endlessd-rescue 1", "endlessd-rescue 2")
                .getBytes(StandardCharsets.UTF_8);
        byte[] noCommand = "endlessd-rescue 1\00042\0/java\0009\00015\0".getBytes(StandardCharsets.UTF_8);

        assertTrue(assertThrows(HandoffException.class, () -> Rescue.decode(truncated)).getMessage().contains("truncated"));
        assertTrue(assertThrows(HandoffException.class, () -> Rescue.decode(otherFormat)).getMessage()
                .contains("\"endlessd-rescue 2\""));
        assertTrue(assertThrows(HandoffException.class, () -> Rescue.decode(noCommand)).getMessage()
                .contains("no command line"));
        assertTrue(assertThrows(HandoffException.class, () -> Rescue.decode(new byte[0])).getMessage().contains("empty"));
    }

    @Test
    void takesOnlyAWayBackWrittenForThisProcess() throws IOException, HandoffException {
        long own = ProcessHandle.current().pid();
        List<String> argv = List.of("/java", "-jar", "/proc/self/fd/9");
        int mine = SelfExec.memoryFile("test");
        int other = SelfExec.memoryFile("test");
        Posix.rewrite(mine, Rescue.encode(new Rescue(own, Path.of("/java"), 9, new int[0], argv)));
        Posix.rewrite(other, Rescue.encode(new Rescue(own + 1, Path.of("/java"), 9, new int[0], argv)));

        assertEquals(argv, Rescue.take(Map.of(Rescue.VARIABLE, Integer.toString(mine)), own).orElseThrow().argv());
        HandoffException refused = assertThrows(HandoffException.class,
                () -> Rescue.take(Map.of(Rescue.VARIABLE, Integer.toString(other)), own));
        assertTrue(refused.getMessage().contains("belongs to pid " + (own + 1)), refused.getMessage());
        assertEquals(java.util.Optional.empty(), Rescue.take(Map.of(), own));
    }

    @Test
    void aKitKeepsCopiesAsideUntilTheTakeOverCommits() throws IOException {
        int[] pipe = Posix.pipe();
        int[] jarPipe = Posix.pipe();
        int jar = jarPipe[0];
        Set<Integer> before = new HashSet<>(SelfExec.openDescriptors());
        try {
            Rescue.Kit kit = new Rescue(42, Path.of("/nonexistent/java"), jar, new int[0], List.of("java")).kit();
            kit.keep(List.of(pipe[0], pipe[1]));
            Set<Integer> copies = new HashSet<>(SelfExec.openDescriptors());
            copies.removeAll(before);
            assertEquals(2, copies.size(), "a copy of each kept descriptor: " + copies);
            assertTrue(copies.stream().allMatch(fd -> fd >= 100), "kept aside from the low numbers: " + copies);

            assertTrue(kit.commit());
            assertTrue(kit.commit(), "committing twice is harmless");
            Set<Integer> after = new HashSet<>(SelfExec.openDescriptors());
            assertFalse(after.stream().anyMatch(copies::contains), "the copies are closed: " + after);
            assertFalse(java.nio.file.Files.exists(Path.of("/proc/self/fd/" + jar), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                    "the previous code's jar is closed with them"); // not listed: a listing may reuse its number
            assertTrue(after.contains(pipe[0]) && after.contains(pipe[1]), "the carried descriptors stay open");
            assertEquals("the new code had already begun to take the workers over", kit.goBack(Map.of(), "too late"));
        } finally {
            Posix.close(pipe[0]);
            Posix.close(pipe[1]);
            Posix.close(jarPipe[1]);
        }
    }

    @Test
    void aWayBackTakenFirstForbidsTheTakeOver() throws IOException {
        int[] pipe = Posix.pipe();
        try {
            Rescue.Kit kit = new Rescue(42, Path.of("/nonexistent/java"), pipe[0], new int[0], List.of("java")).kit();
            kit.keep(List.of(pipe[1]));

            String failed = kit.goBack(Map.of(), "endlessd 9.9 failed");

            assertTrue(failed.contains("execve /nonexistent/java"), failed);
            assertFalse(kit.commit(), "the take-over must not happen once the way back was taken");
        } finally {
            Posix.close(pipe[0]);
            Posix.close(pipe[1]);
        }
    }

    @Test
    void noWayBackSaysWhy() throws IOException {
        Rescue.Kit none = Rescue.Kit.none("the previous code handed over none");

        none.keep(List.of(0));
        assertTrue(none.commit());
        assertEquals("the previous code handed over none", none.goBack(Map.of(), "failed"));
    }
}
