package dev.endlessd.agent;

import dev.endlessd.agent.transform.Transformer;
import java.nio.channels.Selector;

/**
 * Decides when this worker is ready, and says so once: only if the agent adopted a socket (an app
 * that takes fd 3 itself sends its own READY), and never before the server's own start.
 *
 * <ul>
 *   <li>A Spring Boot app is ready when {@code SpringApplication.run} returns: the context is refreshed,
 *       the runners ran, {@code ApplicationReadyEvent} is out. Its server's earlier accepts do not count.
 *   <li>Any other server is ready when it first waits for a connection on an adopted socket: a blocking
 *       or non-blocking accept, the first select of a selector after the socket's key asked for
 *       OP_ACCEPT (so the JDK's HttpServer, which registers in its constructor, counts only once its
 *       dispatcher runs, after {@code start()}), an asynchronous accept, or Netty's epoll asking for
 *       EPOLLIN on it.
 * </ul>
 *
 * <p>Thread-safe: the hooks call in from any thread; the hot checks read volatile fields only.
 */
public final class Readiness {
    private static volatile boolean adopted;
    private static volatile boolean springApplication;
    private static volatile boolean sent;
    private static volatile Selector armed;
    private static volatile Notifier notifier;

    private Readiness() {
    }

    static void init(Notifier readyNotifier) {
        notifier = readyNotifier;
    }

    public static void adopted() {
        adopted = true;
    }

    /** Whether a server's accept-side events may still make the worker ready: the hooks' fast check. */
    public static boolean watching() {
        return adopted && !sent && !springApplication;
    }

    /** The server waits for a connection on an adopted socket, in {@code how}. */
    public static void accepting(String how) {
        if (watching()) {
            send(how);
        }
    }

    /** A selector's key for an adopted socket asked for OP_ACCEPT: ready at that selector's next select. */
    public static void acceptInterest(Selector selector) {
        armed = selector;
    }

    public static void selecting(Selector selector) {
        if (selector == armed && watching()) {
            send("its selector waits for connections on the adopted socket");
        }
    }

    public static void springApplicationStarting() {
        springApplication = true;
    }

    public static void springApplicationReady() {
        if (!adopted) {
            Log.info("Spring Boot application ready, but it adopted no socket endlessd passed: not sending READY"
                    + " (see the bind lines above)");
            return;
        }
        send("SpringApplication.run returned");
    }

    private static synchronized void send(String why) {
        if (sent) {
            return;
        }
        sent = true;
        armed = null;
        notifier.ready(why);
        Transformer.retire();
    }
}
