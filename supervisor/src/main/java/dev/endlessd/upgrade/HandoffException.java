package dev.endlessd.upgrade;

/** A handoff state that cannot be taken over, with the reason and what to do about it. */
public final class HandoffException extends Exception {
    private static final long serialVersionUID = 1L;

    public HandoffException(String message) {
        super(message);
    }

    public HandoffException(String message, Throwable cause) {
        super(message, cause);
    }
}
