package dev.endlessd.instance;

import dev.endlessd.cgroup.CgroupMounts;
import dev.endlessd.cgroup.Delegation;
import dev.endlessd.cgroup.GenerationCgroups;
import dev.endlessd.cgroup.ProcCgroup;
import dev.endlessd.os.Posix;
import dev.endlessd.priority.StartupCpu;
import dev.endlessd.priority.StartupPriority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses how new workers get less CPU ({@code --startup-cpu}, {@code --startup-nice}) and says in
 * one log line which mechanism and why. Called once, at the start, before the supervisor's thread runs.
 */
final class StartupCpuChoice {
    private static final Logger log = LoggerFactory.getLogger(StartupCpuChoice.class);

    private StartupCpuChoice() {
    }

    /** The mechanism taken, if any, and in words which and why, as the log and {@code status} say it. */
    record Choice(Optional<StartupPriority> priority, String description) {
    }

    /**
     * @param carried the generations an upgrade carried over, whose cgroups stay
     * @throws StartupException when {@code --startup-cpu=cgroup} was asked for and cannot be had
     */
    static Choice choose(StartupCpu mode, int steps, long selfPid, Set<Long> carried, ScheduledExecutorService timers)
            throws StartupException {
        if (mode == StartupCpu.OFF || steps == 0) {
            String why = mode == StartupCpu.OFF ? "--startup-cpu=off" : "--startup-nice=0";
            log.info("new workers start with the serving worker's CPU share ({})", why);
            return new Choice(Optional.empty(), "off (" + why + ")");
        }
        String noCgroup = "";
        if (mode != StartupCpu.NICE) {
            Delegation.Found found = find(mode == StartupCpu.CGROUP);
            try {
                if (found.cgroup().isEmpty()) {
                    throw new IOException(found.why());
                }
                StartupPriority cgroups = StartupPriority.cgroups(GenerationCgroups.open(found.cgroup().get(), selfPid),
                        steps, carried, timers);
                return chosen(cgroups, "--startup-cpu=" + mode + ": " + found.why());
            } catch (IOException e) {
                if (mode == StartupCpu.CGROUP) {
                    throw new StartupException("--startup-cpu=cgroup: " + e.getMessage()
                            + " (--startup-cpu=nice or auto starts without cgroups)", e);
                }
                noCgroup = ", as no cgroup can be used: " + e.getMessage();
            }
        }
        return chosen(StartupPriority.nice(steps, Posix.niceness(), timers), "--startup-cpu=" + mode + noCgroup);
    }

    private static Choice chosen(StartupPriority priority, String why) {
        String description = priority.describe() + " (" + why + ")";
        log.info("new workers start with less CPU: {}", description);
        return new Choice(Optional.of(priority), description);
    }

    private static Delegation.Found find(boolean explicit) {
        try {
            return Delegation.find(ProcCgroup.parse(Files.readString(Path.of("/proc/self/cgroup"))),
                    CgroupMounts.parse(Files.readString(Path.of("/proc/self/mountinfo"))), explicit,
                    directory -> Delegation.markedDelegated(directory, Posix::extendedAttribute));
        } catch (IOException e) {
            return new Delegation.Found(Optional.empty(), "cannot read its own cgroups: " + e.getMessage());
        }
    }
}
