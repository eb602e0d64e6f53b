package dev.endlessd.log;

/**
 * Text that came from a peer (a worker, a client), made safe to log or print: a terminal that shows
 * endlessd's log or {@code endlessd status} must not obey escape sequences a worker of another user chose.
 */
public final class PeerText {
    private PeerText() {
    }

    /**
     * At most {@code max} characters of {@code text}, with anything but printable ASCII shown as
     * {@code \xNN} (quotes and backslashes too, so that the result can be quoted), and "..." when cut.
     */
    public static String printable(String text, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < max; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\x%02x", (int) c & 0xff));
            }
        }
        return text.length() > max ? out + "..." : out.toString();
    }

    /** {@code text} with control characters (C0, DEL and C1) replaced by {@code ?}; other Unicode kept. */
    public static String terminalSafe(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
