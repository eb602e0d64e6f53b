package dev.endlessd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControlReplyTest {

    @Test
    void repliesReadBackAsTheyWereWritten() {
        for (ControlReply reply : new ControlReply[] {
            ControlReply.ok(""),
            ControlReply.ok("reloaded gen=2 pid=42 time_to_ready=80ms"),
            ControlReply.error(ControlReply.Kind.FAILED, "reload gen=3 failed: worker exited with exit status 3"),
            ControlReply.error(ControlReply.Kind.DENIED, "uid 65534 may not control endlessd 'default'"),
            ControlReply.error(ControlReply.Kind.INVALID, "unknown request \"x\"")}) {
            assertEquals(Optional.of(reply), ControlReply.parse(reply.line()));
        }
    }

    @Test
    void wireFormStartsWithOkOrErrorAndTheKind() {
        assertEquals("ok", ControlReply.ok("").line());
        assertEquals("ok stopping pid=7", ControlReply.ok("stopping pid=7").line());
        assertEquals("error failed why", ControlReply.error(ControlReply.Kind.FAILED, "why").line());
        assertEquals("error invalid why", ControlReply.error(ControlReply.Kind.INVALID, "why").line());
    }

    @Test
    void linesThatAreNotRepliesAreNotTakenForOne() {
        assertEquals(Optional.empty(), ControlReply.parse("okay"));
        assertEquals(Optional.empty(), ControlReply.parse("error"));
        assertEquals(Optional.empty(), ControlReply.parse("error unknown-kind text"));
        assertEquals(Optional.empty(), ControlReply.parse("HTTP/1.0 200 OK"));
    }

    @Test
    void onlyOkIsOk() {
        assertTrue(ControlReply.ok("x").ok());
        assertFalse(ControlReply.error(ControlReply.Kind.FAILED, "x").ok());
    }

    @Test
    void aReplyIsOneLine() {
        assertThrows(IllegalArgumentException.class, () -> ControlReply.ok("two\nlines"));
    }
}
