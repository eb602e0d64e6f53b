package dev.endlessd.cgroup;

import java.nio.file.Path;

/**
 * The cgroup endlessd puts its generations under, and the CPU weight files of the hierarchy it is in.
 *
 * @param version   cgroup v1 (the {@code cpu} hierarchy, {@code cpu.shares}) or v2 ({@code cpu.weight})
 * @param hierarchy where the hierarchy is mounted
 * @param directory the delegated cgroup, under {@code hierarchy}: each generation gets a child {@code gen-N} in it
 */
public record CpuCgroup(Version version, Path hierarchy, Path directory) {

    /** Weights of nice 0 to 19, as the kernel's {@code sched_prio_to_weight} has them: a step is about 1.25x. */
    private static final int[] NICE_WEIGHTS = {1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
            110, 87, 70, 56, 45, 36, 29, 23, 18, 15};

    public enum Version {
        V1("cpu.shares", 1024, 2),
        V2("cpu.weight", 100, 1);

        private final String weightFile;
        private final long defaultWeight;
        private final long minimumWeight;

        Version(String weightFile, long defaultWeight, long minimumWeight) {
            this.weightFile = weightFile;
            this.defaultWeight = defaultWeight;
            this.minimumWeight = minimumWeight;
        }

        public String weightFile() {
            return weightFile;
        }

        /** A new cgroup's weight, the one a serving generation keeps. */
        public long servingWeight() {
            return defaultWeight;
        }

        /**
         * The weight that gives a generation against a serving one the share nice {@code steps} would give
         * a process against one at nice 0, so that {@code --startup-nice} means the same with either mechanism.
         */
        public long startingWeight(int steps) {
            if (steps < 0 || steps >= NICE_WEIGHTS.length) {
                throw new IllegalArgumentException("steps: " + steps + " (expected: 0 to 19)");
            }
            return Math.max(minimumWeight, Math.round((double) defaultWeight * NICE_WEIGHTS[steps] / NICE_WEIGHTS[0]));
        }
    }

    /** The directory of a cgroup path as {@code /proc/PID/cgroup} gives it. */
    public Path directoryOf(String path) {
        return path.equals("/") ? hierarchy : hierarchy.resolve(path.substring(1));
    }

    public Path weightFile(Path cgroup) {
        return cgroup.resolve(version.weightFile());
    }

    @Override
    public String toString() {
        return directory + " (cgroup " + version.name().toLowerCase(java.util.Locale.ROOT) + ", " + version.weightFile() + ")";
    }
}
