package dev.endlessd.socket;

import java.util.regex.Pattern;

/**
 * One {@code --listen} argument: an address and the name the worker sees in {@code LISTEN_FDNAMES}.
 */
public record ListenSpec(String name, ListenAddress address) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,255}");
    private static final Pattern NAMED = Pattern.compile("([A-Za-z0-9_.-]+)=(.+)");

    public ListenSpec {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("listen: name \"" + name
                    + "\" (expected: 1-255 letters, digits, '_', '.' or '-')");
        }
    }

    /** Parses {@code ADDR} or {@code NAME=ADDR}, e.g. {@code web=:8080}. */
    public static ListenSpec parse(String text) {
        var named = NAMED.matcher(text.trim());
        if (named.matches() && !named.group(1).equals("unix")) {
            return new ListenSpec(named.group(1), ListenAddress.parse(named.group(2)));
        }
        ListenAddress address = ListenAddress.parse(text);
        return new ListenSpec(address.defaultName(), address);
    }

    @Override
    public String toString() {
        return name + "=" + address;
    }
}
