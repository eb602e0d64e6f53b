package dev.endlessd.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
    private final TerminalText text = new TerminalText();

    private String clean(String chunk) {
        byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
        return new String(text.clean(bytes, bytes.length), StandardCharsets.UTF_8);
    }

    @Test
    void linesTabsAndUnicodePassUnchanged() {
        assertEquals("gen 2\tready \u2713 caf\u00e9\r\n", clean("gen 2\tready \u2713 caf\u00e9\r\n"));
    }

    @Test
    void escapeSequencesAndOtherControlsAreDefused() {
        assertEquals("?[2J?]0;owned??[6n??", clean("\u001b[2J\u001b]0;owned\u0007\u001b[6n\u0000\u007f"));
    }

    @Test
    void c1ControlsInUtf8AreDefusedEvenWhenSplitAcrossChunks() {
        assertEquals("?6n", clean("\u009b6n"));
        byte[] csi = "\u009b".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(new byte[0], text.clean(csi, 1), "the lead byte waits for the next chunk");
        assertArrayEquals("?".getBytes(StandardCharsets.US_ASCII), text.clean(new byte[] {csi[1]}, 1));
    }

    @Test
    void aHeldLeadByteThatWasNotAControlIsWrittenAfterAll() {
        byte[] pound = "\u00a3".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(new byte[0], text.clean(pound, 1));
        assertArrayEquals(pound, text.clean(new byte[] {pound[1]}, 1));
        assertArrayEquals(new byte[0], text.clean(pound, 1));
        assertArrayEquals(new byte[] {pound[0]}, text.finish(), "at the end of the stream");
    }
}
