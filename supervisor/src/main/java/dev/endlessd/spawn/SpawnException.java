package dev.endlessd.spawn;

import java.io.IOException;

/** The kernel refused to start a process (e.g. out of memory or process-count limits). */
public final class SpawnException extends IOException {
    private static final long serialVersionUID = 1L;

    public SpawnException(String message) {
        super(message);
    }
}
