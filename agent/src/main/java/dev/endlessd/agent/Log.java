package dev.endlessd.agent;

/**
 * The agent's log: one line per decision on stderr, where the worker's own output goes (and so
 * endlessd's journal), each starting with {@code endlessd-agent: } and naming the instance,
 * generation and pid, so {@code grep 'gen=7 '} finds them beside endlessd's own lines.
 *
 * <p>Thread-safe: {@link java.io.PrintStream#println(String)} writes a line at once.
 */
public final class Log {
    private static volatile String prefix = "endlessd-agent: ";

    private Log() {
    }

    static void identify(String name, String generation, long pid) {
        prefix = "endlessd-agent: [" + name + "] gen=" + generation + " pid=" + pid + " ";
    }

    public static void info(String message) {
        System.err.println(prefix + message);
    }
}
