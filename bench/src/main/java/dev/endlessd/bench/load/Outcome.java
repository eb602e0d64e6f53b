package dev.endlessd.bench.load;

/** How one request ended. Every kind but {@link #OK} is a failure the client saw. */
public enum Outcome {
    /** A complete 2xx reply. */
    OK("ok"),
    /** connect() was refused: nothing listened on the port. */
    REFUSED("refused"),
    /** connect() did not complete within the request timeout (SYN unanswered, backlog full). */
    CONNECT_TIMEOUT("connect-timeout"),
    /** The peer reset the connection, or a write met a closed connection. */
    RESET("reset"),
    /** Connected and sent, but no complete reply within the request timeout. */
    TIMEOUT("timeout"),
    /** The connection closed before any byte of the reply arrived. */
    EMPTY("empty"),
    /** A reply that was cut short or is not HTTP/1.x. */
    MALFORMED("malformed"),
    /** A complete reply with a status outside 200-299. */
    NON_2XX("non-2xx"),
    /** Any other I/O error (its class goes to the generator's stderr once). */
    IO_ERROR("io-error");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The short name used in tables, CSV columns and JSON keys. */
    public String label() {
        return label;
    }

    public boolean failed() {
        return this != OK;
    }
}
