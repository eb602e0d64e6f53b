package dev.endlessd.spawn;

import java.util.List;
import java.util.Map;

/**
 * Everything a worker process is started with.
 *
 * @param argv        program and arguments; {@code argv[0]} is an absolute path
 * @param environment the complete environment of the child
 * @param passedFds   fds in this process that become fd 3, 4, ... in the child: the listeners, then the
 *                    worker's notify client
 */
public record SpawnRequest(List<String> argv, Map<String, String> environment, List<Integer> passedFds) {
    public SpawnRequest {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        passedFds = List.copyOf(passedFds);
        if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
            throw new IllegalArgumentException("argv: " + argv + " (expected: an absolute program path first)");
        }
    }
}
