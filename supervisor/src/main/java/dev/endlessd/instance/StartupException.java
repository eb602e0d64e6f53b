package dev.endlessd.instance;

/** The daemon cannot start; the message says what to change. Nothing was left running. */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
