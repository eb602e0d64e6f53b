package dev.endlessd.control;

/**
 * Just enough JSON for the status object: nested objects and arrays of strings, numbers, booleans
 * and nulls, written in order, with strings escaped per RFC 8259. Commas are placed by the writer;
 * nesting is the caller's job. Not thread-safe.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder();
    private boolean afterValue;

    JsonWriter beginObject() {
        separate();
        out.append('{');
        afterValue = false;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        afterValue = true;
        return this;
    }

    JsonWriter beginArray() {
        separate();
        out.append('[');
        afterValue = false;
        return this;
    }

    JsonWriter endArray() {
        out.append(']');
        afterValue = true;
        return this;
    }

    JsonWriter name(String name) {
        separate();
        string(name);
        out.append(':');
        afterValue = false;
        return this;
    }

    JsonWriter value(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        afterValue = true;
        return this;
    }

    JsonWriter value(long value) {
        separate();
        out.append(value);
        afterValue = true;
        return this;
    }

    JsonWriter value(boolean value) {
        separate();
        out.append(value);
        afterValue = true;
        return this;
    }

    JsonWriter nullValue() {
        return value((String) null);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void separate() {
        if (afterValue) {
            out.append(',');
        }
    }

    private void string(String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // U+2028/2029 are valid JSON but end lines in JavaScript and some log viewers
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
