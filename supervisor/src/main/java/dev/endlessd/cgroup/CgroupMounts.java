package dev.endlessd.cgroup;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where the cgroup hierarchies endlessd cares about are mounted, as {@code /proc/self/mountinfo}
 * says: the v1 hierarchy that has the {@code cpu} controller, and the cgroup2 hierarchy.
 */
public record CgroupMounts(Optional<Path> v1Cpu, Optional<Path> unified) {

    /**
     * mountinfo lines read {@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS};
     * a v1 hierarchy names its controllers among its super options. Only mounts of a hierarchy's root
     * ({@code ROOT} is {@code /}) count: a bind mount of a subtree would shift every path.
     */
    public static CgroupMounts parse(String mountinfo) {
        Optional<Path> v1Cpu = Optional.empty();
        Optional<Path> unified = Optional.empty();
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.split(" ");
            int separator = Arrays.asList(fields).indexOf("-");
            if (separator < 6 || fields.length < separator + 4 || !fields[3].equals("/")) {
                continue;
            }
            Path mountPoint = Path.of(unescape(fields[4]));
            String type = fields[separator + 1];
            if (type.equals("cgroup2") && unified.isEmpty()) {
                unified = Optional.of(mountPoint);
            } else if (type.equals("cgroup") && v1Cpu.isEmpty()
                    && Arrays.asList(fields[separator + 3].split(",")).contains("cpu")) {
                v1Cpu = Optional.of(mountPoint);
            }
        }
        return new CgroupMounts(v1Cpu, unified);
    }

    /** mountinfo writes a space, tab, newline and backslash in a path as an octal escape. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
