package dev.endlessd.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DelegationTest {
    private static final String HYBRID_MOUNTS = """
            30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu
            32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
            40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;
    private static final String UNIFIED_MOUNTS = """
            25 30 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate
            """;

    @Test
    void procCgroupGivesTheCpuHierarchysPathAndTheUnifiedOne() {
        ProcCgroup cgroups = ProcCgroup.parse("""
                9:name=systemd:/system.slice/shop.service
                2:cpu,cpuacct:/system.slice/shop.service
                1:cpuset:/
                0::/system.slice/shop.service
                not a line
                """);
        assertEquals(Optional.of("/system.slice/shop.service"), cgroups.v1("cpu"));
        assertEquals(Optional.of("/system.slice/shop.service"), cgroups.unified());
        assertEquals(Optional.empty(), ProcCgroup.parse("0::/a\n").v1("cpu"));
        assertEquals(Optional.of("/a:b"), ProcCgroup.parse("0::/a:b\n").unified(), "a colon in a cgroup's name");
    }

    @Test
    void mountsFindTheCpuHierarchyAndCgroup2() {
        CgroupMounts hybrid = CgroupMounts.parse(HYBRID_MOUNTS);
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/cpu")), hybrid.v1Cpu(), "cpuacct is not cpu");
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/unified")), hybrid.unified());
        CgroupMounts unified = CgroupMounts.parse(UNIFIED_MOUNTS);
        assertEquals(Optional.empty(), unified.v1Cpu());
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup")), unified.unified());
        assertEquals(Optional.of(Path.of("/mnt/a b")), CgroupMounts.parse(
                "1 2 0:9 / /mnt/a\\040b rw - cgroup2 cgroup2 rw\n").unified());
        assertEquals(Optional.empty(), CgroupMounts.parse(
                "1 2 0:9 /sub /mnt/sub rw - cgroup2 cgroup2 rw\n").unified(), "a bind mount of a subtree");
    }

    @Test
    void aSystemdUnitWithDelegateGetsItsOwnCgroupOnV2() {
        Delegation.Found found = Delegation.find(ProcCgroup.parse("0::/system.slice/shop.service\n"),
                CgroupMounts.parse(UNIFIED_MOUNTS), false,
                Set.of(Path.of("/sys/fs/cgroup/system.slice/shop.service"))::contains);
        assertEquals(Optional.of(new CpuCgroup(CpuCgroup.Version.V2, Path.of("/sys/fs/cgroup"),
                Path.of("/sys/fs/cgroup/system.slice/shop.service"))), found.cgroup(), found.why());
    }

    @Test
    void afterAnUpgradeEndlessdIsFoundInItsLeafAndUsesTheCgroupAboveIt() {
        Delegation.Found found = Delegation.find(ProcCgroup.parse("0::/system.slice/shop.service/supervisor\n"),
                CgroupMounts.parse(UNIFIED_MOUNTS), false,
                Set.of(Path.of("/sys/fs/cgroup/system.slice/shop.service"))::contains);
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/system.slice/shop.service")),
                found.cgroup().map(CpuCgroup::directory), found.why());
    }

    @Test
    void onAHybridLayoutTheMarkIsOnTheUnifiedHierarchyAndTheCpuOneIsUsed() {
        ProcCgroup self = ProcCgroup.parse("2:cpu,cpuacct:/system.slice/shop.service\n0::/system.slice/shop.service\n");
        Delegation.Found found = Delegation.find(self, CgroupMounts.parse(HYBRID_MOUNTS), false,
                Set.of(Path.of("/sys/fs/cgroup/unified/system.slice/shop.service"))::contains);
        assertEquals(Optional.of(new CpuCgroup(CpuCgroup.Version.V1, Path.of("/sys/fs/cgroup/cpu"),
                Path.of("/sys/fs/cgroup/cpu/system.slice/shop.service"))), found.cgroup(), found.why());
    }

    @Test
    void onAHybridLayoutAMarkIsNotEnoughWhenSystemdMadeTheUnitNoCpuCgroup() {
        // systemd 252 in systemd-nspawn, whose v1 controllers are read-only: the service's cgroup2 directory is
        // marked, and the service is in the container's root of the cpu hierarchy, or in its slice's cpu cgroup
        Path marked = Path.of("/sys/fs/cgroup/unified/system.slice/shop.service");
        for (String cpu : List.of("/", "/system.slice")) {
            ProcCgroup self = ProcCgroup.parse("1:cpu:" + cpu + "\n0::/system.slice/shop.service\n");
            Delegation.Found found = Delegation.find(self, CgroupMounts.parse(HYBRID_MOUNTS), false,
                    Set.of(marked)::contains);
            assertEquals(Optional.empty(), found.cgroup(), found.why());
            assertTrue(found.why().contains(marked + " is delegated to it, but in the cpu controller's cgroup v1"
                    + " hierarchy it is in " + Path.of("/sys/fs/cgroup/cpu" + cpu) + ", not in a cgroup of its unit"),
                    found.why());
        }
        Delegation.Found explicit = Delegation.find(ProcCgroup.parse("1:cpu:/system.slice\n0::/system.slice/shop.service\n"),
                CgroupMounts.parse(HYBRID_MOUNTS), true, Set.of(marked)::contains);
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/cpu/system.slice")), explicit.cgroup().map(CpuCgroup::directory),
                "--startup-cpu=cgroup takes the cpu cgroup it is in, as without a mark");
    }

    @Test
    void anUnmarkedCgroupIsUsedOnlyWhenAskedFor() {
        ProcCgroup self = ProcCgroup.parse("0::/user.slice/session-3.scope\n");
        Delegation.Found auto = Delegation.find(self, CgroupMounts.parse(UNIFIED_MOUNTS), false, path -> false);
        assertEquals(Optional.empty(), auto.cgroup());
        assertTrue(auto.why().contains("was not delegated") && auto.why().contains("--startup-cpu=cgroup"), auto.why());
        Delegation.Found explicit = Delegation.find(self, CgroupMounts.parse(UNIFIED_MOUNTS), true, path -> false);
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/user.slice/session-3.scope")),
                explicit.cgroup().map(CpuCgroup::directory));
    }

    @Test
    void theRootCgroupIsNeverUsedEvenWhenAskedFor() {
        for (String self : List.of("1:cpu:/\n0::/\n", "0::/\n")) {
            for (String mounts : List.of(HYBRID_MOUNTS, UNIFIED_MOUNTS)) {
                Delegation.Found found = Delegation.find(ProcCgroup.parse(self), CgroupMounts.parse(mounts), true,
                        path -> true);
                assertEquals(Optional.empty(), found.cgroup(), self + mounts);
                assertTrue(found.why().contains("root cgroup"), found.why());
            }
        }
    }

    @Test
    void withoutACpuHierarchyThereIsNoCgroup() {
        Delegation.Found found = Delegation.find(ProcCgroup.parse("0::/a\n"), CgroupMounts.parse(""), true, path -> true);
        assertEquals(Optional.empty(), found.cgroup());
    }

    @Test
    void systemdsMarkIsTrustedOrUserDelegateSetToOne() {
        Path cgroup = Path.of("/sys/fs/cgroup/a");
        assertTrue(Delegation.markedDelegated(cgroup, (path, name) -> Optional.ofNullable(
                Map.of("trusted.delegate", "1").get(name))));
        assertTrue(Delegation.markedDelegated(cgroup, (path, name) -> Optional.ofNullable(
                Map.of("user.delegate", "1").get(name))));
        assertEquals(false, Delegation.markedDelegated(cgroup, (path, name) -> Optional.ofNullable(
                Map.of("trusted.delegate", "0").get(name))));
    }

    @Test
    void theStartingWeightGivesTheShareNiceWould() {
        assertEquals(1024, CpuCgroup.Version.V1.servingWeight());
        assertEquals(110, CpuCgroup.Version.V1.startingWeight(10));
        assertEquals(1024, CpuCgroup.Version.V1.startingWeight(0));
        assertEquals(15, CpuCgroup.Version.V1.startingWeight(19));
        assertEquals(100, CpuCgroup.Version.V2.servingWeight());
        assertEquals(11, CpuCgroup.Version.V2.startingWeight(10));
        assertEquals(1, CpuCgroup.Version.V2.startingWeight(19), "cpu.weight is at least 1");
    }
}
