package dev.endlessd.spawn;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Everything a worker process is started with.
 *
 * @param argv        program and arguments; {@code argv[0]} is an absolute path
 * @param environment the complete environment of the child
 * @param passedFds   fds in this process that become fd 3, 4, ... in the child: the listeners, then the
 *                    worker's notify client
 * @param stdout      the fd that becomes the child's fd 1; empty: it inherits ours
 * @param stderr      the fd that becomes the child's fd 2; empty: it inherits ours
 */
public record SpawnRequest(List<String> argv, Map<String, String> environment, List<Integer> passedFds,
                           OptionalInt stdout, OptionalInt stderr) {
    /** A child that inherits our stdout and stderr. */
    public SpawnRequest(List<String> argv, Map<String, String> environment, List<Integer> passedFds) {
        this(argv, environment, passedFds, OptionalInt.empty(), OptionalInt.empty());
    }

    public SpawnRequest {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        passedFds = List.copyOf(passedFds);
        if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
            throw new IllegalArgumentException("argv: " + argv + " (expected: an absolute program path first)");
        }
    }
}
