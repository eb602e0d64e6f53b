package dev.endlessd.priority;

import dev.endlessd.cgroup.GenerationCgroups;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cgroup weight: each generation's cgroup is made before its worker starts, with the starting
 * weight, and the worker joins it before it runs the command; READY gives the cgroup the serving
 * weight. A generation's cgroup goes once it is empty: a process a worker left behind (a daemonizing
 * server's double fork) keeps it, and it is removed once that process is gone too.
 */
final class CgroupLowering implements Lowering {
    private static final Logger log = LoggerFactory.getLogger(CgroupLowering.class);

    private final GenerationCgroups cgroups;
    private final long startingWeight;
    private final long servingWeight;
    /** Generations whose workers are gone but whose cgroups still hold processes. */
    private final Set<Long> lingering = new TreeSet<>();

    CgroupLowering(GenerationCgroups cgroups, int steps) {
        this.cgroups = cgroups;
        this.startingWeight = cgroups.cgroup().version().startingWeight(steps);
        this.servingWeight = cgroups.cgroup().version().servingWeight();
    }

    @Override
    public void prepare(String worker, long generation) {
        removeLingering();
        try {
            cgroups.create(generation, startingWeight);
        } catch (IOException e) {
            log.warn("{}: no cgroup of its own ({}): it starts in endlessd's cgroup, at full CPU weight", worker,
                    e.getMessage());
        }
    }

    @Override
    public void lower(String worker, long generation, int pid) {
        // the worker joins its generation's cgroup, weighed already, before it runs the command
    }

    @Override
    public boolean raise(String worker, long generation, int pid) {
        try {
            cgroups.weigh(generation, servingWeight);
            return true;
        } catch (IOException e) {
            log.warn("{}: cannot give it the serving CPU weight ({}); it serves at the start-up weight", worker,
                    e.getMessage());
            return false;
        }
    }

    @Override
    public void gone(String worker, long generation) {
        remove(generation, worker);
        removeLingering();
    }

    /** At the start: the cgroups of generations an earlier endlessd left, that no carried worker is in. */
    void removeLeftovers(Set<Long> carried) {
        try {
            for (long generation : cgroups.existing()) {
                if (!carried.contains(generation)) {
                    remove(generation, "gen=" + generation + " (left by an earlier endlessd)");
                }
            }
        } catch (IOException e) {
            log.warn("cannot list the generation cgroups in {}: {}", cgroups.cgroup().directory(), e.getMessage());
        }
    }

    /** Removes the generation's cgroup, or keeps it in {@link #lingering} while processes hold it. */
    private void remove(long generation, String what) {
        try {
            if (cgroups.remove(generation)) {
                if (lingering.remove(generation)) {
                    log.info("{}: its cgroup {} is empty now, and removed", what, cgroups.of(generation));
                }
            } else if (lingering.add(generation)) {
                List<Integer> left = cgroups.members(generation);
                log.warn("{}: its cgroup {} still holds {} (processes it left behind); it is removed once they are"
                        + " gone", what, cgroups.of(generation), left);
            }
        } catch (IOException e) {
            lingering.remove(generation);
            log.warn("{}: cannot remove its cgroup {}: {}", what, cgroups.of(generation), e.getMessage());
        }
    }

    private void removeLingering() {
        for (long generation : List.copyOf(lingering)) {
            remove(generation, "gen=" + generation);
        }
    }

    @Override
    public OptionalLong generationOf(int pid) {
        return cgroups.generationOf(pid);
    }

    @Override
    public String describe() {
        return "cgroup " + cgroups.cgroup().version().weightFile() + " " + startingWeight + " of " + servingWeight
                + " in " + cgroups.cgroup().directory() + "/gen-N";
    }
}
