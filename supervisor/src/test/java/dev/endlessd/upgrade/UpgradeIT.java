package dev.endlessd.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.HttpLoad;
import dev.endlessd.it.Proc;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code endlessd upgrade}: the endlessd on disk executes in the running one's place, under load, with
 * the same supervisor pid, the same serving worker, no failed request; a broken new jar is refused
 * by the pre-flight check and the old code serves on; a reload asked for during an upgrade happens.
 * Each test runs its own copy of the launcher and jars, whose jar it replaces between upgrades.
 */
@Timeout(900)
class UpgradeIT {
    private static final int UPGRADES = Integer.getInteger("endlessd.upgrades", 10);

    @TempDir
    Path dir;
    private Path launcher;

    @BeforeEach
    void installACopy() throws IOException {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path built = DaemonProcess.launcher().getParent();
        for (String file : List.of("endlessd", "endlessd.jar", "endlessd-agent.jar")) {
            Files.copy(built.resolve(file), bin.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        launcher = bin.resolve("endlessd");
    }

    @Test
    void tenUpgradesUnderLoadFailNoRequestAndKeepTheSupervisorAndTheServingWorker() throws Exception {
        try (DaemonProcess daemon = start()) {
            int worker = daemon.awaitServing(1);
            long supervisor = daemon.pid();
            Proc.Footprint before = Proc.Footprint.of(supervisor);
            List<Long> tookMillis = new ArrayList<>();
            HttpLoad load = new HttpLoad(daemon.port(), 3);
            try (load) {
                for (int upgrade = 1; upgrade <= UPGRADES; upgrade++) {
                    String version = "0.0.0-upgrade-" + upgrade;
                    replaceJar(version);
                    load.awaitMoreRequests(20);
                    long start = System.nanoTime();
                    Client.Result result = client().run("upgrade", "--runtime-dir", dir.resolve("run").toString());
                    tookMillis.add((System.nanoTime() - start) / 1_000_000);

                    assertEquals(0, result.exitCode(), result.all() + daemon.log());
                    assertTrue(result.out().contains("upgraded pid=" + supervisor + " version=" + version), result.all());
                    Client.Result status = client().run("status", "--runtime-dir", dir.resolve("run").toString());
                    assertTrue(status.out().contains("(version " + version + ")"), status.all());
                    assertTrue(status.out().contains("pid=" + worker), "the same worker serves: " + status.all());
                }
                load.awaitMoreRequests(20);
            }

            assertEquals(List.of(), load.failures(), "no request fails across the upgrades");
            assertEquals(java.util.Set.of(worker), load.servedBy(), "one worker served every request");
            assertEquals(supervisor, daemon.pid());
            assertTrue(daemon.isAlive());
            Proc.Footprint after = Proc.Footprint.of(supervisor);
            assertEquals(before.fds(), after.fds(), "descriptors before " + before + ", after " + after);
            System.out.printf(Locale.ROOT, "UpgradeIT: %d upgrades under load: %d requests, %d failed; client"
                            + " `endlessd upgrade` took %s ms; supervisor %s before, %s after%n", UPGRADES, load.ok(),
                    load.failures().size(), tookMillis, before, after);

            Client.Result reload = client().run("reload", "--runtime-dir", dir.resolve("run").toString());
            assertEquals(0, reload.exitCode(), reload.all() + daemon.log());
            assertTrue(reload.out().contains("reloaded gen=2"), reload.all());
        }
    }

    @Test
    void aBrokenNewJarIsRefusedByThePreflightCheckAndTheOldCodeServesOn() throws Exception {
        try (DaemonProcess daemon = start()) {
            int worker = daemon.awaitServing(1);
            // Replaced as a package manager does, by rename: the running JVM still reads its own jar, lazily.
            Path broken = Files.write(launcher.resolveSibling("endlessd.jar.next"),
                    "not a jar".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Files.move(broken, launcher.resolveSibling("endlessd.jar"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);

            Client.Result result = builtClient().run("upgrade", "--runtime-dir", dir.resolve("run").toString());

            assertEquals(1, result.exitCode(), result.all());
            assertTrue(result.err().contains("upgrade refused: " + launcher + " upgrade-check exited with 1"),
                    result.all());
            daemon.awaitLog("upgrade refused: .*; the running code goes on");
            Client.Result reload = builtClient().run("reload", "--runtime-dir", dir.resolve("run").toString());
            assertEquals(0, reload.exitCode(), reload.all() + daemon.log());
            assertTrue(reload.out().contains("reloaded gen=2"), reload.all());
            assertTrue(daemon.log().contains("gen=1 pid=" + worker + " draining"), daemon.log());
        }
    }

    @Test
    void aReloadAskedForDuringAnUpgradeHappens() throws Exception {
        try (DaemonProcess daemon = start()) {
            daemon.awaitServing(1);
            String runtime = dir.resolve("run").toString();
            Client.Running upgrade = client().start("upgrade", "--runtime-dir", runtime);
            daemon.awaitLog("upgrade requested \\(control socket");
            Client.Result reload = client().run("reload", "--runtime-dir", runtime);
            Client.Result upgraded = upgrade.await();

            assertEquals(0, upgraded.exitCode(), upgraded.all() + daemon.log());
            assertEquals(0, reload.exitCode(), reload.all() + daemon.log());
            assertTrue(reload.out().contains("reloaded gen=2"), reload.all());
            daemon.awaitServing(2);
        }
    }

    private DaemonProcess start() throws IOException {
        return DaemonProcess.startRaw(dir, Map.of(), List.of(launcher.toString(), "--cmd", Fixture.worker(),
                "--listen", "127.0.0.1:0", "--runtime-dir", dir.resolve("run").toString()));
    }

    /** A client of the build itself, for when the copy's jar is broken on purpose. */
    private Client builtClient() {
        return new Client(dir);
    }

    private Client client() {
        return new Client(dir, List.of(), launcher);
    }

    /** A new build on disk: the jar with another version string, put in place as a package manager does. */
    private void replaceJar(String version) throws IOException {
        Path jar = launcher.resolveSibling("endlessd.jar");
        Path next = launcher.resolveSibling("endlessd.jar.next");
        Files.copy(jar, next, StandardCopyOption.REPLACE_EXISTING);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + next.toUri()), Map.of())) {
            try (OutputStream out = Files.newOutputStream(zip.getPath("dev", "endlessd", "version.properties"))) {
                out.write(("version=" + version + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        Files.move(next, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
