package dev.endlessd.agent.socket;

import dev.endlessd.agent.Log;
import dev.endlessd.agent.jdk.Internals;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A lingering close for every client connection a draining worker closes, whichever server closes it:
 * the socket is shut down for writing (the client reads a clean end after the last reply) and kept
 * open, reading and discarding, until the client closes its side or {@link #LINGER_MILLIS} pass.
 * A plain {@code close(2)} instead resets the connection when a request is on its way: the kernel
 * answers data for a closed socket, or a close with unread data, with RST. Undertow closes its idle
 * keep-alive connections that way when its graceful shutdown ends, and a client that had just sent
 * its next request on one saw a reset instead of the clean close it may retry after (RFC 9112 §9.3.1).
 *
 * <p>The server's own close goes through unchanged: a second fd ({@code dup}) keeps the socket open.
 * Only connections to a port the agent adopted count (a database connection closes as it would), and
 * only while the worker drains. The JVM's exit waits for them ({@link #awaitClosed}), within the drain.
 *
 * <p>Thread-safe: {@link #closing} is called on whichever thread closes a channel; one daemon thread,
 * started at the first lingering close, owns the selector.
 */
public final class LingeringClose {
    /** How long a client has to close after the server's FIN: nginx's lingering_timeout is 5 s. */
    static final long LINGER_MILLIS = 2_000;

    private static final Set<SocketChannel> LINGERING = ConcurrentHashMap.newKeySet();
    private static final Queue<SocketChannel> HANDED_OVER = new ConcurrentLinkedQueue<>();
    private static Selector selector;

    private LingeringClose() {
    }

    /** {@code SocketChannelImpl.implCloseSelectableChannel}, on entry: the channel is closing. */
    public static void closing(SocketChannel channel) {
        if (!Adoptions.draining() || LINGERING.contains(channel)) {
            return;
        }
        try {
            java.net.InetSocketAddress local = Internals.localAddress(Internals.fdOf(channel));
            if (!Adoptions.servesPort(local.getPort())) {
                return;
            }
            SocketChannel twin = Internals.duplicateConnection(Internals.fdOf(channel));
            if (twin == null) {
                return;
            }
            LINGERING.add(twin);
            twin.shutdownOutput();
            twin.configureBlocking(false);
            HANDED_OVER.add(twin);
            wake();
        } catch (IOException | RuntimeException e) {
            // the socket closes as the server asked; a request on its way may see a reset
        }
    }

    /** Waits until every lingering connection is closed, or until {@code deadlineNanos}. */
    public static void awaitClosed(long deadlineNanos) {
        synchronized (LINGERING) {
            long left;
            while (!LINGERING.isEmpty() && (left = deadlineNanos - System.nanoTime()) > 0) {
                try {
                    LINGERING.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static synchronized void wake() throws IOException {
        if (selector == null) {
            selector = Selector.open();
            Log.info("the client connections this worker closes while it drains close lingering: FIN first, then"
                    + " up to " + LINGER_MILLIS + " ms for the client's own close, so a request on its way sees a clean"
                    + " close, not a reset");
            Thread thread = new Thread(LingeringClose::run, "endlessd-agent lingering close");
            thread.setDaemon(true);
            thread.start();
        }
        selector.wakeup();
    }

    private static void run() {
        ByteBuffer discard = ByteBuffer.allocate(4096);
        try {
            while (true) {
                long now = System.nanoTime();
                for (SocketChannel twin = HANDED_OVER.poll(); twin != null; twin = HANDED_OVER.poll()) {
                    try {
                        twin.register(selector, SelectionKey.OP_READ, now + LINGER_MILLIS * 1_000_000L);
                    } catch (ClosedChannelException e) {
                        close(twin);
                    }
                }
                long next = Long.MAX_VALUE;
                for (SelectionKey key : selector.keys()) {
                    next = Math.min(next, (long) key.attachment());
                }
                selector.select(next == Long.MAX_VALUE ? 0 : Math.max(1, (next - now) / 1_000_000));
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    SocketChannel twin = (SocketChannel) key.channel();
                    try {
                        int read;
                        do {
                            discard.clear();
                            read = twin.read(discard);
                        } while (read > 0);
                        if (read < 0) {
                            close(twin);
                        }
                    } catch (IOException e) {
                        close(twin);
                    }
                }
                now = System.nanoTime();
                for (SelectionKey key : selector.keys()) {
                    if (key.isValid() && now - (long) key.attachment() >= 0) {
                        close((SocketChannel) key.channel());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Log.info("lingering close stopped (" + e + "): " + LINGERING.size() + " connections close with the JVM");
        }
    }

    private static void close(SocketChannel twin) {
        try {
            twin.close();
        } catch (IOException e) {
            // closed either way
        }
        synchronized (LINGERING) {
            LINGERING.remove(twin);
            LINGERING.notifyAll();
        }
    }
}
