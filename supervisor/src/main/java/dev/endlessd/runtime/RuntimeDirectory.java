package dev.endlessd.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * The private directory of one endlessd instance: its notify sockets and its control socket.
 * Mode 0700 and owned by us, so that no other user can reach a worker's notify socket to forge
 * readiness, nor the control socket.
 *
 * <p>Location: {@code --runtime-dir} when given; else {@code $RUNTIME_DIRECTORY} (systemd's
 * {@code RuntimeDirectory=}); else {@code /run/endlessd} for root, {@code $XDG_RUNTIME_DIR/endlessd}
 * or {@code /tmp/endlessd-UID} for other users; then a subdirectory per service name.
 */
public final class RuntimeDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS_MAY_PASS = PosixFilePermissions.fromString("rwx--x--x");

    private final Path path;

    private RuntimeDirectory(Path path) {
        this.path = path;
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
     * Creates the directory (and a private base) if needed and makes sure it is ours and 0700 —
     * or 0711 when workers run as another user ({@code --user}): they must pass through it to reach
     * their notify socket, which is theirs alone, but cannot list it.
     *
     * @throws IOException with a message that names the directory and the fix
     */
    public static RuntimeDirectory prepare(Path path, int uid, boolean workersRunAsAnotherUser) throws IOException {
        Set<PosixFilePermission> mode = workersRunAsAnotherUser ? OTHERS_MAY_PASS : OWNER_ONLY;
        try {
            Path base = path.getParent();
            if (base != null && !Files.isDirectory(base)) {
                Files.createDirectories(base);
                Files.setPosixFilePermissions(base, mode);
            } else if (base != null && workersRunAsAnotherUser) {
                letOthersPass(base, uid);
            }
            if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(path);
            }
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != uid) {
                throw new NotOursException("runtime directory " + path + " belongs to uid " + owner + ", not to us (uid " + uid
                        + "); another user could forge readiness messages: remove it, or pass --runtime-dir");
            }
            if (!attributes.permissions().equals(mode)) {
                Files.setPosixFilePermissions(path, mode);
            }
            return new RuntimeDirectory(path);
        } catch (NotOursException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot prepare runtime directory " + path + ": " + FileProblems.describe(e)
                    + " (pass --runtime-dir to use another place)", e);
        }
    }

    /** Adds search permission for others to a base directory of ours; another's base must already allow it. */
    private static void letOthersPass(Path base, int uid) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(base);
        if (permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            return;
        }
        if (((Integer) Files.getAttribute(base, "unix:uid")) != uid) {
            throw new NotOursException("runtime directory base " + base + " does not let --user workers pass through"
                    + " (mode o+x) and is not ours to change: pass --runtime-dir");
        }
        permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(base, permissions);
    }

    public Path path() {
        return path;
    }

    /** The notify socket path of one worker generation. */
    public Path notifySocket(long generation) {
        return path.resolve("notify-" + generation + ".sock");
    }

    private static final class NotOursException extends IOException {
        private static final long serialVersionUID = 1L;

        NotOursException(String message) {
            super(message);
        }
    }

    private static boolean nonEmpty(String value) {
        return value != null && !value.isEmpty();
    }
}
