package dev.endlessd.spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programs a worker runs before its shell, each exec'ing the next and the last the shell, so
 * the worker keeps one pid throughout: a shell that joins the generation's cgroup, or coreutils
 * {@code nice}, so a starting worker yields the CPU to the one serving, and util-linux
 * {@code setpriv}, which drops to the {@code --user}.
 *
 * <p>Why not in the spawn itself: {@code posix_spawn} can set neither. No parent-death signal
 * either: it is tied to the spawning thread, which an upgrade's exec ends; the guard
 * ({@code dev.endlessd.guard}) stops the workers should endlessd die.
 *
 * @param words          the programs and their arguments, in order
 * @param lowersPriority whether {@code nice} is among them, so that a ready worker's priority must be given back
 */
public record ExecWrapper(List<String> words, boolean lowersPriority) {
    private static final Logger log = LoggerFactory.getLogger(ExecWrapper.class);

    public ExecWrapper {
        words = List.copyOf(words);
    }

    /**
     * The wrappers workers get on this machine: {@code nice} when {@code startupNice} is above 0 and
     * coreutils is there, then {@code setpriv}, which {@code --user} cannot do without. A missing
     * wrapper that is not needed is logged as what the workers go without.
     *
     * @param cgroups     where each generation's cgroup is made, when generations get one
     * @param environment endlessd's own, whose {@code PATH} is searched too
     * @throws IOException when {@code user} is given and setpriv is missing
     */
    public static ExecWrapper forWorkers(int startupNice, Optional<Path> cgroups, Optional<RunAs> user,
                                         Map<String, String> environment) throws IOException {
        ExecWrapper wrapper = cgroups.map(ExecWrapper::joinCgroup).orElse(none());
        if (startupNice > 0) {
            Optional<Path> nice = find("nice", environment);
            if (nice.isPresent()) {
                wrapper = wrapper.nice(nice.get(), startupNice);
            } else {
                log.warn("nice (coreutils) not found: new workers start at full CPU priority");
            }
        }
        if (user.isEmpty()) {
            return wrapper;
        }
        Optional<Path> setpriv = find("setpriv", environment);
        if (setpriv.isEmpty()) {
            throw new IOException("--user needs setpriv from util-linux, which is not installed");
        }
        return wrapper.setpriv(setpriv.get(), user.get());
    }

    public static ExecWrapper none() {
        return new ExecWrapper(List.of(), false);
    }

    /**
     * First the shell joins its generation's cgroup, {@code CGROUPS/gen-$ENDLESSD_GENERATION}, which
     * endlessd made for it, and then exec's the rest: as root, before {@code setpriv} drops to a user
     * who could not, and before anything the command forks. Without that cgroup (endlessd could not
     * make it, and said why) the worker runs in endlessd's.
     */
    private static ExecWrapper joinCgroup(Path cgroups) {
        String script = "procs=\"$0/gen-$" + WorkerEnvironment.GENERATION + "/cgroup.procs\";"
                + " if [ -f \"$procs\" ]; then echo $$ > \"$procs\"; fi; exec \"$@\"";
        return new ExecWrapper(List.of(WorkerCommand.SHELL, "-c", script, cgroups.toString()), false);
    }

    /** Then {@code nice -n INCREMENT}: the rest runs at a lower CPU priority. */
    public ExecWrapper nice(Path nice, int increment) {
        return new ExecWrapper(then(List.of(nice.toString(), "-n", Integer.toString(increment))), true);
    }

    /** Then {@code setpriv --reuid --regid --init-groups --}. */
    public ExecWrapper setpriv(Path setpriv, RunAs user) {
        List<String> words = new ArrayList<>(List.of(setpriv.toString(),
                "--reuid=" + user.uid(), "--regid=" + user.gid(), "--init-groups", "--"));
        return new ExecWrapper(then(words), lowersPriority);
    }

    private List<String> then(List<String> more) {
        List<String> all = new ArrayList<>(words);
        all.addAll(more);
        return all;
    }

    /** Finds {@code program} in /usr/bin, /bin or on {@code PATH}. */
    public static Optional<Path> find(String program, Map<String, String> environment) {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin", program), Path.of("/bin", program)));
        for (String directory : environment.getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty()) {
                candidates.add(Path.of(directory, program));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }
}
