package dev.endlessd.agent.hook;

import dev.endlessd.agent.Log;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Servers that have a graceful stop of their own, which an app started without Spring rarely wires to
 * SIGTERM: embedded Jetty ({@code Server.stop()} with a stop timeout: its connectors stop accepting,
 * responses say {@code Connection: close}, and it waits for the open connections) and Vert.x
 * ({@code HttpServer.shutdown(timeout)}, once its keep-alive clients left: {@link Quiet}). The agent remembers each one started and stops it when the
 * drain starts. A Spring Boot app is left to Spring, whose graceful shutdown drives its server.
 *
 * <p>Thread-safe; the servers are reached by reflection through their public API.
 */
public final class EmbeddedServers {
    private static final List<Object> JETTY = new CopyOnWriteArrayList<>();
    private static final List<Object> VERTX = new CopyOnWriteArrayList<>();

    private EmbeddedServers() {
    }

    /** {@code org.eclipse.jetty.server.Server.doStart()}, on entry. */
    public static void jettyStarting(Object server) {
        if (!SpringHooks.running()) {
            JETTY.add(server);
            Log.info("Jetty server starting: on SIGTERM the agent stops it gracefully (Server.stop with a stop timeout)");
        }
    }

    /** {@code io.vertx.core.http.impl.HttpServerImpl.listen(SocketAddress)}, on entry. */
    public static void vertxListening(Object server, Object address) {
        if (!SpringHooks.running() && !VERTX.contains(server)) {
            VERTX.add(server);
            Preload.named("io.vertx.core.http.impl.Http1xServerResponse", server);
            Log.info("Vert.x HTTP server listening: on SIGTERM the agent shuts it down gracefully (HttpServer.shutdown)");
        }
    }

    public static boolean any() {
        return !JETTY.isEmpty() || !VERTX.isEmpty();
    }

    /** Stops every remembered server within what is left until {@code deadlineNanos}; returns when all did. */
    public static void drain(long deadlineNanos) {
        if (!VERTX.isEmpty()) {
            Quiet.await(deadlineNanos, () -> true);
        }
        for (Object server : VERTX) {
            long started = System.nanoTime();
            try {
                long leftMillis = Math.max(0, (deadlineNanos - started) / 1_000_000);
                Object future = server.getClass().getMethod("shutdown", long.class, TimeUnit.class)
                        .invoke(server, leftMillis, TimeUnit.MILLISECONDS);
                Method toCompletionStage = Class.forName("io.vertx.core.Future", false, server.getClass().getClassLoader())
                        .getMethod("toCompletionStage");
                ((CompletionStage<?>) toCompletionStage.invoke(future)).toCompletableFuture()
                        .get(leftMillis + 1_000, TimeUnit.MILLISECONDS);
                Log.info("Vert.x HTTP server shut down in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            } catch (InvocationTargetException e) {
                Log.info("Vert.x HTTP server shutdown failed: " + e.getCause());
            } catch (Exception e) {
                Log.info("Vert.x HTTP server did not shut down cleanly: " + e);
            }
        }
        for (Object server : JETTY) {
            long started = System.nanoTime();
            try {
                long leftMillis = Math.max(0, (deadlineNanos - started) / 1_000_000);
                server.getClass().getMethod("setStopTimeout", long.class).invoke(server, leftMillis);
                server.getClass().getMethod("stop").invoke(server);
                Log.info("Jetty server stopped in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            } catch (InvocationTargetException e) {
                Log.info("Jetty server stop failed: " + e.getCause());
            } catch (ReflectiveOperationException | RuntimeException e) {
                Log.info("could not stop the Jetty server: " + e);
            }
        }
    }
}
