package dev.endlessd.spawn;

/**
 * How a child ended, decoded from a {@code waitpid} status word (Linux encoding; jnr-posix has no
 * {@code WIFEXITED} helpers).
 */
public record ExitStatus(int code, int signal, boolean coreDumped) {

    private static final int SHELL_COMMAND_NOT_FOUND = 127;
    private static final int SHELL_COMMAND_NOT_EXECUTABLE = 126;

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0, false);
    }

    public static ExitStatus killed(int signal) {
        return new ExitStatus(-1, signal, false);
    }

    public static ExitStatus decode(int status) {
        int termSignal = status & 0x7f;
        if (termSignal == 0) {
            return exited((status >> 8) & 0xff);
        }
        return new ExitStatus(-1, termSignal, (status & 0x80) != 0);
    }

    public boolean exited() {
        return signal == 0;
    }

    public boolean success() {
        return exited() && code == 0;
    }

    /** Reads like "exit status 1", "killed by SIGKILL", with the shell's hint for 126 and 127. */
    @Override
    public String toString() {
        if (exited()) {
            return switch (code) {
                case SHELL_COMMAND_NOT_FOUND -> "exit status 127 (command not found)";
                case SHELL_COMMAND_NOT_EXECUTABLE -> "exit status 126 (command not executable)";
                default -> "exit status " + code;
            };
        }
        return "killed by " + Signals.name(signal) + (coreDumped ? " (core dumped)" : "");
    }
}
