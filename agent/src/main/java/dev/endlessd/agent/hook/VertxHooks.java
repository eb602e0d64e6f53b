package dev.endlessd.agent.hook;

import dev.endlessd.agent.socket.Adoptions;

/**
 * Vert.x's HTTP/1.x responses: while the worker drains, each one is sent as if the request had not
 * asked for keep-alive, so Vert.x itself adds {@code Connection: close} and closes the connection
 * after the reply, and keep-alive clients move to the new worker between requests.
 *
 * <p>Called on Vert.x event loops.
 */
public final class VertxHooks {
    private VertxHooks() {
    }

    /** Reads of {@code Http1xServerResponse.keepAlive}: the field's value, unless draining. */
    public static boolean keepAlive(Object response, boolean keepAlive) {
        if (keepAlive && Adoptions.draining()) {
            Quiet.replied();
            return false;
        }
        return keepAlive;
    }
}
