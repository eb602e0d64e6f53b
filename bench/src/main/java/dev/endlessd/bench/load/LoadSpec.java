package dev.endlessd.bench.load;

import java.time.Duration;

/**
 * The load one pass offers: the same for every scenario of the pass.
 *
 * @param connections simulated clients, one thread and at most one connection each
 * @param mode        keep-alive connections, or a new connection per request
 * @param rate        requests per second across all clients, paced from an intended send time; 0 for closed loop
 *                    (each client sends its next request as soon as the previous one is answered)
 * @param timeout     how long one request (connect, send, whole reply) may take before it counts as failed
 * @param failPause   closed loop only: how long a client waits after a failure before its next request, so that
 *                    refused connects do not spin and starve the restarting server of CPU
 * @param path        the request target, e.g. {@code /}
 */
public record LoadSpec(int connections, ConnectionMode mode, double rate, Duration timeout, Duration failPause,
                       String path) {

    public LoadSpec {
        if (connections < 1) {
            throw new IllegalArgumentException("connections: " + connections + " (expected: >= 1)");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: >= 0, 0 for closed loop)");
        }
    }

    public boolean paced() {
        return rate > 0;
    }

    public LoadSpec withRate(double newRate) {
        return new LoadSpec(connections, mode, newRate, timeout, failPause, path);
    }

    /** One line for tables and logs, e.g. {@code 32 keep-alive connections, closed loop}. */
    public String describe() {
        String loop = paced() ? String.format(java.util.Locale.ROOT, "paced at %.0f req/s", rate) : "closed loop";
        return connections + " clients, " + mode.description() + ", " + loop;
    }
}
