package dev.endlessd.socket;

import dev.endlessd.os.Posix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sockets passed to endlessd itself by systemd socket activation ({@code LISTEN_FDS} addressed to
 * our own pid), adopted in order and passed on to workers. systemd passes them blocking unless the
 * unit says {@code NonBlocking=yes}; they are set non-blocking on adoption, like the ones endlessd
 * binds (see {@link Listeners}).
 */
public final class SystemdSockets {
    /** Where the listening sockets start, in systemd's convention: after stdin, stdout and stderr. */
    public static final int FIRST_FD = 3;
    private static final String UNNAMED = "unknown";

    private SystemdSockets() {
    }

    /** @return the adopted sockets, or an empty list when the variables are absent or meant for another process */
    public static List<Listener> adopt(Map<String, String> environment, long ownPid) throws ListenException {
        String count = environment.get("LISTEN_FDS");
        String pid = environment.get("LISTEN_PID");
        if (count == null || pid == null || !pid.trim().equals(Long.toString(ownPid))) {
            return List.of();
        }
        int fds = parseCount(count);
        List<String> names = names(environment.get("LISTEN_FDNAMES"), fds);
        List<Listener> adopted = new ArrayList<>();
        for (int i = 0; i < fds; i++) {
            int fd = FIRST_FD + i;
            if (!Posix.isSocket(fd)) {
                throw new ListenException("LISTEN_FDS=" + fds + ": fd " + fd
                        + " is not a socket (check the Sockets= of the .socket unit)");
            }
            try {
                Posix.setNonBlocking(fd);
            } catch (IOException e) {
                throw new ListenException("LISTEN_FDS=" + fds + ": " + e.getMessage());
            }
            adopted.add(new Listener(names.get(i), "inherited fd " + fd, fd, null));
        }
        return adopted;
    }

    private static int parseCount(String count) throws ListenException {
        try {
            int fds = Integer.parseInt(count.trim());
            if (fds >= 0) {
                return fds;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ListenException("LISTEN_FDS: \"" + count + "\" (expected: a number of sockets >= 0)");
    }

    private static List<String> names(String joined, int count) {
        List<String> names = new ArrayList<>();
        String[] given = joined == null || joined.isEmpty() ? new String[0] : joined.split(":", -1);
        for (int i = 0; i < count; i++) {
            names.add(i < given.length && !given[i].isEmpty() ? given[i] : UNNAMED);
        }
        return names;
    }
}
