package dev.endlessd.output;

import java.util.Arrays;

/**
 * Makes a byte stream safe to show on a terminal: control characters other than tab, newline and
 * carriage return become {@code ?}, escape (ESC) and DEL included, and so do C1 controls written in
 * UTF-8 ({@code C2 80} to {@code C2 9F}), which some terminals obey too. Otherwise a worker could send
 * escape sequences that make the terminal answer into its own input (the reply then reaches the shell
 * of whoever started endlessd), retitle it, or rewrite what is on screen. Everything else, UTF-8
 * included, passes unchanged. Keeps one byte of state across chunks; one instance per stream.
 */
final class TerminalText {
    private static final int UTF8_C1_LEAD = 0xC2;

    private boolean leadHeld;

    /** The safe form of {@code length} bytes of {@code chunk}, which may end in the middle of a character. */
    byte[] clean(byte[] chunk, int length) {
        byte[] out = new byte[length + 1];
        int written = 0;
        int i = 0;
        if (leadHeld) {
            leadHeld = false;
            if (length > 0 && isC1Continuation(chunk[0])) {
                out[written++] = '?';
                i = 1;
            } else {
                out[written++] = (byte) UTF8_C1_LEAD;
            }
        }
        for (; i < length; i++) {
            int b = chunk[i] & 0xff;
            if (b == UTF8_C1_LEAD && i + 1 == length) {
                leadHeld = true;
            } else if (b == UTF8_C1_LEAD && isC1Continuation(chunk[i + 1])) {
                out[written++] = '?';
                i++;
            } else {
                out[written++] = isControl(b) ? (byte) '?' : (byte) b;
            }
        }
        return Arrays.copyOf(out, written);
    }

    /** What is still held back at the end of the stream. */
    byte[] finish() {
        byte[] rest = leadHeld ? new byte[] {(byte) UTF8_C1_LEAD} : new byte[0];
        leadHeld = false;
        return rest;
    }

    private static boolean isControl(int b) {
        return b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f;
    }

    private static boolean isC1Continuation(byte b) {
        int value = b & 0xff;
        return value >= 0x80 && value <= 0x9f;
    }
}
