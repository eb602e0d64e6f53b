package dev.endlessd.control;

import java.io.IOException;

/** The control client could not get an answer; the message names the socket and the likely cause. */
public final class ControlException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why there is no answer. */
    public enum Problem {
        /** Nothing answers at the path: no daemon, a stale socket, or the daemon went away mid-request. */
        NO_DAEMON,
        /** The socket exists but this user may not use it. */
        DENIED,
        /** Something answered that is not the control protocol. */
        NOT_UNDERSTOOD,
        /** A process of another user answers at the socket: not a daemon we may believe. */
        UNTRUSTED
    }

    private final Problem problem;

    ControlException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
