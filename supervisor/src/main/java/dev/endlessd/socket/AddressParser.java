package dev.endlessd.socket;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The grammar of {@code --listen} addresses; errors name the argument, the problem and the forms accepted. */
final class AddressParser {
    private static final String EXPECTED = "expected: :PORT, HOST:PORT, [IPV6]:PORT or unix:/PATH";
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern BRACKETED = Pattern.compile("\\[([^\\]]+)]:(.*)");
    private static final Pattern BRACKETED_WITHOUT_PORT = Pattern.compile("\\[([^\\]]+)]");

    private AddressParser() {
    }

    static ListenAddress parse(String text) {
        String value = text.trim();
        if (value.startsWith("unix:")) {
            return unix(text, value.substring("unix:".length()));
        }
        Matcher scheme = SCHEME.matcher(value);
        if (scheme.find()) {
            throw problem(text, "unknown scheme \"" + scheme.group(1).toLowerCase(Locale.ROOT) + "\"");
        }
        if (DIGITS.matcher(value).matches()) {
            // Which addresses a bare port means differs between tools; every address is the riskier guess.
            throw problem(text, "a port without an address: write :" + value + " for every address, or 127.0.0.1:"
                    + value + " for this machine only");
        }
        Matcher bracketed = BRACKETED.matcher(value);
        if (bracketed.matches()) {
            return new ListenAddress.Tcp(bracketed.group(1), port(text, bracketed.group(2)));
        }
        if (BRACKETED_WITHOUT_PORT.matcher(value).matches()) {
            throw problem(text, "no port: write " + value + ":PORT");
        }
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw problem(text, "no port: write " + value + ":PORT");
        }
        String host = value.substring(0, colon);
        if (host.contains(":")) {
            throw problem(text, "an IPv6 address needs brackets, e.g. [::1]:8080");
        }
        boolean everyAddress = host.isEmpty() || host.equals("*");
        return new ListenAddress.Tcp(everyAddress ? null : host, port(text, value.substring(colon + 1)));
    }

    private static ListenAddress unix(String text, String rawPath) {
        if (rawPath.isEmpty()) {
            throw problem(text, "empty path");
        }
        if (rawPath.startsWith("@")) {
            throw problem(text, "abstract sockets are reachable by every local user; use a path in a private directory");
        }
        Path path = Path.of(rawPath).toAbsolutePath().normalize();
        if (path.toString().getBytes(StandardCharsets.UTF_8).length > ListenAddress.Unix.MAX_PATH_BYTES) {
            throw problem(text, "path longer than " + ListenAddress.Unix.MAX_PATH_BYTES
                    + " bytes, the kernel's limit for unix sockets");
        }
        return new ListenAddress.Unix(path);
    }

    private static int port(String text, String port) {
        if (!DIGITS.matcher(port).matches()) {
            throw problem(text, port.isEmpty() ? "no port" : "port \"" + port + "\" is not a number");
        }
        if (port.length() > 5 || Integer.parseInt(port) > 65535) {
            throw problem(text, "port " + port + " is out of range 0-65535");
        }
        return Integer.parseInt(port);
    }

    private static IllegalArgumentException problem(String text, String why) {
        return new IllegalArgumentException("listen: " + text + " (" + why + "; " + EXPECTED + ")");
    }
}
