package dev.endlessd.agent;

import dev.endlessd.agent.hook.EmbeddedServers;
import dev.endlessd.agent.hook.HttpServerHooks;
import dev.endlessd.agent.jdk.LastShutdownHook;
import dev.endlessd.agent.socket.Adoptions;
import dev.endlessd.agent.socket.LingeringClose;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What SIGTERM starts in a worker that adopted a socket (in any other, nothing), before the JVM's own handler runs the
 * shutdown hooks (where Spring Boot's graceful shutdown lives): this process stops accepting at once
 * ({@link Adoptions#stopAccepting}), the servers without a graceful shutdown of their own are drained
 * here, within {@code ENDLESSD_DRAIN_TIMEOUT_MS} less a margin, and then the previous handler exits
 * the JVM as it would have.
 *
 * <p>A second SIGTERM (endlessd may send more than one) changes nothing. The handler runs on a thread
 * of its own that the JVM starts per signal.
 */
final class Drain implements SignalHandler {
    /** Time kept back from the drain budget for the JVM's own exit, before endlessd's SIGKILL. */
    private static final long EXIT_MARGIN_MILLIS = 1_000;

    private final long drainMillis;
    private final AtomicBoolean started = new AtomicBoolean();
    private SignalHandler previous;

    private Drain(long drainMillis) {
        this.drainMillis = drainMillis;
    }

    static void install(long drainMillis) {
        Drain drain = new Drain(drainMillis);
        try {
            drain.previous = Signal.handle(new Signal("TERM"), drain);
        } catch (IllegalArgumentException e) {
            Log.info("cannot handle SIGTERM (" + e.getMessage() + ", -Xrs?): this worker keeps accepting while it"
                    + " drains");
        }
    }

    @Override
    public void handle(Signal signal) {
        if (!started.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + Math.max(0, drainMillis - EXIT_MARGIN_MILLIS) * 1_000_000L;
        if (Adoptions.any()) {
            Adoptions.stopAccepting();
            long lingerDeadline = deadline;
            if (!LastShutdownHook.register(() -> LingeringClose.awaitClosed(lingerDeadline))) {
                Log.info("cannot make the JVM's exit wait for the connections it closes lingering: a request sent"
                        + " just as the JVM exits may see a reset");
            }
            if (HttpServerHooks.any()) {
                HttpServerHooks.drain(deadline);
            }
            if (EmbeddedServers.any()) {
                EmbeddedServers.drain(deadline);
            }
        }
        if (previous == SignalHandler.SIG_DFL || previous == SignalHandler.SIG_IGN || previous == null) {
            // SIG_DFL here means the JVM had no handler of its own (-Xrs): exit as the signal would have.
            System.exit(128 + signal.getNumber());
        } else {
            previous.handle(signal);
        }
    }
}
