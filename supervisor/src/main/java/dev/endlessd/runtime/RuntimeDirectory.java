package dev.endlessd.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private directory of one endlessd instance: its notify sockets and its control socket.
 * Mode 0700 (0711 with {@code --user}) and owned by us, so that no other user can reach the control
 * socket or a worker's notify socket.
 *
 * <p>Location: {@code --runtime-dir} when given; else {@code $RUNTIME_DIRECTORY} (systemd's
 * {@code RuntimeDirectory=}); else {@code /run/endlessd} for root, {@code $XDG_RUNTIME_DIR/endlessd}
 * or {@code /tmp/endlessd-UID} for other users; then a subdirectory per service name.
 *
 * <p>Every directory on the way is checked as tmux checks {@code /tmp/tmux-UID}, without following
 * symlinks: the instance directory and its base must be real directories, the instance directory
 * ours, the base ours or root's; neither may be writable by other users (the base may if it is sticky,
 * like {@code /tmp}); every directory above must belong to root or us (one that others may write
 * without the sticky bit, as a container's {@code /tmp}, is named in a warning). Otherwise
 * another local user could have created {@code /tmp/endlessd-UID} first, or could rename our
 * directory away and put a control socket of their own in its place. Anything else is refused with
 * the path and the fix.
 */
public final class RuntimeDirectory {
    private static final Logger log = LoggerFactory.getLogger(RuntimeDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS_MAY_PASS = PosixFilePermissions.fromString("rwx--x--x");

    private final Path path;
    private final int uid;
    private final boolean workersRunAsAnotherUser;

    private RuntimeDirectory(Path path, int uid, boolean workersRunAsAnotherUser) {
        this.path = path;
        this.uid = uid;
        this.workersRunAsAnotherUser = workersRunAsAnotherUser;
    }

    /** Where the directory of {@code serviceName} lives; touches nothing. */
    public static Path locate(Path override, String serviceName, Map<String, String> environment, int uid) {
        Path base;
        if (override != null) {
            base = override;
        } else if (nonEmpty(environment.get("RUNTIME_DIRECTORY"))) {
            base = Path.of(environment.get("RUNTIME_DIRECTORY").split(":")[0]);
        } else if (uid == 0) {
            base = Path.of("/run/endlessd");
        } else if (nonEmpty(environment.get("XDG_RUNTIME_DIR"))) {
            base = Path.of(environment.get("XDG_RUNTIME_DIR"), "endlessd");
        } else {
            base = Path.of(System.getProperty("java.io.tmpdir"), "endlessd-" + uid);
        }
        return base.resolve(serviceName).toAbsolutePath().normalize();
    }

    /**
     * Creates the directory (and a private base) if needed and makes sure it is safe, ours and 0700 —
     * or 0711 when workers run as another user ({@code --user}): they must pass through it to reach
     * their notify socket, which is theirs alone, but cannot list it.
     *
     * @throws IOException with a message that names the directory and the fix
     */
    public static RuntimeDirectory prepare(Path path, int uid, boolean workersRunAsAnotherUser) throws IOException {
        RuntimeDirectory directory = new RuntimeDirectory(path, uid, workersRunAsAnotherUser);
        try {
            Path base = path.getParent();
            if (base != null) {
                directory.prepareBase(base);
            }
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                FileStat.createDirectory(path, directory.mode());
            }
            directory.checkOwn();
            return directory;
        } catch (UnsafeDirectoryException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot prepare runtime directory " + path + ": " + FileProblems.describe(e)
                    + " (pass --runtime-dir to use another place)", e);
        }
    }

    /**
     * Makes sure {@code --user} workers can still reach their notify sockets, and says where the next
     * one goes. Someone may have changed the directories' modes since the start: systemd re-applies
     * {@code RuntimeDirectoryMode=} to the base each time it runs {@code ExecReload=}. A stat of each
     * directory, and a chmod only when a mode was changed.
     *
     * @throws IOException naming the directory and the fix, when it is no longer ours or gone
     */
    public Path notifySocket(long generation) throws IOException {
        if (workersRunAsAnotherUser) {
            try {
                Path base = path.getParent();
                if (base != null) {
                    checkBase(base);
                }
                checkOwn();
            } catch (UnsafeDirectoryException e) {
                throw e;
            } catch (IOException e) {
                throw new IOException("cannot let --user workers reach runtime directory " + path + ": "
                        + FileProblems.describe(e), e);
            }
        }
        return path.resolve("notify-" + generation + ".sock");
    }

    private Set<PosixFilePermission> mode() {
        return workersRunAsAnotherUser ? OTHERS_MAY_PASS : OWNER_ONLY;
    }

    private void prepareBase(Path base) throws IOException {
        if (!Files.exists(base, LinkOption.NOFOLLOW_LINKS)) {
            Path above = base.getParent();
            if (above != null) {
                Files.createDirectories(above);
            }
            FileStat.createDirectory(base, mode());
        }
        Path above = base.toAbsolutePath().getParent();
        if (above != null) {
            checkAncestors(above.toRealPath());
        }
        checkBase(base);
    }

    private void checkBase(Path base) throws IOException {
        FileStat stat = FileStat.of(base);
        requireRealDirectory(stat, "runtime directory base");
        if (stat.owner() != uid && stat.owner() != 0) {
            throw new UnsafeDirectoryException("runtime directory base " + base + " belongs to uid " + stat.owner()
                    + ", not to us (uid " + uid + ") or root: its owner could replace what endlessd keeps in it"
                    + " (another user may have created it first): remove it as root, or pass --runtime-dir"
                    + (uid == 0 ? "" : " (or set XDG_RUNTIME_DIR)"));
        }
        if (stat.groupOrOthersMayWrite() && !stat.sticky()) {
            throw new UnsafeDirectoryException("runtime directory base " + base + " may be written by other users"
                    + " (mode " + stat.octalMode() + "): they could rename what endlessd keeps in it and put their own"
                    + " in its place: chmod go-w " + base + " after checking what is in it, or pass --runtime-dir");
        }
        if (workersRunAsAnotherUser && (stat.mode() & 0001) == 0) {
            if (stat.owner() != uid) {
                throw new UnsafeDirectoryException("runtime directory base " + base + " does not let --user workers"
                        + " pass through (mode o+x) and is not ours to change: pass --runtime-dir");
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(base, LinkOption.NOFOLLOW_LINKS);
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(base, permissions);
        }
    }

    private void checkOwn() throws IOException {
        FileStat stat = FileStat.of(path);
        requireRealDirectory(stat, "runtime directory");
        if (stat.owner() != uid) {
            throw new UnsafeDirectoryException("runtime directory " + path + " belongs to uid " + stat.owner()
                    + ", not to us (uid " + uid + "); another user could forge readiness messages: remove it, or pass"
                    + " --runtime-dir");
        }
        if (stat.groupOrOthersMayWrite()) {
            throw new UnsafeDirectoryException("runtime directory " + path + " may be written by other users (mode "
                    + stat.octalMode() + "): they could have put files of theirs in it: remove it (rm -r " + path
                    + "), or pass --runtime-dir");
        }
        if (!Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(mode()) || (stat.mode() & 07000) != 0) {
            Files.setPosixFilePermissions(path, mode());
        }
    }

    /**
     * Each directory from {@code directory} up to / must be root's or ours; one that others may write
     * without the sticky bit is named in a warning.
     */
    private void checkAncestors(Path directory) throws IOException {
        for (Path at = directory; at != null; at = at.getParent()) {
            FileStat stat = FileStat.of(at);
            if (stat.owner() != uid && stat.owner() != 0) {
                throw new UnsafeDirectoryException("runtime directory " + path + " lies in " + at + ", which belongs"
                        + " to uid " + stat.owner() + ": its owner could rename what endlessd keeps there; pass"
                        + " --runtime-dir to a place only root and uid " + uid + " control");
            }
            if (stat.groupOrOthersMayWrite() && !stat.sticky()) {
                // a container's /tmp (an image layer, a Kubernetes emptyDir) is so, and there every process runs
                // as one uid: say it rather than refuse it
                log.warn("runtime directory {} lies in {}, which other users may write (mode {}, no sticky bit): a"
                        + " process of another uid could rename what endlessd keeps there; harmless where every process"
                        + " runs as one uid (a container), elsewhere pass --runtime-dir", path, at, stat.octalMode());
                return;
            }
        }
    }

    public Path path() {
        return path;
    }

    /** A directory endlessd will not use, and why, with the fix. */
    private static final class UnsafeDirectoryException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsafeDirectoryException(String message) {
            super(message);
        }
    }

    private static void requireRealDirectory(FileStat stat, String what) throws UnsafeDirectoryException {
        if (stat.isSymlink()) {
            throw new UnsafeDirectoryException(what + " " + stat.path() + " is a symbolic link: endlessd uses only a real"
                    + " directory there, so that nobody can point it elsewhere: remove the link, or pass --runtime-dir");
        }
        if (!stat.isDirectory()) {
            throw new UnsafeDirectoryException(what + " " + stat.path() + " is not a directory: remove it, or pass"
                    + " --runtime-dir");
        }
    }

    private static boolean nonEmpty(String value) {
        return value != null && !value.isEmpty();
    }
}
