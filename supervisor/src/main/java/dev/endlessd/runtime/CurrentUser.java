package dev.endlessd.runtime;

import jnr.posix.POSIXFactory;

/** The real uid of this process. */
public final class CurrentUser {
    private CurrentUser() {
    }

    public static int uid() {
        return POSIXFactory.getNativePOSIX().getuid();
    }
}
