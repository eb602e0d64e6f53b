package dev.endlessd.sample.activation;

/**
 * One listening socket handed to this process under the socket-activation convention.
 *
 * @param fd   the file descriptor number (3, 4, ...)
 * @param name its name from {@code LISTEN_FDNAMES}, or {@value ListenFds#UNKNOWN_NAME} when none was given
 */
public record ListenFd(int fd, String name) {

    public ListenFd {
        if (fd < ListenFds.FIRST_FD) {
            throw new IllegalArgumentException("fd: " + fd + " (expected: >= " + ListenFds.FIRST_FD + ")");
        }
        if (name == null) {
            throw new NullPointerException("name");
        }
    }

    @Override
    public String toString() {
        return "fd " + fd + " (" + name + ")";
    }
}
