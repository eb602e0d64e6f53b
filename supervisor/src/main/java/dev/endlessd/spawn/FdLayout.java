package dev.endlessd.spawn;

import dev.endlessd.os.PosixSpawn.Dup2;
import dev.endlessd.socket.SystemdSockets;
import java.util.ArrayList;
import java.util.List;

/**
 * The dup2 steps that place the descriptors a worker inherits (its listening sockets, then its notify
 * client) at fd 3, 4, ... in the child.
 *
 * <p>The steps run in order inside the child. A source that already sits in the target range
 * would be overwritten by an earlier dup2 before it is copied, so every such source is first moved
 * above both the target range and all sources. Everything from {@link #firstUnusedFd()} upwards is
 * closed after the steps, which also drops the temporaries.
 */
public record FdLayout(List<Dup2> steps, int firstUnusedFd) {

    public FdLayout {
        steps = List.copyOf(steps);
    }

    /** Plans the steps that put {@code sources.get(i)} at fd {@code 3 + i}. */
    public static FdLayout of(List<Integer> sources) {
        int count = sources.size();
        int rangeEnd = SystemdSockets.FIRST_FD + count;
        int nextFree = rangeEnd;
        for (int source : sources) {
            if (source < 0) {
                throw new IllegalArgumentException("fd: " + source + " (expected: >= 0)");
            }
            nextFree = Math.max(nextFree, source + 1);
        }
        List<Dup2> steps = new ArrayList<>();
        List<Integer> placed = new ArrayList<>(sources);
        for (int i = 0; i < count; i++) {
            int source = placed.get(i);
            if (source >= SystemdSockets.FIRST_FD && source < rangeEnd) {
                steps.add(new Dup2(source, nextFree));
                placed.set(i, nextFree++);
            }
        }
        for (int i = 0; i < count; i++) {
            steps.add(new Dup2(placed.get(i), SystemdSockets.FIRST_FD + i));
        }
        return new FdLayout(steps, rangeEnd);
    }
}
