package dev.endlessd.jvmcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlavorTest {
    private static final Path FILE = Path.of("/state/x");

    @Test
    void eachJvmGetsOnlyOptionsItKnows() {
        assertEquals(Optional.empty(), Flavor.forFeature(11));
        assertEquals(Optional.of(Flavor.DYNAMIC_AT_EXIT), Flavor.forFeature(17));
        assertEquals(Optional.of(Flavor.DYNAMIC_AUTO), Flavor.forFeature(19));
        assertEquals(Optional.of(Flavor.DYNAMIC_AUTO), Flavor.forFeature(24));
        assertEquals(Optional.of(Flavor.AOT_CACHE), Flavor.forFeature(25));
    }

    @Test
    void jdk17UnlocksArchivingWithTheAgentOnBothSides() {
        // the unlock must come first, or the JVM refuses to start
        assertEquals(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent",
                "-XX:ArchiveClassesAtExit=/state/x", "-Xlog:cds=error"), Flavor.DYNAMIC_AT_EXIT.writeAtExit(FILE));
        assertEquals(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent",
                "-XX:SharedArchiveFile=/state/x"), Flavor.DYNAMIC_AT_EXIT.startFrom(FILE));
    }

    @Test
    void jdk25NeverGetsBothAotOptionsAtOnce() {
        assertEquals(List.of("-XX:AOTCacheOutput=/state/x", "-Xlog:aot=error"), Flavor.AOT_CACHE.writeAtExit(FILE));
        assertEquals(List.of("-XX:AOTCache=/state/x"), Flavor.AOT_CACHE.startFrom(FILE));
    }
}
