package dev.endlessd.socket;

import java.io.IOException;

/** A listener could not be bound or adopted; the message names the address, the cause and the fix. */
public final class ListenException extends IOException {
    private static final long serialVersionUID = 1L;

    public ListenException(String message) {
        super(message);
    }
}
