package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The tar.gz runs in place from wherever it is unpacked. */
@Timeout(60)
class DistributionArchiveIT {

    @TempDir
    Path directory;

    @Test
    void unpackedLauncherFindsItsJarAndPrintsTheBuildVersion() throws IOException, InterruptedException {
        BuiltPackages.untar(directory);

        Command.Result result = BuiltPackages.runLauncher(home().resolve("bin/endlessd"), "--version");

        assertEquals(0, result.exitCode(), result::describe);
        assertEquals("endlessd " + BuiltPackages.version(), result.output().strip(), result::describe);
    }

    @Test
    void archiveHoldsJarUnitsAndExample() throws IOException, InterruptedException {
        BuiltPackages.untar(directory);
        Path home = home();

        assertAll(
                () -> assertTrue(Files.isRegularFile(home.resolve("share/endlessd/endlessd.jar")), "share/endlessd/endlessd.jar"),
                () -> assertTrue(Files.isRegularFile(home.resolve("share/endlessd/endlessd-agent.jar")), "share/endlessd/endlessd-agent.jar"),
                () -> assertTrue(Files.isRegularFile(home.resolve("lib/systemd/system/endlessd@.service")), "endlessd@.service"),
                () -> assertTrue(Files.isRegularFile(home.resolve("lib/systemd/system/endlessd-socket@.socket")), "endlessd-socket@.socket"),
                () -> assertTrue(Files.isRegularFile(home.resolve("share/doc/endlessd/examples/example.conf")), "example.conf"),
                () -> assertTrue(Files.isRegularFile(home.resolve("share/doc/endlessd/copyright")), "copyright"));
    }

    /** The same man pages and completion as the .deb, where a --prefix install puts them (man finds share/man from bin/). */
    @Test
    void archiveHoldsTheDebsManPagesAndCompletion(@TempDir Path deb) throws IOException, InterruptedException {
        BuiltPackages.untar(directory);
        BuiltPackages.extractDeb(deb);
        Path home = home();

        for (String page : Manuals.commands(home.resolve("bin/endlessd"))) {
            String file = page + ".1.gz";
            assertEquals(Manuals.gunzip(deb.resolve("usr/share/man/man1").resolve(file)),
                    Manuals.gunzip(home.resolve("share/man/man1").resolve(file)), file);
        }
        assertEquals(Files.readString(deb.resolve("usr/share/bash-completion/completions/endlessd")),
                Files.readString(home.resolve("share/bash-completion/completions/endlessd")));
    }

    private Path home() {
        return directory.resolve("endlessd-" + BuiltPackages.version());
    }
}
