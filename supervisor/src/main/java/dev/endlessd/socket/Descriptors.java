package dev.endlessd.socket;

import jnr.constants.platform.Fcntl;
import jnr.constants.platform.OpenFlags;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** File-descriptor flags the supervisor sets on sockets it hands out. */
final class Descriptors {
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX();

    private Descriptors() {
    }

    /**
     * Clears {@code O_NONBLOCK}. The flag lives on the open file description that every worker
     * shares, so it is set once, before the first worker exists, and never toggled afterwards: a
     * worker doing a plain blocking {@code accept()} would otherwise fail with EAGAIN.
     */
    static void makeBlocking(int fd) throws ListenException {
        int flags = POSIX.fcntl(fd, Fcntl.F_GETFL);
        if (flags < 0 || POSIX.fcntlInt(fd, Fcntl.F_SETFL, flags & ~OpenFlags.O_NONBLOCK.intValue()) < 0) {
            throw new ListenException("fd " + fd + ": cannot clear O_NONBLOCK (errno " + POSIX.errno() + ")");
        }
    }

    static boolean isSocketFile(java.nio.file.Path path) {
        FileStat stat = POSIX.allocateStat();
        return POSIX.lstat(path.toString(), stat) == 0 && stat.isSocket();
    }

    static boolean isSocket(int fd) {
        FileStat stat = POSIX.allocateStat();
        return POSIX.fstat(fd, stat) == 0 && stat.isSocket();
    }
}
