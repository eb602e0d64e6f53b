package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb, unpacked into a scratch root with {@code dpkg-deb -x} rather than installed with
 * {@code dpkg --root}: that would need root, a dpkg database in the scratch root and a JRE package
 * there to satisfy Depends, and would run the maintainer scripts chrooted. What the test needs
 * is the files exactly as dpkg would lay them out, and the control fields. The maintainer scripts
 * run for real, under systemd, in {@link SystemdContainerIT}.
 */
@Timeout(120)
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
                () -> assertTrue(Files.isRegularFile(root.resolve("usr/share/endlessd/endlessd-agent.jar")),
                        "/usr/share/endlessd/endlessd-agent.jar, where the launcher looks for the Java agent"),
                () -> assertTrue(Files.isRegularFile(root.resolve("lib/systemd/system/endlessd@.service")), "endlessd@.service"),
                () -> assertTrue(Files.isRegularFile(root.resolve("lib/systemd/system/endlessd-socket@.socket")), "endlessd-socket@.socket"),
                () -> assertTrue(Files.isRegularFile(root.resolve("lib/systemd/system/endlessd-socket@.service")), "endlessd-socket@.service"),
                () -> assertTrue(Files.isRegularFile(root.resolve("usr/share/doc/endlessd/examples/example.conf")), "example.conf"),
                () -> assertTrue(Files.isRegularFile(root.resolve("usr/share/doc/endlessd/systemd.md")), "systemd.md"),
                () -> assertTrue(Files.isRegularFile(root.resolve("usr/share/doc/endlessd/copyright")), "copyright"),
                () -> assertTrue(Files.isDirectory(root.resolve("etc/endlessd")), "/etc/endlessd"));
    }

    /** lintian takes 15 s on an idle machine and minutes on a busy one: the deadlines only catch a hang. */
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void lintianFindsNothingAtItsDefaultLevel() throws IOException, InterruptedException {
        assumeTrue(Command.onPath("lintian"), "lintian is not on PATH (install the lintian package; .ci/run does):"
                + " the .deb was NOT checked by lintian");

        Command.Result lintian = Command.run(List.of("lintian", "--allow-root", "--fail-on", "error,warning",
                BuiltPackages.deb().toString()), environment -> { }, Duration.ofMinutes(5));

        assertEquals(0, lintian.exitCode(), lintian::describe);
        assertEquals("", lintian.output().strip(), lintian::describe);
    }

    @Test
    void everyCommandHasAManPageAndTheChangelogNamesThisVersion() throws IOException, InterruptedException {
        BuiltPackages.extractDeb(root);
        Path man = root.resolve("usr/share/man/man1");

        for (String command : Manuals.commands(root.resolve("usr/bin/endlessd"))) {
            String page = Manuals.gunzip(man.resolve(command + ".1.gz"));
            String title = command.toUpperCase(Locale.ROOT).replace("-", "\\-");
            assertTrue(page.contains(".TH \"" + title + "\" \"1\""), command + ".1:\n" + page);
            assertTrue(page.contains("\"endlessd " + BuiltPackages.version() + "\""), command + ".1 names the version:\n" + page);
        }
        String changelog = Manuals.gunzip(root.resolve("usr/share/doc/endlessd/changelog.gz"));
        assertTrue(changelog.startsWith("endlessd (" + BuiltPackages.version() + ") "),
                "the changelog's newest entry is this version (packaging/debian/changelog):\n" + changelog);
    }

    @Test
    void bashCompletesTheCommandsOfTheInstalledLauncher() throws IOException, InterruptedException {
        BuiltPackages.extractDeb(root);
        Path completion = root.resolve("usr/share/bash-completion/completions/endlessd");
        assumeTrue(Command.onPath("bash"), "bash is not on PATH: the completion script was not tried");

        // outside a real completion, compopt complains on stderr: only COMPREPLY counts
        Command.Result words = BuiltPackages.succeed(List.of("bash", "-c",
                "source \"$1\" && COMP_WORDS=(endlessd re) COMP_CWORD=1 && _complete_endlessd 2>/dev/null; echo \"${COMPREPLY[@]}\"",
                "bash", completion.toString()));

        assertEquals("reload", words.output().strip(), words::describe);
        assertFalse(Files.readString(completion).startsWith("#!"), "a completion script is sourced: no #! line");
    }

    @Test
    void maintainerScriptsAreValidShell() throws IOException, InterruptedException {
        Path control = Files.createDirectories(root.resolve("DEBIAN"));
        BuiltPackages.succeed(List.of("dpkg-deb", "--control", BuiltPackages.deb().toString(), control.toString()));

        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertTrue(Files.isExecutable(control.resolve(script)), script + " executable");
            BuiltPackages.succeed(List.of("sh", "-n", control.resolve(script).toString()));
        }
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
