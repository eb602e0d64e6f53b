package dev.endlessd.agent.hook;

/**
 * How a draining worker tells busy keep-alive connections from idle ones. Once the drain started,
 * every reply says {@code Connection: close}, so each busy client leaves after one more request (to a
 * new connection, which only the new worker accepts); what is still open once no reply went out for
 * {@link #IDLE_NANOS} is idle, and closing it then falls between requests.
 *
 * <p>Thread-safe: replies are counted from any server thread.
 */
public final class Quiet {
    static final long IDLE_NANOS = 1_000_000_000L;
    private static volatile long lastReplyNanos = System.nanoTime();

    private Quiet() {
    }

    /** A draining server sends a reply. */
    public static void replied() {
        lastReplyNanos = System.nanoTime();
    }

    /**
     * Waits until no reply went out for a second, or {@code stillOpen} says nothing is left, or the
     * deadline came. The wait starts counting at the call.
     */
    public static void await(long deadlineNanos, java.util.function.BooleanSupplier stillOpen) {
        lastReplyNanos = System.nanoTime();
        try {
            while (stillOpen.getAsBoolean() && System.nanoTime() < deadlineNanos
                    && System.nanoTime() - lastReplyNanos < IDLE_NANOS) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
