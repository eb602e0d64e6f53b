package dev.endlessd.daemon;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Records what the supervisor asks of the process table, and fails when a test tells it to. */
final class FakeStarter implements WorkerStarter {
    final List<Worker> started = new ArrayList<>();
    final List<Worker> released = new ArrayList<>();
    final List<Worker> promoted = new ArrayList<>();
    final List<int[]> signals = new ArrayList<>();
    final List<Integer> groupSignals = new ArrayList<>();
    final Set<Integer> liveGroups = new HashSet<>();
    /** Thrown by the next start, then cleared: an IOException, a RuntimeException or an Error. */
    Throwable failNextStart;
    /** Thrown by every call to ready. */
    RuntimeException failReady;
    private int nextPid = 1000;

    @Override
    public int start(Worker worker, WorkerEvents events) throws IOException {
        Throwable failure = failNextStart;
        failNextStart = null;
        if (failure instanceof IOException e) {
            throw e;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        }
        started.add(worker);
        return nextPid++;
    }

    @Override
    public boolean signal(Worker worker, int signal, boolean wholeGroup) {
        if (worker.pid() < 1) {
            throw new IllegalArgumentException("pid: " + worker.pid() + " (expected: > 0)");
        }
        if (signal == 0) {
            return wholeGroup ? liveGroups.contains(worker.pid()) : worker.alive();
        }
        signals.add(new int[] {worker.pid(), signal});
        if (wholeGroup) {
            groupSignals.add(worker.pid());
        }
        return true;
    }

    @Override
    public void ready(Worker worker) {
        promoted.add(worker);
        if (failReady != null) {
            throw failReady;
        }
    }

    @Override
    public void release(Worker worker) {
        released.add(worker);
    }

    @Override
    public void adopt(Worker worker, int notifyFd, String notifyPath, WorkerEvents events) {
        started.add(worker);
    }

    @Override
    public java.util.Optional<NotifyEnd> notifySocket(Worker worker) {
        return java.util.Optional.of(new NotifyEnd(100 + (int) worker.generation(), "/run/notify-" + worker.generation()));
    }

    Worker last() {
        return started.get(started.size() - 1);
    }

    List<Integer> signalsTo(Worker worker) {
        return signals.stream().filter(s -> s[0] == worker.pid()).map(s -> s[1]).toList();
    }
}
