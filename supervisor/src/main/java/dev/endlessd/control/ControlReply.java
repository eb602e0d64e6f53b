package dev.endlessd.control;

import java.util.Arrays;
import java.util.Optional;

/**
 * The first line of an answer on the control socket: {@code ok[ TEXT]} or {@code error KIND TEXT}.
 * Lines after it, up to the end of the connection, are the answer's body (status output).
 */
public record ControlReply(Kind kind, String text) {

    /** What an answer means to the one who asked. */
    public enum Kind {
        /** Done as asked. */
        OK("ok"),
        /** The daemon tried and it did not work (a reload whose new worker never got ready). */
        FAILED("error failed"),
        /** The daemon will not serve this client (another user). */
        DENIED("error denied"),
        /** The daemon does not understand the request (garbage, too long, too slow). */
        INVALID("error invalid");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    public ControlReply {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("reply text: must be one line, got " + ControlRequest.printable(text));
        }
    }

    public static ControlReply ok(String text) {
        return new ControlReply(Kind.OK, text);
    }

    public static ControlReply error(Kind kind, String text) {
        return new ControlReply(kind, text);
    }

    public boolean ok() {
        return kind == Kind.OK;
    }

    /** The line as sent, without the newline. */
    public String line() {
        return text.isEmpty() ? kind.prefix : kind.prefix + " " + text;
    }

    /** Reads a reply's first line; empty when it is not one. */
    public static Optional<ControlReply> parse(String line) {
        return Arrays.stream(Kind.values())
                .filter(kind -> line.equals(kind.prefix) || line.startsWith(kind.prefix + " "))
                .findFirst()
                .map(kind -> new ControlReply(kind, line.substring(Math.min(line.length(), kind.prefix.length() + 1))));
    }

    @Override
    public String toString() {
        return line();
    }
}
