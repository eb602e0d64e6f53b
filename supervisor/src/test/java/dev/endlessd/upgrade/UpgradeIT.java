package dev.endlessd.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.HttpLoad;
import dev.endlessd.it.Proc;
import dev.endlessd.it.Signals;
import dev.endlessd.os.Posix;
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
            int guard = guardOf(supervisor, worker);
            String guardCommand = Files.readString(Path.of("/proc/" + guard + "/cmdline")).replace('\0', ' ');
            assertTrue(guardCommand.startsWith("/bin/sh -c eval \"$ENDLESSD_GUARD_SCRIPT\" endlessd-guard "),
                    "ps shows the guard's command line without its script: " + guardCommand);
            Proc.Footprint before = Proc.Footprint.of(supervisor);
            List<Long> tookMillis = new ArrayList<>();
            List<Long> execToControlMillis = new ArrayList<>();
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
                    java.util.regex.Matcher took = java.util.regex.Pattern.compile(" took=(\\d+)ms").matcher(result.out());
                    assertTrue(took.find(), result.all());
                    execToControlMillis.add(Long.parseLong(took.group(1)));
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
                            + " `endlessd upgrade` took %s ms; exec to the new code serving the control socket %s ms;"
                            + " supervisor %s before, %s after%n", UPGRADES, load.ok(), load.failures().size(), tookMillis,
                    execToControlMillis, before, after);

            Client.Result reload = client().run("reload", "--runtime-dir", dir.resolve("run").toString());
            assertEquals(0, reload.exitCode(), reload.all() + daemon.log());
            assertTrue(reload.out().contains("reloaded gen=2"), reload.all());
            int next = daemon.awaitServing(2);
            awaitOnlyLiveChildren(supervisor, guard, next);
            DaemonProcess.await("the carried worker pid=" + worker + " drained and reaped",
                    () -> !DaemonProcess.processExists(worker));
        }
    }

    @Test
    void theWorkersDescriptorsStayFlatAcrossUpgrades() throws Exception {
        try (DaemonProcess daemon = start()) {
            int worker = daemon.awaitServing(1);
            int before = Proc.fdCount(worker);
            for (int upgrade = 1; upgrade <= 3; upgrade++) {
                Client.Result result = client().run("upgrade", "--runtime-dir", dir.resolve("run").toString());
                assertEquals(0, result.exitCode(), result.all() + daemon.log());
            }
            assertEquals(before, Proc.fdCount(worker), "the serving worker's descriptors");
            awaitOnlyLiveChildren(daemon.pid(), guardOf(daemon.pid(), worker), worker);
        }
    }

    @Test
    void aWorkerThatCrashesDuringAnUpgradeIsRestartedByTheNewCode() throws Exception {
        try (DaemonProcess daemon = start()) {
            int worker = daemon.awaitServing(1);
            replaceJar("0.0.0-after-crash");
            String runtime = dir.resolve("run").toString();
            Client.Running upgrade = client().start("upgrade", "--runtime-dir", runtime);
            daemon.awaitLog("upgrade requested \\(control socket");
            Posix.kill(worker, Signals.SIGKILL);
            Client.Result upgraded = upgrade.await();

            assertEquals(0, upgraded.exitCode(), upgraded.all() + daemon.log());
            int restarted = daemon.awaitServing(2);
            Client.Result status = client().run("status", "--runtime-dir", runtime);
            assertTrue(status.out().contains("(version 0.0.0-after-crash)"), status.all());
            assertTrue(status.out().contains("pid=" + restarted), status.all());
            awaitOnlyLiveChildren(daemon.pid(), guardOf(daemon.pid(), restarted), restarted);
        }
    }

    /**
     * The runtime directory loses the worker's notify socket file (a cleaner, an administrator): the
     * new code cannot take that socket over whole. It says so loudly and serves on with what it took.
     */
    @Test
    void aTakeOverThatIsIncompleteIsReportedAndTheNewCodeServesOn() throws Exception {
        try (DaemonProcess daemon = start()) {
            int worker = daemon.awaitServing(1);
            String runtime = dir.resolve("run").toString();
            Path notify = dir.resolve("run").resolve("default").resolve("notify-1.sock");
            assertTrue(Files.exists(notify), "the worker's notify socket at " + notify);
            Files.delete(notify);

            Client.Result result = client().run("upgrade", "--runtime-dir", runtime);

            assertEquals(1, result.exitCode(), result.all() + daemon.log());
            assertTrue(result.err().contains("upgraded pid=" + daemon.pid()), result.all());
            assertTrue(result.err().contains("take-over is incomplete"), result.all());
            assertTrue(result.err().contains(notify + " is gone"), result.all());
            daemon.awaitLog("take-over is incomplete");
            Client.Result status = client().run("status", "--runtime-dir", runtime);
            assertEquals(0, status.exitCode(), status.all());
            assertTrue(status.out().contains("take-over incomplete:"), status.all());
            assertTrue(status.out().contains("gen=1 pid=" + worker + " ready"), status.all());

            Client.Result reload = client().run("reload", "--runtime-dir", runtime);
            assertEquals(0, reload.exitCode(), reload.all() + daemon.log());
            assertTrue(reload.out().contains("reloaded gen=2"), reload.all());
            int next = daemon.awaitServing(2);
            DaemonProcess.await("the worker whose notify socket was lost drained and reaped",
                    () -> !DaemonProcess.processExists(worker));
            awaitOnlyLiveChildren(daemon.pid(), guardOf(daemon.pid(), next), next);
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

    /**
     * The pre-flight check passes, but what runs after the exec is not what it checked (here: a
     * launcher that hands the check a good jar and the exec one that lacks a class the daemon needs
     * late in its start, after it took the carried sockets and lock in hand and closed them on the
     * failure; in life, a jar replaced again meanwhile). The new code fails before it took the workers
     * over and goes back to the previous code, which takes them over, reports the failure and serves
     * on; a later upgrade works.
     */
    @Test
    void aNewCodeThatFailsAfterTheExecGoesBackToThePreviousCodeWhichServesOn() throws Exception {
        try (DaemonProcess daemon = start()) {
            int worker = daemon.awaitServing(1);
            long supervisor = daemon.pid();
            String runtime = dir.resolve("run").toString();
            Path good = copyOfTheBuild("good");
            Path broken = copyOfTheBuild("broken");
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + broken.resolve("endlessd.jar").toUri()),
                    Map.of())) {
                Files.delete(zip.getPath("dev", "endlessd", "instance", "LoopDeathWatch.class"));
            }
            Path dispatcher = Files.writeString(launcher.resolveSibling("endlessd.next"), "#!/bin/sh\n"
                    + "if [ \"$1\" = upgrade-check ]; then exec " + good.resolve("endlessd") + " \"$@\"; fi\n"
                    + "exec " + broken.resolve("endlessd") + " \"$@\"\n");
            dispatcher.toFile().setExecutable(true);
            Path original = Files.copy(launcher, dir.resolve("endlessd.original"), StandardCopyOption.COPY_ATTRIBUTES);
            Files.move(dispatcher, launcher, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            HttpLoad load = new HttpLoad(daemon.port(), 2);
            Client.Result result;
            try (load) {
                load.awaitMoreRequests(20);
                result = builtClient().run("upgrade", "--runtime-dir", runtime);
                load.awaitMoreRequests(20);
            }

            assertEquals(1, result.exitCode(), result.all() + daemon.log());
            assertTrue(result.err().contains("upgrade failed: endlessd "), result.all());
            assertTrue(result.err().contains("LoopDeathWatch"), "the reason names what failed: " + result.all());
            assertTrue(result.err().contains("the code that ran before, took the workers over again"), result.all());
            daemon.awaitLog("going back to the code that ran before this upgrade");
            System.out.printf(Locale.ROOT, "UpgradeIT: the new code failed after the exec, %d requests, %d failed;"
                    + " `endlessd upgrade` said: %s%n", load.ok(), load.failures().size(), result.err().strip());
            assertEquals(List.of(), load.failures(), "no request fails");
            assertEquals(java.util.Set.of(worker), load.servedBy(), "the same worker served throughout");
            assertEquals(supervisor, daemon.pid());
            assertTrue(daemon.isAlive());
            Client.Result status = builtClient().run("status", "--runtime-dir", runtime);
            assertEquals(0, status.exitCode(), status.all());
            assertTrue(status.out().contains("last upgrade: FAILED, "), status.all());
            assertTrue(status.out().contains("LoopDeathWatch"), "status names what failed: " + status.all());
            assertTrue(!status.out().contains("take-over incomplete"), status.all());
            assertTrue(status.out().contains("gen=1 pid=" + worker + " ready"), status.all());
            awaitOnlyLiveChildren(supervisor, guardOf(supervisor, worker), worker);

            Files.move(original, launcher, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            replaceJar("0.0.0-after-going-back");
            Client.Result upgraded = client().run("upgrade", "--runtime-dir", runtime);
            assertEquals(0, upgraded.exitCode(), upgraded.all() + daemon.log());
            assertTrue(upgraded.out().contains("version=0.0.0-after-going-back"), upgraded.all());
            Client.Result reload = client().run("reload", "--runtime-dir", runtime);
            assertEquals(0, reload.exitCode(), reload.all() + daemon.log());
            int next = daemon.awaitServing(2);
            DaemonProcess.await("the carried worker pid=" + worker + " drained and reaped",
                    () -> !DaemonProcess.processExists(worker));
            awaitOnlyLiveChildren(supervisor, guardOf(supervisor, next), next);
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

    /** The supervisor's one child that is not a worker. */
    private static int guardOf(long supervisor, int... workers) {
        List<Long> others = new ArrayList<>(Proc.childrenOf(supervisor).stream().map(Proc.Stat::pid).toList());
        for (int worker : workers) {
            others.remove(Long.valueOf(worker));
        }
        assertEquals(1, others.size(), "the guard among the children of " + supervisor + ": " + Proc.childrenOf(supervisor));
        return Math.toIntExact(others.get(0));
    }

    /** The supervisor's children come down to the guard and the serving worker, none of them a zombie. */
    private static void awaitOnlyLiveChildren(long supervisor, int guard, int worker) {
        DaemonProcess.await("the children of " + supervisor + " are the guard pid=" + guard + " and the worker pid="
                + worker + ", none a zombie", () -> {
                    List<Proc.Stat> children = Proc.childrenOf(supervisor);
                    return children.stream().noneMatch(Proc.Stat::zombie)
                            && children.stream().map(Proc.Stat::pid).collect(java.util.stream.Collectors.toSet())
                                    .equals(java.util.Set.of((long) guard, (long) worker));
                });
    }

    /** Another copy of the launcher and its jars, in a directory of its own. */
    private Path copyOfTheBuild(String name) throws IOException {
        Path copy = Files.createDirectory(dir.resolve(name));
        Path built = DaemonProcess.launcher().getParent();
        for (String file : List.of("endlessd", "endlessd.jar", "endlessd-agent.jar")) {
            Files.copy(built.resolve(file), copy.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return copy;
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
