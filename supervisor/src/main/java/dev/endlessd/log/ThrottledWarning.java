package dev.endlessd.log;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * One kind of warning that a sender can provoke at will: the first is logged whole, the ones that
 * follow within {@link #WINDOW} are only counted, and the count is logged when the window ends (and
 * the window goes on while they keep coming). A flood thus costs a counter increment per event and a
 * line per window, not a line per event. Confined to the event loop.
 */
public final class ThrottledWarning {
    public static final Duration WINDOW = Duration.ofSeconds(10);

    private final Logger log;
    private final EventLoop loop;
    private final Object owner;
    private final String what;
    private int suppressed;
    private ScheduledFuture<?> window;

    /**
     * @param owner named at the start of the count line (its {@code toString}, e.g. "gen=2 pid=4242")
     * @param what  what is counted, plural ("malformed notify messages")
     */
    public ThrottledWarning(Logger log, EventLoop loop, Object owner, String what) {
        this.log = log;
        this.loop = loop;
        this.owner = owner;
        this.what = what;
    }

    /** Logs this warning unless one was logged within the window; then it is only counted. */
    public void warn(String format, Object... arguments) {
        if (window != null) {
            suppressed++;
            return;
        }
        log.warn(format, arguments);
        window = loop.schedule(this::windowEnded, WINDOW.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Logs what is still counted and stops the window. */
    public void close() {
        if (window != null) {
            window.cancel(false);
            window = null;
        }
        reportSuppressed();
    }

    private void windowEnded() {
        window = null;
        if (reportSuppressed()) {
            window = loop.schedule(this::windowEnded, WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private boolean reportSuppressed() {
        if (suppressed == 0) {
            return false;
        }
        log.warn("{}: {} more {} (logged once per {}s: only the first is shown whole)", owner, suppressed, what,
                WINDOW.toSeconds());
        suppressed = 0;
        return true;
    }
}
