package dev.endlessd.priority;

import dev.endlessd.os.Posix;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nice: the worker's shell runs under {@code nice -n STEPS} (see {@code ExecWrapper}). With the
 * kernel's autogroup on ({@code kernel.sched_autogroup_enabled}), tasks in the root cpu cgroup are
 * weighed session against session first, and a process's nice only counts against the threads of its
 * own session: the worker leads a session of its own, so its nice alone changes nothing against the
 * serving worker (measured: a 50/50 split at nice 10). The nice of its session's autogroup
 * ({@code /proc/PID/autogroup}) is what counts there, so that is lowered too.
 */
final class NiceLowering implements Lowering {
    private static final Logger log = LoggerFactory.getLogger(NiceLowering.class);

    private final int steps;
    private final int servingNiceness;
    private final boolean autogroup;
    private final int servingAutogroupNice;

    NiceLowering(int steps, int servingNiceness, boolean autogroup, int servingAutogroupNice) {
        this.steps = steps;
        this.servingNiceness = servingNiceness;
        this.autogroup = autogroup;
        this.servingAutogroupNice = servingAutogroupNice;
    }

    @Override
    public void prepare(String worker, long generation) {
        // nice runs in the worker itself
    }

    @Override
    public void lower(String worker, long generation, int pid) {
        if (autogroup) {
            setAutogroupNice(pid, servingAutogroupNice + steps).ifPresent(error -> log.warn("{}: cannot lower its"
                    + " session's CPU priority ({}): with autogroup on, its nice does not weigh against the serving"
                    + " worker", worker, error));
        }
    }

    @Override
    public boolean raise(String worker, long generation, int pid) {
        boolean raised = Posix.setGroupNiceness(pid, servingNiceness);
        if (!raised) {
            log.warn("{}: cannot give it back CPU priority {} ({}); it serves at the lower start-up priority", worker,
                    servingNiceness, Posix.describe(Posix.errno()));
        }
        Optional<String> error = autogroup ? setAutogroupNice(pid, servingAutogroupNice) : Optional.empty();
        if (error.isPresent()) {
            log.warn("{}: cannot give its session back CPU priority {} ({}); it serves at the lower start-up priority",
                    worker, servingAutogroupNice, error.get());
            raised = false;
        }
        return raised;
    }

    @Override
    public void gone(String worker, long generation) {
    }

    @Override
    public OptionalLong generationOf(int pid) {
        return OptionalLong.empty();
    }

    @Override
    public String describe() {
        return "nice +" + steps + (autogroup ? " (process and session autogroup)" : "");
    }

    /** Whether the kernel groups tasks by session ({@code kernel.sched_autogroup_enabled=1}). */
    static boolean autogroupEnabled() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/sched_autogroup_enabled")).trim().equals("1");
        } catch (IOException e) {
            return false;
        }
    }

    /** The nice of this process's own autogroup ({@code /autogroup-123 nice 0}), 0 when unknown. */
    static int ownAutogroupNice() {
        try {
            String[] fields = Files.readString(Path.of("/proc/self/autogroup")).trim().split(" ");
            return Integer.parseInt(fields[fields.length - 1]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** @return why it failed, or empty */
    private static Optional<String> setAutogroupNice(int pid, int nice) {
        Path file = Path.of("/proc", Integer.toString(pid), "autogroup");
        try {
            Files.writeString(file, Integer.toString(Math.min(19, nice)));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(file + ": " + (e instanceof FileSystemException fs && fs.getReason() != null
                    ? fs.getReason() : e.toString()));
        }
    }
}
