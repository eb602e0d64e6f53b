package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb, unpacked into a scratch root with {@code dpkg-deb -x} rather than installed with
 * {@code dpkg --root}: that would need root, a dpkg database in the scratch root and a JRE package
 * there to satisfy Depends, and would run the maintainer scripts chrooted. What the test needs
 * is the files exactly as dpkg would lay them out, and the control fields.
 */
@Timeout(60)
class DebianPackageIT {

    @TempDir
    Path root;

    @Test
    void installedLauncherFindsItsJarAndPrintsTheBuildVersion() throws IOException, InterruptedException {
        BuiltPackages.extractDeb(root);

        Command.Result result = BuiltPackages.runLauncher(root.resolve("usr/bin/endlessd"), "--version");

        assertEquals(0, result.exitCode(), result::describe);
        assertEquals("endlessd " + BuiltPackages.version(), result.output().strip(), result::describe);
    }

    @Test
    void packageHoldsLauncherJarUnitsAndDocs() throws IOException, InterruptedException {
        BuiltPackages.extractDeb(root);

        assertAll(
                () -> assertTrue(Files.isExecutable(root.resolve("usr/bin/endlessd")), "/usr/bin/endlessd executable"),
                () -> assertTrue(Files.isRegularFile(root.resolve("usr/share/endlessd/endlessd.jar")), "/usr/share/endlessd/endlessd.jar"),
                () -> assertTrue(Files.isRegularFile(root.resolve("lib/systemd/system/endlessd@.service")), "endlessd@.service"),
                () -> assertTrue(Files.isRegularFile(root.resolve("lib/systemd/system/endlessd-socket@.socket")), "endlessd-socket@.socket"),
                () -> assertTrue(Files.isRegularFile(root.resolve("lib/systemd/system/endlessd-socket@.service")), "endlessd-socket@.service"),
                () -> assertTrue(Files.isRegularFile(root.resolve("usr/share/doc/endlessd/examples/example.conf")), "example.conf"),
                () -> assertTrue(Files.isRegularFile(root.resolve("usr/share/doc/endlessd/systemd.md")), "systemd.md"),
                () -> assertTrue(Files.isDirectory(root.resolve("etc/endlessd")), "/etc/endlessd"));
    }

    @Test
    void controlFieldsCarryTheVersionAndAskForAJava17Runtime() throws IOException, InterruptedException {
        String deb = BuiltPackages.deb().toString();

        assertAll(
                () -> assertEquals("endlessd", field(deb, "Package")),
                () -> assertEquals(BuiltPackages.version(), field(deb, "Version")),
                () -> assertEquals("default-jre-headless (>= 2:1.17) | java17-runtime-headless", field(deb, "Depends")));
    }

    @Test
    void everyFileBelongsToRoot() throws IOException, InterruptedException {
        String listing = BuiltPackages.succeed(List.of("dpkg-deb", "--contents", BuiltPackages.deb().toString())).output();

        for (String line : listing.strip().split("\n")) {
            assertTrue(line.split("\\s+")[1].equals("root/root"), "not owned by root/root: " + line);
        }
    }

    private static String field(String deb, String name) throws IOException, InterruptedException {
        return BuiltPackages.succeed(List.of("dpkg-deb", "--field", deb, name)).output().strip();
    }
}
