package dev.endlessd.bench.service;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Reads one process's VmRSS at a fixed interval while load runs, and keeps the highest value. */
public final class RssSampler implements AutoCloseable {
    private static final Duration EVERY = Duration.ofMillis(250);

    private final AtomicLong maxKiB = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public RssSampler(long pid) {
        thread = new Thread(() -> {
            while (running) {
                ProcSample.read(pid).ifPresent(sample -> maxKiB.accumulateAndGet(sample.rssKiB(), Math::max));
                try {
                    Thread.sleep(EVERY.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** The highest VmRSS seen, in KiB. */
    public long maxKiB() {
        return maxKiB.get();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
