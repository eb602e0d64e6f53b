package dev.endlessd.upgrade;

import dev.endlessd.os.Posix;
import dev.endlessd.os.SelfExec;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The handoff state on its way across the exec: an in-memory file whose descriptor the new program
 * inherits, named by {@link #VARIABLE} in its environment. The variable is taken out of the
 * environment endlessd passes on, so no worker ever sees it.
 */
public final class HandoffFile {
    /** {@code ENDLESSD_HANDOFF_FD=N}: the descriptor of the state, set only for the exec of an upgrade. */
    public static final String VARIABLE = "ENDLESSD_HANDOFF_FD";

    private HandoffFile() {
    }

    /** @return the descriptor holding {@code state}, open across exec */
    public static int write(Handoff state) throws IOException {
        int fd = SelfExec.memoryFile("endlessd-handoff");
        try {
            Posix.rewrite(fd, HandoffCodec.encode(state));
        } catch (IOException e) {
            Posix.close(fd);
            throw new IOException("cannot write the handoff state: " + e.getMessage(), e);
        }
        return fd;
    }

    /** {@code environment} with the state's variable set to {@code fd}. */
    public static Map<String, String> environmentWith(Map<String, String> environment, int fd) {
        Map<String, String> out = new HashMap<>(environment);
        out.put(VARIABLE, Integer.toString(fd));
        return out;
    }

    /** {@code environment} without the variables of an upgrade's exec: what endlessd passes on. */
    public static Map<String, String> environmentWithout(Map<String, String> environment) {
        Map<String, String> out = new HashMap<>(environment);
        out.remove(VARIABLE);
        out.remove(Rescue.VARIABLE);
        out.remove(Rescue.OUTCOME_VARIABLE);
        return out;
    }

    /**
     * Reads up to {@code max} bytes of the in-memory file {@code variable} names, if it names one, and
     * closes it: how the state and the way back arrive.
     */
    static Optional<byte[]> readNamed(Map<String, String> environment, String variable, int max)
            throws HandoffException {
        String value = environment.get(variable);
        if (value == null) {
            return Optional.empty();
        }
        int fd;
        try {
            fd = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new HandoffException(variable + "=" + value + " (expected: a descriptor number; unset it: endlessd"
                    + " sets it only for its own upgrade)");
        }
        if (fd < 3) {
            throw new HandoffException(variable + "=" + fd + " (expected: 3 or above)");
        }
        try {
            return Optional.of(Posix.readStart(fd, max));
        } finally {
            Posix.close(fd);
        }
    }

    /** The descriptor {@code environment} names for the state, if it names a plausible one; nothing is read. */
    public static Optional<Integer> descriptor(Map<String, String> environment) {
        try {
            int fd = Integer.parseInt(environment.getOrDefault(VARIABLE, ""));
            return fd >= 3 ? Optional.of(fd) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The state this process was handed, if its environment names one; the descriptor is closed.
     *
     * @throws HandoffException when it cannot be read, does not decode, or belongs to another process
     *                          (a variable inherited by a process endlessd did not exec)
     */
    public static Optional<Handoff> take(Map<String, String> environment, long ownPid) throws HandoffException {
        Optional<byte[]> bytes = readNamed(environment, VARIABLE, HandoffCodec.MAX_BYTES + 1);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Handoff state = HandoffCodec.decode(bytes.get());
        if (state.pid() != ownPid) {
            throw new HandoffException("the handoff state at " + VARIABLE + "=" + environment.get(VARIABLE) + " belongs to pid " + state.pid()
                    + ", not to this process (" + ownPid + "): unset " + VARIABLE + "; endlessd sets it only for its"
                    + " own upgrade");
        }
        return Optional.of(state);
    }
}
