package dev.endlessd.packaging;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --startup-cpu=auto} under the packaged {@code endlessd@} unit and a real systemd, with the
 * drop-in packaging/README.md gives ({@code Delegate=cpu}, {@code ProtectControlGroups=no}) and
 * without, on a host whose {@code cpu} controller is on a cgroup v1 hierarchy ("hybrid": systemd
 * tracks units on cgroup2 and marks delegated ones there).
 *
 * <p>Two systemds in one boot: first the container's as nspawn makes it, with the v1 controller
 * hierarchies read-only, which makes a unit no cpu cgroup, so endlessd must use nice and say why;
 * then the same systemd executed again once those hierarchies are writable
 * ({@link SystemdContainer#writableCpuHierarchies}), which manages them as a hybrid host's does. The
 * container runs in host cgroups of its own ({@link SystemdContainer#bootInCpuCgroups}).
 *
 * <p>Each worker records, as its first step, the cpu cgroup it starts in and that cgroup's
 * {@code cpu.shares} then, in its unit's state directory: that is the start-up weight, seen from
 * inside, before READY or the 5 s limit raise it, without a test racing the worker for it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class SystemdCgroupIT {
    private static final String DELEGATED = "endlessd@cg.service";
    private static final String PLAIN = "endlessd@plain.service";
    /** systemd puts a template's instances in a slice named after it. */
    private static final String UNIT_CGROUP = "/system.slice/system-endlessd.slice/" + DELEGATED;
    private static final String CPU = "/sys/fs/cgroup/cpu";
    private static final String STATE = "/var/lib/endlessd/cg";
    private static final int PORT = 8081;
    /** Longer than the drain timeout the unit gives endlessd (30 s), plus a JVM's exit. */
    private static final Duration DRAIN_DEADLINE = Duration.ofSeconds(90);
    /** Above the unit's ready timeout: status answers once the first worker is ready. */
    private static final Duration STATUS_DEADLINE = Duration.ofSeconds(90);
    private static final String RECORD = String.join("\n",
            "# the cpu cgroup this worker starts in, and its weight then: SystemdCgroupIT's evidence",
            "cpu=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ { print $3 }' /proc/self/cgroup)",
            "printf 'pid=%s\\ncgroup=%s\\nshares=%s\\n' \"$PPID\" \"$cpu\" \"$(cat \"" + CPU + "$cpu/cpu.shares\")\""
                    + " > \"$STATE_DIRECTORY/started-gen-$ENDLESSD_GENERATION\"",
            "");

    private SystemdContainer container;
    private Operator operator;

    @BeforeAll
    void boot(@TempDir Path scratch, @TempDir Path staged) throws Exception {
        Operator.stage(staged);
        try {
            container = SystemdContainer.bootInCpuCgroups(scratch, staged,
                    BuiltPackages.buildDirectory().resolve("systemd-cgroup-container.log"));
            operator = new Operator(container);
        } catch (SystemdContainer.Unavailable e) {
            System.out.println("SystemdCgroupIT SKIPPED, --startup-cpu=auto was NOT tested under systemd: " + e.getMessage());
            Assumptions.abort("systemd-nspawn with v1 cpu hierarchies cannot run here: " + e.getMessage());
        }
        report("container booted in %s (systemd %s)", Operator.seconds(container.bootTime()),
                container.succeed("systemctl", "--version").output().lines().findFirst().orElse("?"));
        operator.installApp();
        container.succeed("dpkg", "-i", Operator.DEB);
        container.write(Operator.APP + "/record-cgroup.sh", RECORD);
        operator.configure("cg", PORT, "", "sh record-cgroup.sh");
        operator.configure("plain", PORT, "");
        // packaging/README.md's drop-in, word for word
        container.write("/etc/systemd/system/" + DELEGATED + ".d/cgroup.conf", "[Service]\nDelegate=cpu\nProtectControlGroups=no\n");
        container.succeed("systemctl", "daemon-reload");
    }

    @AfterAll
    void powerOff() throws Exception {
        if (container != null) {
            container.powerOff();
        }
    }

    @Test
    @Order(1)
    void whereSystemdCannotWriteTheCpuHierarchyTheDelegatedUnitFallsBackToNiceSayingWhy() throws Exception {
        container.succeed("systemctl", "start", DELEGATED);
        String status = status("cg");
        container.succeed("systemctl", "stop", DELEGATED);

        assertAll(
                () -> assertTrue(status.contains("startup CPU: nice +10"), status),
                () -> assertTrue(status.contains("its cgroup /sys/fs/cgroup/unified" + UNIT_CGROUP + " is delegated to it,"
                        + " but in the cpu controller's cgroup v1 hierarchy it is in " + CPU + ","), status));
        report("v1 cpu hierarchy read-only (as nspawn mounts it): %s", startupCpuLine(status));
    }

    @Test
    @Order(2)
    void withoutTheDropInTheUnitUsesNiceAsItsCgroupIsNotDelegated() throws Exception {
        container.writableCpuHierarchies();
        container.succeed("systemctl", "start", PLAIN);
        String status = status("plain");
        container.succeed("systemctl", "stop", PLAIN);

        assertAll(
                () -> assertTrue(status.contains("startup CPU: nice +10"), status),
                () -> assertTrue(status.contains("was not delegated to it"), status));
        report("packaged unit, no drop-in: %s", startupCpuLine(status));
    }

    @Test
    @Order(3)
    void withTheDropInEachGenerationStartsInItsOwnCgroupAtTheLowWeightAndServesAtFullWeight() throws Exception {
        container.succeed("systemctl", "start", DELEGATED);
        String status = status("cg");
        assertAll(
                () -> assertTrue(status.contains("startup CPU: cgroup cpu.shares 110 of 1024 in " + CPU + UNIT_CGROUP + "/gen-N"),
                        status),
                () -> assertTrue(status.contains("(--startup-cpu=auto: its cgroup " + CPU + UNIT_CGROUP + " is delegated to it)"),
                        status));

        List<Map<String, String>> started = new ArrayList<>();
        LoadRun.Result load = operator.underLoad(DELEGATED, PORT, 3, () -> {
            for (long generation = 2; generation <= 3; generation++) {
                operator.reload(DELEGATED, 0);
                started.add(startedWorker(generation));
                // the reload has returned: READY came, the probation passed, the old generation drains
                awaitGone(CPU + UNIT_CGROUP + "/gen-" + (generation - 1));
            }
        });

        assertEquals(0, load.failed(), load::describe);
        assertEquals(List.of("1", "2", "3"), load.generations(), load::describe);
        for (Map<String, String> worker : started) {
            String generation = worker.get("cgroup").substring(worker.get("cgroup").lastIndexOf('/') + 1);
            String cgroup = CPU + UNIT_CGROUP + "/" + generation;
            assertAll(generation,
                    () -> assertEquals(UNIT_CGROUP + "/" + generation, worker.get("cgroup"), worker::toString),
                    () -> assertEquals("110", worker.get("shares"), "the start-up weight, as the worker saw it at its start"));
            if (generation.equals("gen-3")) {
                assertAll("the serving generation",
                        () -> assertEquals("1024", container.succeed("cat", cgroup + "/cpu.shares").output().strip()),
                        () -> assertTrue(container.succeed("cat", "/proc/" + worker.get("pid") + "/cgroup").output()
                                .contains(":cpu:" + UNIT_CGROUP + "/gen-3\n"), "the serving worker is in gen-3"));
            }
        }
        assertEquals("gen-3", container.succeed("ls", CPU + UNIT_CGROUP).output().lines()
                .filter(name -> name.startsWith("gen-")).collect(Collectors.joining(" ")), "only the serving generation's cgroup is left");
        container.succeed("systemctl", "stop", DELEGATED);
        report("Delegate=cpu, ProtectControlGroups=no: 2 reloads under load, each new worker started in %s/gen-N at"
                + " cpu.shares %s, serving at 1024, old cgroups removed; %d requests, %d failed", UNIT_CGROUP,
                started.stream().map(worker -> worker.get("shares")).toList(), load.requests(), load.failed());
    }

    /** What the worker of {@code generation} recorded at its start (see {@link #RECORD}). */
    private Map<String, String> startedWorker(long generation) throws IOException, InterruptedException {
        String record = container.succeed("cat", STATE + "/started-gen-" + generation).output();
        return record.lines().map(line -> line.split("=", 2)).filter(pair -> pair.length == 2)
                .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
    }

    /** Waits until {@code path} is gone in the container; fails after {@link #DRAIN_DEADLINE}. */
    private void awaitGone(String path) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DRAIN_DEADLINE.toNanos();
        while (operator.exists(path)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " is still there " + DRAIN_DEADLINE + " after the reload\n"
                        + operator.journalTail(DELEGATED));
            }
            Thread.sleep(200);
        }
    }

    /** {@code endlessd status}, once endlessd answers it (a Type=simple unit is started before it listens). */
    private String status(String name) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STATUS_DEADLINE.toNanos();
        while (true) {
            Command.Result status = container.exec("endlessd", "status", "--name", name);
            if (status.exitCode() == 0) {
                return status.output();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("endlessd status --name " + name + " did not answer within " + STATUS_DEADLINE
                        + ":\n" + status.describe() + "\n" + operator.journalTail("endlessd@" + name + ".service"));
            }
            Thread.sleep(200);
        }
    }

    private static String startupCpuLine(String status) {
        return status.lines().filter(line -> line.startsWith("startup CPU:")).findFirst().orElse("(none)");
    }

    private static void report(String format, Object... arguments) {
        System.out.println("SystemdCgroupIT: " + String.format(format, arguments));
    }
}
