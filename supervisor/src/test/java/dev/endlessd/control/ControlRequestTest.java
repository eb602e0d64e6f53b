package dev.endlessd.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ControlRequestTest {

    @Test
    void everyRequestParsesFromItsOwnLine() {
        for (ControlRequest request : ControlRequest.values()) {
            assertEquals(request, ControlRequest.parse(request.line()));
        }
    }

    @Test
    void extraSpacesAndACarriageReturnAreTolerated() {
        assertEquals(ControlRequest.RELOAD_NOWAIT, ControlRequest.parse("  reload   nowait\r"));
        assertEquals(ControlRequest.STATUS_JSON, ControlRequest.parse("status json "));
    }

    @Test
    void unknownRequestNamesItselfAndWhatWasExpected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ControlRequest.parse("restart everything"));
        assertEquals("unknown request \"restart everything\" (expected: reload, reload nowait, upgrade, status, status json, "
                + "check, stop, help)", error.getMessage());
    }

    @Test
    void requestsAreCaseSensitiveAndTakeNoExtraWords() {
        assertThrows(IllegalArgumentException.class, () -> ControlRequest.parse("RELOAD"));
        assertThrows(IllegalArgumentException.class, () -> ControlRequest.parse("stop now"));
        assertThrows(IllegalArgumentException.class, () -> ControlRequest.parse(""));
    }

    @Test
    void unprintableTextIsEscapedAndCutInMessages() {
        assertEquals("a\\x00\\x1b[31m\\x22", ControlRequest.printable("a\u0000\u001b[31m\""));
        String longText = "x".repeat(100);
        assertTrue(ControlRequest.printable(longText).endsWith("..."));
        assertEquals(64 + 3, ControlRequest.printable(longText).length());
    }
}
