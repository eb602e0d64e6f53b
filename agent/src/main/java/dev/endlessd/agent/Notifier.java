package dev.endlessd.agent;

import dev.endlessd.agent.jdk.Internals;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Sends READY=1 to endlessd with one {@code write(2)} on {@code ENDLESSD_NOTIFY_FD}, a unix datagram
 * socket endlessd connected to this worker's notify socket: the JDK cannot send a unix datagram to a
 * path before JDK 22, and this needs neither {@code systemd-notify} nor a native library.
 *
 * <p>The fd is checked at start to be a socket, so that a missing variable or a stale number never
 * makes the agent write into a file the JVM opened. Thread-safe: used once, under {@link Readiness}'s lock.
 */
final class Notifier {
    private final OptionalInt fd;

    private Notifier(OptionalInt fd) {
        this.fd = fd;
    }

    static Notifier open(OptionalInt notifyFd) {
        if (notifyFd.isEmpty()) {
            Log.info("ENDLESSD_NOTIFY_FD is not set (an endlessd that does not pass it): the agent cannot send READY;"
                    + " use endlessd --ready-after, or upgrade endlessd");
            return new Notifier(OptionalInt.empty());
        }
        int fd = notifyFd.getAsInt();
        String target;
        try {
            target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            target = "nothing (" + e.getMessage() + ")";
        }
        if (!target.startsWith("socket:")) {
            Log.info("ENDLESSD_NOTIFY_FD=" + fd + " is " + target + ", not a socket: the agent will not send READY");
            return new Notifier(OptionalInt.empty());
        }
        return new Notifier(notifyFd);
    }

    void ready(String why) {
        if (fd.isEmpty()) {
            Log.info("ready (" + why + "), but there is no notify fd to say so");
            return;
        }
        byte[] message = ("READY=1\nSTATUS=serving (endlessd-agent: " + why + ")").getBytes(StandardCharsets.UTF_8);
        try {
            // Not closed: the fd is the worker's, and closing the stream would close it.
            @SuppressWarnings("resource")
            FileOutputStream out = new FileOutputStream(Internals.fileDescriptor(fd.getAsInt()));
            out.write(message);
            Log.info("READY sent: " + why);
        } catch (IOException e) {
            Log.info("could not send READY on fd " + fd.getAsInt() + ": " + e.getMessage());
        }
    }
}
