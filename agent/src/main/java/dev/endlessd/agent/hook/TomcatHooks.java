package dev.endlessd.agent.hook;

import dev.endlessd.agent.socket.Adoptions;

/**
 * Tomcat (Spring Boot's default server): while the worker drains, every reply says {@code Connection:
 * close}, as if the connector allowed one request per connection, so keep-alive clients move to the new
 * worker between requests, from SIGTERM on. Left alone, Tomcat keeps them until Spring Boot's graceful
 * shutdown pauses the connector, a few hundred milliseconds later; it then closes the kept-alive
 * connections under the clients' next requests, and one caught in the middle of that got a 400 from the
 * old worker (bench/RESULTS-warm.md, "Spring Boot: a rare non-2xx reply at the handover").
 *
 * <p>Called on Tomcat's threads.
 */
public final class TomcatHooks {
    private TomcatHooks() {
    }

    /** Reads of {@code AbstractEndpoint.maxKeepAliveRequests}: 1 while draining, else the configured value. */
    public static int maxKeepAliveRequests(Object endpoint, int configured) {
        return Adoptions.draining() ? 1 : configured;
    }
}
