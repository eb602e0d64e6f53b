package dev.endlessd.agent.hook;

import dev.endlessd.agent.Log;
import dev.endlessd.agent.socket.Adoptions;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The JDK's {@code com.sun.net.httpserver.HttpServer} has no graceful stop of its own on SIGTERM: the
 * JVM exits and cuts every exchange. The agent remembers each started server and, when the drain
 * starts, stops it with {@code stop(delay)}, which closes the listener, lets the running exchanges
 * finish for up to the delay and then closes the connections; meanwhile each response carries
 * {@code Connection: close}, so keep-alive clients move to the new worker between requests.
 *
 * <p>Thread-safe; the classes live in {@code jdk.httpserver}, reached by reflection because its
 * loader is not the agent's.
 */
public final class HttpServerHooks {
    private static final List<Object> SERVERS = new CopyOnWriteArrayList<>();

    private HttpServerHooks() {
    }

    /** {@code sun.net.httpserver.ServerImpl.start()}, on entry. */
    public static void starting(Object server) {
        SERVERS.add(server);
        Preload.named("sun.net.httpserver.ExchangeImpl", server);
        Log.info("JDK HttpServer starting: on SIGTERM the agent drains it (HttpServer.stop waits for running exchanges)");
    }

    /** {@code sun.net.httpserver.ExchangeImpl.sendResponseHeaders(int, long)}, on entry. */
    public static void responding(Object exchange, int status, long length) {
        if (!Adoptions.draining()) {
            return;
        }
        Quiet.replied();
        try {
            Method headers = exchange.getClass().getMethod("getResponseHeaders");
            headers.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, List<String>> responseHeaders = (Map<String, List<String>>) headers.invoke(exchange);
            responseHeaders.put("Connection", List.of("close"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the response goes out as the handler made it: keep-alive clients then see a close between requests
        }
    }

    /**
     * Stops every started server, each within what is left of {@code deadlineNanos}; returns when all
     * stopped. First it lets keep-alive clients leave on their own ({@link Quiet}); {@code stop} closes
     * what is still open.
     */
    public static void drain(long deadlineNanos) {
        for (Object server : SERVERS) {
            awaitConnectionsLeaving(server, deadlineNanos);
        }
        for (Object server : SERVERS) {
            long leftSeconds = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000_000L);
            try {
                Method stop = server.getClass().getMethod("stop", int.class);
                stop.setAccessible(true);
                long started = System.nanoTime();
                stop.invoke(server, (int) Math.min(Integer.MAX_VALUE, leftSeconds));
                Log.info("JDK HttpServer drained in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            } catch (InvocationTargetException e) {
                Log.info("JDK HttpServer stop failed: " + e.getCause());
            } catch (ReflectiveOperationException | RuntimeException e) {
                Log.info("could not drain the JDK HttpServer: " + e);
            }
        }
    }

    private static void awaitConnectionsLeaving(Object server, long deadlineNanos) {
        Set<?> connections;
        try {
            Field field = server.getClass().getDeclaredField("allConnections");
            field.setAccessible(true);
            connections = (Set<?>) field.get(server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            connections = Set.of(server);
        }
        Set<?> open = connections;
        Quiet.await(deadlineNanos, () -> !open.isEmpty());
    }

    public static boolean any() {
        return !SERVERS.isEmpty();
    }
}
