package dev.endlessd.agent.hook;

import dev.endlessd.agent.socket.Adoptions;

/**
 * Undertow's {@code GracefulShutdownHandler} (what Spring Boot's graceful shutdown of Undertow uses)
 * answers every request that comes after the shutdown began with 503, including the next request on
 * a connection kept alive from before: a failed request for a client that did nothing wrong. While the
 * worker drains, such a request is served instead, counted by the handler like any other, and its
 * reply says {@code Connection: close}, so the client moves to the new worker.
 *
 * <p>Called on Undertow's I/O and worker threads.
 */
public final class UndertowHooks {
    private UndertowHooks() {
    }

    /** {@code GracefulShutdownHandler.handleRequest(HttpServerExchange)}, on entry. */
    public static void handling(Object handler, Object exchange) {
        if (Adoptions.draining()) {
            try {
                exchange.getClass().getMethod("setPersistent", boolean.class).invoke(exchange, false);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // the reply keeps the connection open: the client leaves when Undertow closes it
            }
        }
    }

    /** The handler's "is it shut down?" in {@code handleRequest}: not for a request while the worker drains. */
    public static boolean refuses(boolean shutdown) {
        return shutdown && !Adoptions.draining();
    }
}
