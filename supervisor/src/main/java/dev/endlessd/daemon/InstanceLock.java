package dev.endlessd.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a second daemon of the same name out of the runtime directory: a lock on
 * {@code <runtime dir>/lock}, held for the daemon's lifetime and dropped by the kernel however the
 * daemon ends, so no stale state can block a restart. The holder writes its pid into the file for
 * the message the second daemon prints. The file itself stays: removing it would let a daemon
 * that opened the old file and one that creates a new one both believe they hold the lock.
 */
final class InstanceLock implements AutoCloseable {
    private final FileChannel channel;

    private InstanceLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * @throws StartupException when another daemon holds the lock, naming its pid and the fix
     */
    static InstanceLock acquire(Path runtimeDirectory, String serviceName, long pid) throws StartupException {
        Path file = runtimeDirectory.resolve("lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (!tryLock(channel)) {
                String holder = holder(channel);
                throw new StartupException("endlessd '" + serviceName + "' is already running" + holder
                        + ": stop it (endlessd stop --name " + serviceName + ") or choose another --name", null);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            InstanceLock acquired = new InstanceLock(channel);
            channel = null;
            return acquired;
        } catch (IOException e) {
            throw new StartupException("cannot lock " + file + ": " + e.getMessage()
                    + " (pass --runtime-dir to use another place)", e);
        } finally {
            if (channel != null) {
                close(channel);
            }
        }
    }

    private static boolean tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock() != null;
        } catch (OverlappingFileLockException heldByThisProcess) {
            return false;
        }
    }

    /** Releases the lock. */
    @Override
    public void close() {
        close(channel);
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(32);
        channel.read(content, 0);
        String pid = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII).strip();
        return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing drops the lock whatever close reports
        }
    }
}
