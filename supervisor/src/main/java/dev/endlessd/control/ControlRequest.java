package dev.endlessd.control;

import dev.endlessd.log.PeerText;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The requests the control socket understands, each with the one line that asks for it and a
 * description that {@code help} lists. See {@link ControlServer} for the protocol.
 */
public enum ControlRequest {
    RELOAD("reload", "start a new worker; answer once it is ready (ok) or has failed (error failed)"),
    RELOAD_NOWAIT("reload nowait", "start a new worker; answer as soon as the reload is accepted"),
    UPGRADE("upgrade", "check the new endlessd on disk, then execute it in this process (same pid, sockets and"
            + " workers); answer once it serves this socket (ok) or was refused (error failed)"),
    STATUS("status", "the daemon, its listeners, its workers and the last reload, as text"),
    STATUS_JSON("status json", "the same as one JSON object on one line"),
    CHECK("check", "whether a worker serves, in one line for probes: serving, reloading, starting or no-worker"),
    STOP("stop", "drain every worker and exit; the connection closes when the daemon is gone"),
    HELP("help", "this list");

    private final String line;
    private final String description;

    ControlRequest(String line, String description) {
        this.line = line;
        this.description = description;
    }

    /** The request as sent on the wire, without the newline. */
    public String line() {
        return line;
    }

    public String description() {
        return description;
    }

    /**
     * Reads one request line (without its newline). Words may be separated by any run of spaces;
     * a trailing carriage return is tolerated.
     *
     * @throws IllegalArgumentException naming the request and what was expected
     */
    public static ControlRequest parse(String text) {
        String normalized = String.join(" ", text.strip().split(" +"));
        for (ControlRequest request : values()) {
            if (request.line.equals(normalized)) {
                return request;
            }
        }
        throw new IllegalArgumentException("unknown request \"" + printable(text) + "\" (expected: " + expected() + ")");
    }

    static String expected() {
        return Arrays.stream(values()).map(ControlRequest::line).collect(Collectors.joining(", "));
    }

    /** At most 64 characters of {@code text}, with anything unprintable shown as {@code \xNN}. */
    static String printable(String text) {
        return PeerText.printable(text, 64);
    }
}
