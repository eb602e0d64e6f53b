package dev.endlessd.daemon;

import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/** Timers that fire only when the test moves the clock, and refuse to be armed when told to. */
final class ManualTimers implements Timers {
    private record Scheduled(long dueNanos, long sequence, Runnable task, boolean[] cancelled) {
    }

    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
            Comparator.comparingLong(Scheduled::dueNanos).thenComparingLong(Scheduled::sequence));
    private long now = 1_000_000_000L;
    private long sequence;
    /** How many of the next schedule calls throw, as an event loop that is shutting down does. */
    int refuseNext;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        if (refuseNext > 0) {
            refuseNext--;
            throw new java.util.concurrent.RejectedExecutionException("event executor terminated");
        }
        boolean[] cancelled = {false};
        queue.add(new Scheduled(now + delay.toNanos(), sequence++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** How many armed timers have not fired and were not cancelled. */
    long pending() {
        return queue.stream().filter(scheduled -> !scheduled.cancelled()[0]).count();
    }

    void advance(Duration duration) {
        long until = now + duration.toNanos();
        while (!queue.isEmpty() && queue.peek().dueNanos() <= until) {
            Scheduled next = queue.poll();
            now = next.dueNanos();
            if (!next.cancelled()[0]) {
                next.task().run();
            }
        }
        now = until;
    }
}
