package dev.endlessd.jvmcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveStoreTest {
    private static final String KEY = "0123456789abcdef";
    private static final int JSA = 0xf00baba8;

    @TempDir
    Path dir;
    private ArchiveStore store;
    private final List<String> problems = new ArrayList<>();

    @BeforeEach
    void privateDirectory() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        store = new ArchiveStore(dir, Posix.uid());
    }

    @Test
    void aWrittenArchiveIsPublishedUnderItsKeyAndSizeAndReplacesTheOthers() throws IOException {
        Path old = Archives.write(dir.resolve("fedcba9876543210-8192.jsa"), JSA, 8192);
        Path incoming = Archives.write(store.incoming(3, Flavor.DYNAMIC_AT_EXIT), JSA, 10000);

        Optional<Path> published = store.publish(incoming, KEY, Flavor.DYNAMIC_AT_EXIT, Optional.empty(), problems);

        assertEquals(Optional.of(dir.resolve(KEY + "-10000.jsa")), published, problems.toString());
        assertFalse(Files.exists(incoming));
        assertFalse(Files.exists(old), "one archive at a time");
        assertEquals(published.get(), store.find(KEY, Flavor.DYNAMIC_AT_EXIT, problems).orElseThrow().path());
    }

    @Test
    void whatIsNotAWholeArchiveIsNeverPublished() throws IOException {
        Path incoming = store.incoming(4, Flavor.DYNAMIC_AT_EXIT);
        assertEquals(Optional.empty(), store.publish(incoming, KEY, Flavor.DYNAMIC_AT_EXIT, Optional.empty(), problems));
        assertTrue(problems.get(0).contains("wrote no archive"), problems.toString());

        Archives.write(incoming, 0xf00baba2, 8192); // an AOT cache where a CDS archive belongs
        assertEquals(Optional.empty(), store.publish(incoming, KEY, Flavor.DYNAMIC_AT_EXIT, Optional.empty(), problems));
        assertTrue(problems.get(1).contains("not a jsa archive (magic 0xf00baba2)"), problems.toString());

        Archives.write(incoming, JSA, 100);
        assertEquals(Optional.empty(), store.publish(incoming, KEY, Flavor.DYNAMIC_AT_EXIT, Optional.empty(), problems));
        assertTrue(problems.get(2).contains("too small"), problems.toString());
        assertFalse(Files.exists(incoming));
    }

    @Test
    void aTruncatedArchiveIsRemovedNotOffered() throws IOException {
        Archives.write(dir.resolve(KEY + "-8192.jsa"), JSA, 6000);

        assertEquals(Optional.empty(), store.find(KEY, Flavor.DYNAMIC_AT_EXIT, problems));

        assertTrue(problems.get(0).contains("truncated or changed: 6000 bytes, 8192 when written"), problems.toString());
        assertFalse(Files.exists(dir.resolve(KEY + "-8192.jsa")));
    }

    @Test
    void anArchiveTheJvmKeptIsNotPublishedAgain() throws IOException {
        Path archive = Archives.write(dir.resolve(KEY + "-8192.jsa"), JSA, 8192);
        ArchiveStore.Archive found = store.find(KEY, Flavor.DYNAMIC_AUTO, problems).orElseThrow();
        Path own = store.incoming(5, Flavor.DYNAMIC_AUTO);
        store.link(own, found);

        assertEquals(Optional.empty(), store.publish(own, KEY, Flavor.DYNAMIC_AUTO, Optional.of(found.inode()), problems));

        assertEquals(List.of(), problems);
        assertTrue(Files.exists(archive));
        assertFalse(Files.exists(own));
    }

    @Test
    void leftoversOfDeadDaemonsGoThoseOfLiveOnesStay() throws IOException {
        Path published = Archives.write(dir.resolve(KEY + "-8192.jsa"), JSA, 8192);
        Path live = Files.writeString(dir.resolve("incoming-" + ProcessHandle.current().pid() + "-gen1.aot"), "");
        Path dead = Files.writeString(dir.resolve("incoming-999999999-gen1.aot.config"), "");
        Path stray = Files.writeString(dir.resolve("something"), "");

        store.removeLeftovers();

        assertTrue(Files.exists(published));
        assertTrue(Files.exists(live));
        assertFalse(Files.exists(dead));
        assertFalse(Files.exists(stray));
    }
}
