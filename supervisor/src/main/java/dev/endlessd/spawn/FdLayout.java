package dev.endlessd.spawn;

import dev.endlessd.os.PosixSpawn.Dup2;
import dev.endlessd.socket.SystemdSockets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The dup2 steps that place the descriptors a worker inherits (its listening sockets, then its notify
 * client) at fd 3, 4, ... in the child, and, when its output is relayed, its own stdout and stderr at
 * fd 1 and 2.
 *
 * <p>The steps run in order inside the child. A source that already sits at a target would be
 * overwritten by an earlier dup2 before it is copied, so every such source is first moved above all
 * targets and all sources. Everything from {@link #firstUnusedFd()} upwards is closed after the
 * steps, which also drops the temporaries.
 */
public record FdLayout(List<Dup2> steps, int firstUnusedFd) {

    public FdLayout {
        steps = List.copyOf(steps);
    }

    /** Plans the steps that put {@code sources.get(i)} at fd {@code 3 + i}. */
    public static FdLayout of(List<Integer> sources) {
        return of(sources, OptionalInt.empty(), OptionalInt.empty());
    }

    /** Plans the steps that put {@code sources.get(i)} at fd {@code 3 + i}, and {@code stdout}, {@code stderr} at 1, 2. */
    public static FdLayout of(List<Integer> sources, OptionalInt stdout, OptionalInt stderr) {
        Map<Integer, Integer> wanted = new LinkedHashMap<>();
        stdout.ifPresent(fd -> wanted.put(1, fd));
        stderr.ifPresent(fd -> wanted.put(2, fd));
        for (int i = 0; i < sources.size(); i++) {
            wanted.put(SystemdSockets.FIRST_FD + i, sources.get(i));
        }
        int rangeEnd = SystemdSockets.FIRST_FD + sources.size();
        int nextFree = rangeEnd;
        for (int source : wanted.values()) {
            if (source < 0) {
                throw new IllegalArgumentException("fd: " + source + " (expected: >= 0)");
            }
            nextFree = Math.max(nextFree, source + 1);
        }
        List<Dup2> steps = new ArrayList<>();
        Map<Integer, Integer> movedTo = new HashMap<>();
        for (int source : wanted.values()) {
            if (wanted.containsKey(source) && !movedTo.containsKey(source)) {
                steps.add(new Dup2(source, nextFree));
                movedTo.put(source, nextFree++);
            }
        }
        wanted.forEach((target, source) -> steps.add(new Dup2(movedTo.getOrDefault(source, source), target)));
        return new FdLayout(steps, rangeEnd);
    }
}
