package dev.endlessd.daemon;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's single thread: a Netty event loop on which every event and every timer runs.
 *
 * <p>Anything an event throws is logged as an error that names the event. Netty's own task runner
 * would only warn, without saying which event it was, and carry on; the supervisor carries on too,
 * because it checks each event before it changes anything (see {@link Supervisor#handle}) and
 * contains what its collaborators throw, so an escaping exception is a bug to report, not a state
 * left half-changed.
 *
 * <p>{@link #execute} may be called from any thread; everything else on the loop itself.
 */
public final class SupervisorThread implements Timers {
    private static final Logger log = LoggerFactory.getLogger(SupervisorThread.class);

    private final EventLoop loop;

    public SupervisorThread(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Runs {@code event} on the supervisor's thread.
     *
     * @param what names the event in the log should it throw, e.g. "SIGHUP"
     * @throws java.util.concurrent.RejectedExecutionException when the loop has shut down
     */
    public void execute(String what, Runnable event) {
        loop.execute(() -> run(what, event));
    }

    /** Runs {@code event} now, on the loop, with the same guard as {@link #execute}. */
    void run(String what, Runnable event) {
        try {
            event.run();
        } catch (RuntimeException | Error e) {
            log.error("unexpected failure while handling {}; endlessd carries on (please report this)", what, e);
        }
    }

    EventLoop loop() {
        return loop;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Timer schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = loop.schedule(() -> run("a timer", task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }
}
