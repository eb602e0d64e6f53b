package dev.endlessd.spawn;

/**
 * How a child ended, decoded from a {@code waitpid} status word (Linux encoding).
 *
 * @param code   the exit code, or -1 when it did not exit on its own
 * @param signal the signal that killed it, 0 when it exited, or -1 when the status is unknown
 */
public record ExitStatus(int code, int signal, boolean coreDumped) {

    private static final int SHELL_COMMAND_NOT_FOUND = 127;
    private static final int SHELL_COMMAND_NOT_EXECUTABLE = 126;

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0, false);
    }

    /** The child is gone, but waiting for it failed, so how it ended is not known. */
    public static ExitStatus unknown() {
        return new ExitStatus(-1, -1, false);
    }

    public static ExitStatus decode(int status) {
        int termSignal = status & 0x7f;
        if (termSignal == 0) {
            return exited((status >> 8) & 0xff);
        }
        return new ExitStatus(-1, termSignal, (status & 0x80) != 0);
    }

    /** Whether the shell reported that the command could not be run at all (127 not found, 126 not executable). */
    public boolean commandNotRun() {
        return signal == 0 && (code == SHELL_COMMAND_NOT_FOUND || code == SHELL_COMMAND_NOT_EXECUTABLE);
    }

    /** Reads like "exit status 1", "killed by SIGKILL", with the shell's hint for 126 and 127. */
    @Override
    public String toString() {
        if (signal < 0) {
            return "an unknown status (waiting for it failed)";
        }
        if (signal == 0) {
            return switch (code) {
                case SHELL_COMMAND_NOT_FOUND -> "exit status 127 (command not found)";
                case SHELL_COMMAND_NOT_EXECUTABLE -> "exit status 126 (command not executable)";
                default -> "exit status " + code;
            };
        }
        return "killed by " + Signals.name(signal) + (coreDumped ? " (core dumped)" : "");
    }
}
