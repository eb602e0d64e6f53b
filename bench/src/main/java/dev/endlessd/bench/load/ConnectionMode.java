package dev.endlessd.bench.load;

/** How requests use connections. */
public enum ConnectionMode {
    /** Each simulated client keeps one HTTP/1.1 connection open and sends its requests over it. */
    KEEPALIVE("keep-alive"),
    /** Each request opens a new connection and asks for {@code Connection: close}: every request goes through accept(). */
    CLOSE("new connection per request");

    private final String description;

    ConnectionMode(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
