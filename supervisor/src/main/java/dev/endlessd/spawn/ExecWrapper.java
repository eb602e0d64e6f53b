package dev.endlessd.spawn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the worker's shell execs before the command itself: util-linux {@code setpriv}, which sets
 * the parent-death signal (so workers drain and exit if endlessd is killed outright) and, with
 * {@code --user}, drops to that user. It execs in turn, so the worker keeps the shell's pid.
 *
 * <p>Why not in the spawn itself: {@code posix_spawn} can neither set a parent-death signal nor
 * change the user. The signal is tied to the thread that spawned the worker, the supervisor's event
 * loop, which lives as long as the daemon.
 */
public record ExecWrapper(List<String> words) {
    private static final List<Path> USUAL_PLACES = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    public ExecWrapper {
        words = List.copyOf(words);
    }

    public static ExecWrapper none() {
        return new ExecWrapper(List.of());
    }

    public static ExecWrapper setpriv(Path setpriv, Optional<RunAs> user) {
        List<String> words = new ArrayList<>(List.of(setpriv.toString(), "--pdeathsig", "TERM"));
        user.ifPresent(runAs -> words.addAll(List.of("--reuid=" + runAs.uid(), "--regid=" + runAs.gid(), "--init-groups")));
        words.add("--");
        return new ExecWrapper(words);
    }

    /** Finds {@code setpriv} in the usual places or on {@code PATH}. */
    public static Optional<Path> findSetpriv(Map<String, String> environment) {
        List<Path> candidates = new ArrayList<>(USUAL_PLACES);
        String path = environment.getOrDefault("PATH", "");
        for (String directory : path.split(":")) {
            if (!directory.isEmpty()) {
                candidates.add(Path.of(directory, "setpriv"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }
}
