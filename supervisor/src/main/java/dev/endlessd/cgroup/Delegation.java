package dev.endlessd.cgroup;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Whether endlessd may put its generations in cgroups of their own, and where: only under the cgroup
 * it was started in, and only when that one was delegated to it. endlessd never writes into a cgroup it
 * does not own: the root cgroup is the host's, a systemd unit's cgroup without {@code Delegate=} is
 * systemd's.
 *
 * <p>Evidence of a delegation: systemd (251 and later) marks a delegated cgroup with the extended
 * attribute {@code trusted.delegate} (or {@code user.delegate}, for a user's manager) on the cgroup2
 * hierarchy, also when the {@code cpu} controller sits on a v1 hierarchy (a "hybrid" layout: the unit
 * then has the same path there). Without that mark only an explicit {@code --startup-cpu=cgroup} uses
 * the cgroup.
 *
 * <p>In a hybrid layout the mark alone is not enough: systemd marks the unit's cgroup2 directory even
 * when it made the unit no cgroup in the v1 {@code cpu} hierarchy (measured with systemd 252 in
 * {@code systemd-nspawn}, which mounts the v1 controllers read-only), and endlessd is then in a cpu
 * cgroup shared with others, or in the container's root.
 */
public final class Delegation {
    /** The leaf endlessd moves itself into on cgroup v2, where a cgroup with children may hold no process. */
    public static final String SUPERVISOR_LEAF = "supervisor";

    private Delegation() {
    }

    /** The outcome: the cgroup to use, or why there is none; {@code why} is told in the log either way. */
    public record Found(Optional<CpuCgroup> cgroup, String why) {
        static Found none(String why) {
            return new Found(Optional.empty(), why);
        }
    }

    /**
     * @param procSelfCgroup endlessd's {@code /proc/self/cgroup}
     * @param explicit       the user asked for cgroups ({@code --startup-cpu=cgroup}): no mark is needed
     * @param delegated      whether a cgroup2 directory carries systemd's delegation mark
     */
    public static Found find(ProcCgroup procSelfCgroup, CgroupMounts mounts, boolean explicit,
                             Predicate<Path> delegated) {
        Optional<String> v1 = procSelfCgroup.v1("cpu");
        Optional<String> unified = procSelfCgroup.unified();
        CpuCgroup cgroup;
        Optional<Path> markedDirectory;
        String path;
        if (mounts.v1Cpu().isPresent() && v1.isPresent()) {
            path = v1.get();
            cgroup = new CpuCgroup(CpuCgroup.Version.V1, mounts.v1Cpu().get(), under(mounts.v1Cpu().get(), path));
            markedDirectory = mounts.unified().flatMap(mount -> unified.filter(v1.get()::equals)
                    .map(same -> under(mount, same)));
        } else if (mounts.unified().isPresent() && unified.isPresent()) {
            path = unified.get();
            // After an upgrade's exec endlessd is still in the leaf it moved itself into.
            if (path.endsWith("/" + SUPERVISOR_LEAF)) {
                path = path.length() == SUPERVISOR_LEAF.length() + 1 ? "/"
                        : path.substring(0, path.length() - SUPERVISOR_LEAF.length() - 1);
            }
            cgroup = new CpuCgroup(CpuCgroup.Version.V2, mounts.unified().get(), under(mounts.unified().get(), path));
            markedDirectory = Optional.of(cgroup.directory());
        } else {
            return Found.none("no cgroup hierarchy with the cpu controller is mounted");
        }
        Optional<Path> unifiedDirectory = mounts.unified().flatMap(mount -> unified.map(own -> under(mount, own)));
        if (cgroup.version() == CpuCgroup.Version.V1 && markedDirectory.isEmpty() && !explicit
                && unified.filter(own -> !own.equals("/")).isPresent() && unifiedDirectory.filter(delegated).isPresent()) {
            return Found.none("its cgroup " + unifiedDirectory.get() + " is delegated to it, but in the cpu controller's"
                    + " cgroup v1 hierarchy it is in " + cgroup.directory() + ", not in a cgroup of its unit: systemd made"
                    + " the unit no cpu cgroup (it manages cpu on cgroup v1 only where it can write the cpu and cpuacct"
                    + " hierarchies; a container's are often read-only)");
        }
        if (path.equals("/")) {
            return Found.none("endlessd runs in the root cgroup, which belongs to the host, not to endlessd (start it"
                    + " in a cgroup of its own: a systemd unit with Delegate=yes)");
        }
        if (markedDirectory.filter(delegated).isPresent()) {
            return new Found(Optional.of(cgroup), "its cgroup " + cgroup.directory() + " is delegated to it");
        }
        if (explicit) {
            return new Found(Optional.of(cgroup), "its cgroup " + cgroup.directory()
                    + " is taken as delegated to it, without a service manager's mark");
        }
        return Found.none("its cgroup " + cgroup.directory() + " was not delegated to it (systemd's Delegate=yes marks"
                + " it; --startup-cpu=cgroup uses it anyway)");
    }

    /** systemd's marks, as the extended attributes it sets on a delegated cgroup. */
    public static boolean markedDelegated(Path directory, BiFunction<Path, String, Optional<String>> attribute) {
        return attribute.apply(directory, "trusted.delegate").filter("1"::equals).isPresent()
                || attribute.apply(directory, "user.delegate").filter("1"::equals).isPresent();
    }

    private static Path under(Path mount, String path) {
        return path.equals("/") ? mount : mount.resolve(path.substring(1));
    }
}
