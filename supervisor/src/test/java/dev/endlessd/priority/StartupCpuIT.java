package dev.endlessd.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.endlessd.it.Client;
import dev.endlessd.it.DaemonProcess;
import dev.endlessd.it.Fixture;
import dev.endlessd.it.Requirements;
import dev.endlessd.it.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A starting worker's CPU share against real cgroups and the real scheduler's settings: each
 * generation in a cgroup of its own under endlessd's (v1 {@code cpu.shares}, as on this kind of host),
 * lower until READY or the limit, removed when the generation is gone; and nice on the worker's
 * session where the kernel groups by session.
 */
@Timeout(180)
class StartupCpuIT {
    private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");
    private static final Pattern LIMIT_REACHED = Pattern.compile("not ready after 5s: back to the serving CPU share");

    @TempDir
    Path dir;

    private Path parent;

    /** endlessd in a cgroup of its own, {@code parent}, made for this test, with {@code --startup-cpu=cgroup}. */
    private DaemonProcess startInOwnCgroup(String... args) throws IOException {
        Requirements.assumeRoot("to make cgroups");
        Requirements.assumeCgroupV1Cpu("to make cgroups with cpu.shares");
        parent = CPU.resolve("endlessd-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(parent);
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"",
                parent.toString(), DaemonProcess.launcher().toString(), "--startup-cpu=cgroup", "--probation", "0s",
                "--runtime-dir", dir.resolve("run").toString()));
        command.addAll(List.of(args));
        return DaemonProcess.startRaw(dir, java.util.Map.of(), command);
    }

    /** Whatever the test left (a process killed with its daemon may take a moment to leave its cgroup). */
    @AfterEach
    void removeCgroups() throws IOException {
        if (parent == null || !Files.isDirectory(parent)) {
            return;
        }
        try (Stream<Path> children = Files.list(parent)) {
            for (Path child : children.filter(Files::isDirectory).toList()) {
                removeOnceEmpty(child);
            }
        }
        removeOnceEmpty(parent);
    }

    private static void removeOnceEmpty(Path cgroup) {
        DaemonProcess.await("removing " + cgroup, () -> {
            try {
                for (String pid : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                    moveOut(pid);
                }
                Files.delete(cgroup);
                return true;
            } catch (IOException busy) {
                return false;
            }
        });
    }

    private static void moveOut(String pid) {
        try {
            Files.writeString(CPU.resolve("cgroup.procs"), pid);
        } catch (IOException gone) {
            // exited meanwhile
        }
    }

    private Path generation(long generation) {
        return parent.resolve("gen-" + generation);
    }

    private long shares(long generation) throws IOException {
        return Long.parseLong(Files.readString(generation(generation).resolve("cpu.shares")).trim());
    }

    private long sharesOrZero(long generation) {
        try {
            return shares(generation);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String cpuCgroupOf(int pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).stream()
                .filter(line -> line.matches("\\d+:([^:]*,)?cpu(,[^:]*)?:.*")).findFirst().orElseThrow()
                .replaceFirst("^[^:]*:[^:]*:", "");
    }

    /** The start-up weight, unless the limit passed already (a machine too busy to get here in 5 s). */
    private void assertStartingWeight(DaemonProcess daemon, long generation, int pid) throws IOException {
        long shares = shares(generation);
        boolean limitPassed = Pattern.compile("gen=" + generation + " pid=" + pid + ": " + LIMIT_REACHED.pattern())
                .matcher(daemon.log()).find();
        assertEquals(limitPassed ? 1024 : 110, shares, "gen=" + generation + "'s cpu.shares while it starts");
    }

    @Test
    void eachGenerationStartsInItsOwnCgroupWithLessCpuUntilReadyAndLeavesNoCgroupBehind() throws Exception {
        Path switches = dir.resolve("switches");
        Path firstReady = dir.resolve("first-ready");
        Path secondReady = dir.resolve("second-ready");
        Files.writeString(switches, "--ready-when-exists " + firstReady);
        try (DaemonProcess daemon = startInOwnCgroup("--cmd", Fixture.worker("--switches-file", switches.toString()),
                "--listen", "127.0.0.1:0", "--ready-timeout", "5m")) {
            daemon.awaitLog("new workers start with less CPU: cgroup cpu.shares 110 of 1024 in " + Pattern.quote(
                    parent.toString()) + "/gen-N until READY, 5s at most \\(--startup-cpu=cgroup: its cgroup");
            int first = Integer.parseInt(daemon.awaitLog("gen=1 pid=(\\d+) spawned").group(1));
            DaemonProcess.await("gen=1 in its cgroup", () -> {
                try {
                    return cpuCgroupOf(first).equals("/" + parent.getFileName() + "/gen-1");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            assertStartingWeight(daemon, 1, first);

            daemon.awaitLog("gen=1 pid=" + first + ": " + LIMIT_REACHED.pattern());
            assertEquals(1024, shares(1), "a start that takes longer than the limit gets the serving share");
            Files.writeString(firstReady, "");
            daemon.awaitServing(1);

            Files.writeString(switches, "--ready-when-exists " + secondReady);
            daemon.signal(Signals.SIGHUP);
            int second = Integer.parseInt(daemon.awaitLog("gen=2 pid=(\\d+) spawned").group(1));
            assertStartingWeight(daemon, 2, second);
            assertEquals(1024, shares(1), "the serving generation keeps its share");
            Client.Result status = new Client(dir).run("status", "--runtime-dir", dir.resolve("run").toString());
            assertTrue(status.out().contains("startup CPU: cgroup cpu.shares 110 of 1024 in " + parent + "/gen-N"),
                    status.toString());

            Files.writeString(secondReady, "");
            daemon.awaitServing(2);
            DaemonProcess.await("READY gives gen=2 the serving share", () -> sharesOrZero(2) == 1024);
            assertEquals("/" + parent.getFileName() + "/gen-2", cpuCgroupOf(second));
            DaemonProcess.await("gen-1's cgroup removed once gen=1 drained", () -> !Files.exists(generation(1)));

            daemon.signal(Signals.SIGTERM);
            assertEquals(0, daemon.awaitExit(), daemon.log());
            assertTrue(!Files.exists(generation(2)), "gen-2's cgroup is removed when endlessd stops");
        }
    }

    /**
     * A daemonized leftover (double fork, own session) escapes the worker's process group but not its
     * generation's cgroup: the cgroup stays, said so, while it lives, and goes once it is gone.
     */
    @Test
    void aDaemonizedLeftoverKeepsItsGenerationsCgroupUntilItIsGone() throws Exception {
        Path switches = dir.resolve("switches");
        Files.writeString(switches, "--leave-orphans 1 --orphan-life 600");
        try (DaemonProcess daemon = startInOwnCgroup("--cmd", Fixture.worker("--switches-file", switches.toString()),
                "--listen", "127.0.0.1:0")) {
            daemon.awaitServing(1);
            DaemonProcess.await("gen=1's leftover in its cgroup", () -> members(1).size() >= 2);
            Files.writeString(switches, "");
            daemon.signal(Signals.SIGHUP);
            daemon.awaitServing(2);
            daemon.awaitLog("gen=1 pid=\\d+ exited");
            List<Integer> left = members(1);
            assertTrue(Files.isDirectory(generation(1)) && !left.isEmpty(), "gen-1 is kept while its leftover lives");
            left.forEach(pid -> dev.endlessd.os.Posix.kill(pid, Signals.SIGKILL));
            DaemonProcess.await("the leftover gone", () -> members(1).isEmpty());
            daemon.signal(Signals.SIGHUP);
            daemon.awaitServing(3);
            daemon.awaitLog("gen=1: its cgroup " + Pattern.quote(generation(1).toString()) + " is empty now, and removed");
            assertTrue(!Files.exists(generation(1)));
        }
    }

    @Test
    void theNewCodeOfAnUpgradeKeepsTheCarriedGenerationsCgroupAndRemovesItWhenItIsGone() throws Exception {
        try (DaemonProcess daemon = startInOwnCgroup("--cmd", Fixture.worker(), "--listen", "127.0.0.1:0")) {
            int first = daemon.awaitServing(1);
            Client.Result upgrade = new Client(dir).run("upgrade", "--runtime-dir", dir.resolve("run").toString());
            assertEquals(0, upgrade.exitCode(), upgrade.all() + daemon.log());
            daemon.awaitLog("new workers start with less CPU: cgroup cpu.shares 110 of 1024", 1);
            assertEquals("/" + parent.getFileName() + "/gen-1", cpuCgroupOf(first), "the carried worker's cgroup");
            assertTrue(!daemon.log().contains("left by an earlier endlessd"), daemon.log());

            Client.Result reload = new Client(dir).run("reload", "--runtime-dir", dir.resolve("run").toString());
            assertEquals(0, reload.exitCode(), reload.all() + daemon.log());
            int second = daemon.awaitServing(2);
            assertEquals("/" + parent.getFileName() + "/gen-2", cpuCgroupOf(second));
            DaemonProcess.await("gen-1's cgroup removed by the new code once gen=1 drained",
                    () -> !Files.exists(generation(1)));
        }
    }

    private List<Integer> members(long generation) {
        try {
            return Files.readAllLines(generation(generation).resolve("cgroup.procs")).stream()
                    .filter(line -> !line.isBlank()).map(Integer::parseInt).toList();
        } catch (IOException gone) {
            return List.of();
        }
    }

    /**
     * With autogroup on, a worker's own nice does not weigh against a worker in another session: its
     * session's autogroup is lowered too, and both are given back at READY.
     */
    @Test
    void niceLowersTheWorkerAndItsSessionUntilReady() throws Exception {
        Requirements.assumeRoot("to give a worker its priority back");
        Path ready = dir.resolve("ready");
        Path switches = dir.resolve("switches");
        Files.writeString(switches, "--ready-when-exists " + ready);
        boolean autogroup = Files.readString(Path.of("/proc/sys/kernel/sched_autogroup_enabled")).trim().equals("1");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--cmd", Fixture.worker("--switches-file",
                switches.toString()), "--listen", "127.0.0.1:0", "--startup-cpu=nice", "--ready-timeout", "5m")) {
            daemon.awaitLog("new workers start with less CPU: nice \\+10" + (autogroup ? " \\(process and session"
                    + " autogroup\\)" : "") + " until READY, 5s at most \\(--startup-cpu=nice\\)");
            int pid = Integer.parseInt(daemon.awaitLog("gen=1 pid=(\\d+) spawned").group(1));
            // nice lowers it once its wrapper has run; its session's autogroup is lowered once the spawn returned
            DaemonProcess.await("the worker's nice lowered", () -> niceOf(pid) == 10 || limitPassed(daemon));
            if (autogroup) {
                DaemonProcess.await("its session's nice lowered", () -> autogroupNice(pid) == 10 || limitPassed(daemon));
            }
            Files.writeString(ready, "");
            daemon.awaitServing(1);
            // given back right after the line that says it serves
            DaemonProcess.await("the worker's nice given back", () -> niceOf(pid) == 0);
            if (autogroup) {
                DaemonProcess.await("its session's nice given back", () -> autogroupNice(pid) == 0);
            }
        }
    }

    /** A machine too busy to get there within the limit (5 s) gave the share back already. */
    private static boolean limitPassed(DaemonProcess daemon) {
        return LIMIT_REACHED.matcher(daemon.log()).find();
    }

    /** Field 19 of /proc/PID/stat, counted after the command's closing parenthesis. */
    private static int niceOf(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int autogroupNice(int pid) {
        try {
            String[] fields = Files.readString(Path.of("/proc/" + pid + "/autogroup")).trim().split(" ");
            return Integer.parseInt(fields[fields.length - 1]);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
