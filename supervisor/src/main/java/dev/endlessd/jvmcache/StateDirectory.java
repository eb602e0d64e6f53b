package dev.endlessd.jvmcache;

import dev.endlessd.runtime.FileProblems;
import dev.endlessd.runtime.FileStat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Where an instance keeps what must outlive a boot (the runtime directory is wiped at each one):
 * {@code $STATE_DIRECTORY} under a unit with {@code StateDirectory=endlessd/NAME} (or
 * {@code $STATE_DIRECTORY/NAME} when its last component is not NAME), {@code /var/lib/endlessd/NAME}
 * for root, {@code ${XDG_STATE_HOME:-~/.local/state}/endlessd/NAME} for other users. The Java cache lives
 * in its {@code java-cache} subdirectory.
 *
 * <p>Checked like the runtime directory, without following symlinks: the instance directory must be a
 * real directory, ours, writable by nobody else; its base ours or root's and not writable by others
 * unless sticky; the cache directory a real directory, 0700, owned by whoever writes the archives (the
 * workers' user with {@code --user}: their JVMs write there). Another user can therefore neither plant an
 * archive that our workers would map nor make us write elsewhere.
 */
final class StateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OTHERS_MAY_PASS = PosixFilePermissions.fromString("rwx--x--x");

    private StateDirectory() {
    }

    /** The instance's state directory for this user and environment; touches nothing. */
    static Path locate(String serviceName, Map<String, String> environment, int uid) {
        Path base;
        String state = environment.get("STATE_DIRECTORY");
        if (state != null && !state.isEmpty()) {
            Path given = Path.of(state.split(":")[0]).toAbsolutePath().normalize();
            // the packaged unit's StateDirectory=endlessd/%i is already the instance's own
            return given.getFileName() != null && given.getFileName().toString().equals(serviceName)
                    ? given : given.resolve(serviceName);
        } else if (uid == 0) {
            base = Path.of("/var/lib/endlessd");
        } else {
            String xdg = environment.get("XDG_STATE_HOME");
            base = (xdg != null && xdg.startsWith("/") ? Path.of(xdg)
                    : Path.of(environment.getOrDefault("HOME", System.getProperty("user.home")), ".local", "state"))
                    .resolve("endlessd");
        }
        return base.resolve(serviceName).toAbsolutePath().normalize();
    }

    /**
     * Creates what is missing and checks the rest.
     *
     * @param writer the uid and gid whose JVMs write the archives when they are not ours ({@code --user})
     * @return the cache directory
     * @throws IOException naming the directory, what is wrong and the fix
     */
    static Path prepareCache(Path instance, int uid, OptionalInt writer, OptionalInt writerGid) throws IOException {
        Path cache = instance.resolve("java-cache");
        try {
            Set<PosixFilePermission> instanceMode = writer.isPresent() ? OTHERS_MAY_PASS : OWNER_ONLY;
            Path base = instance.getParent();
            if (base != null && !Files.exists(base, LinkOption.NOFOLLOW_LINKS)) {
                if (base.getParent() != null) {
                    Files.createDirectories(base.getParent());
                }
                FileStat.createDirectory(base, instanceMode);
            }
            if (base != null) {
                FileStat stat = directory(base, "state directory base");
                if (stat.owner() != uid && stat.owner() != 0) {
                    throw unsafe("state directory base " + base + " belongs to uid " + stat.owner() + ", not to us (uid "
                            + uid + ") or root: remove it, or set STATE_DIRECTORY (or --java-cache=off)");
                }
                if (stat.groupOrOthersMayWrite() && !stat.sticky()) {
                    throw unsafe("state directory base " + base + " may be written by other users (mode "
                            + stat.octalMode() + "): chmod go-w " + base + " (or --java-cache=off)");
                }
                if (writer.isPresent() && (stat.mode() & 0001) == 0 && stat.owner() == uid) {
                    // --user workers pass through to their cache directory, without listing what is here
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(base, LinkOption.NOFOLLOW_LINKS);
                    permissions.add(PosixFilePermission.OTHERS_EXECUTE);
                    Files.setPosixFilePermissions(base, permissions);
                }
            }
            FileStat.createDirectory(instance, instanceMode);
            FileStat own = directory(instance, "state directory");
            if (own.owner() != uid || own.groupOrOthersMayWrite()) {
                throw unsafe("state directory " + instance + " must be ours (uid " + uid + ") and written by nobody"
                        + " else; it belongs to uid " + own.owner() + " with mode " + own.octalMode() + ": remove it (rm -r "
                        + instance + ") so that endlessd makes it anew (or --java-cache=off)");
            }
            if (!Files.getPosixFilePermissions(instance, LinkOption.NOFOLLOW_LINKS).equals(instanceMode)) {
                Files.setPosixFilePermissions(instance, instanceMode);
            }
            int owner = writer.orElse(uid);
            if (!Files.exists(cache, LinkOption.NOFOLLOW_LINKS)) {
                FileStat.createDirectory(cache, OWNER_ONLY);
                if (writer.isPresent()) {
                    Files.setAttribute(cache, "unix:uid", writer.getAsInt(), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(cache, "unix:gid", writerGid.orElse(writer.getAsInt()), LinkOption.NOFOLLOW_LINKS);
                }
            }
            checkCache(cache, owner);
            return cache;
        } catch (UnsafeDirectoryException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot prepare state directory " + instance + ": " + FileProblems.describe(e)
                    + " (set STATE_DIRECTORY, or --java-cache=off)", e);
        }
    }

    /** The cache directory is still a private real directory of {@code owner}; cheap enough for each spawn. */
    static void checkCache(Path cache, int owner) throws IOException {
        FileStat stat = directory(cache, "java cache directory");
        if (stat.owner() != owner || (stat.mode() & 0077) != 0) {
            throw unsafe("java cache directory " + cache + " must belong to uid " + owner + " with mode 0700; it"
                    + " belongs to uid " + stat.owner() + " with mode " + stat.octalMode() + ": remove it (rm -r " + cache
                    + ") so that endlessd makes it anew");
        }
    }

    private static UnsafeDirectoryException unsafe(String message) {
        return new UnsafeDirectoryException(message);
    }

    /** A directory endlessd will not keep archives in, and why, with the fix. */
    private static final class UnsafeDirectoryException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsafeDirectoryException(String message) {
            super(message);
        }
    }

    private static FileStat directory(Path path, String what) throws IOException {
        FileStat stat = FileStat.of(path);
        if (!stat.isDirectory()) {
            throw unsafe(what + " " + path + " is " + (stat.isSymlink() ? "a symbolic link" : "not a directory")
                    + ": endlessd keeps its state only in a real directory: remove it (or --java-cache=off)");
        }
        return stat;
    }
}
