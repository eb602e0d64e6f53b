package dev.endlessd.bench;

import dev.endlessd.bench.load.ConnectionMode;

/** A load under which every scenario runs once. */
public enum Pass {
    /** Closed loop over keep-alive connections: throughput, and what keep-alive clients see during a reload. */
    KEEPALIVE("keepalive", ConnectionMode.KEEPALIVE, false),
    /** Closed loop, a new connection per request: every request goes through accept() on the shared socket. */
    CLOSE("close", ConnectionMode.CLOSE, false),
    /** Keep-alive at a fixed rate below capacity, latency from the intended send time: what users would feel. */
    PACED("paced", ConnectionMode.KEEPALIVE, true);

    private final String id;
    private final ConnectionMode mode;
    private final boolean paced;

    Pass(String id, ConnectionMode mode, boolean paced) {
        this.id = id;
        this.mode = mode;
        this.paced = paced;
    }

    public String id() {
        return id;
    }

    public ConnectionMode mode() {
        return mode;
    }

    public boolean paced() {
        return paced;
    }

    public static Pass of(String id) {
        for (Pass pass : values()) {
            if (pass.id.equals(id)) {
                return pass;
            }
        }
        throw new IllegalArgumentException("passes: " + id + " (expected: keepalive, close or paced)");
    }
}
