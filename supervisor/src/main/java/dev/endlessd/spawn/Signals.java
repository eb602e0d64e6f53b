package dev.endlessd.spawn;

/** Signal numbers endlessd sends or reports, on Linux. */
public final class Signals {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private Signals() {
    }

    public static String name(int signal) {
        jnr.constants.platform.Signal known = jnr.constants.platform.Signal.valueOf(signal);
        return known.defined() ? known.name() : "signal " + signal;
    }
}
