package dev.endlessd.it;

/** The signals the tests send, by number (Linux). */
public final class Signals {
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private Signals() {
    }
}
