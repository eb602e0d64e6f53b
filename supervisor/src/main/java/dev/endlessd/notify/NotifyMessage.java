package dev.endlessd.notify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One sd_notify datagram: newline-separated {@code KEY=VALUE} lines. Lines that are not of that
 * form are kept aside in {@link #malformedLines()} rather than failing the whole message, as
 * systemd does.
 */
public record NotifyMessage(Map<String, String> fields, List<String> malformedLines) {

    public NotifyMessage {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        malformedLines = List.copyOf(malformedLines);
    }

    public static NotifyMessage parse(String datagram) {
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> malformed = new ArrayList<>();
        for (String line : datagram.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0 || !isKey(line.substring(0, equals))) {
                malformed.add(line);
            } else {
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return new NotifyMessage(fields, malformed);
    }

    private static boolean isKey(String key) {
        return key.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_');
    }

    public boolean ready() {
        return "1".equals(fields.get("READY"));
    }

    public boolean stopping() {
        return "1".equals(fields.get("STOPPING"));
    }

    public Optional<String> status() {
        return Optional.ofNullable(fields.get("STATUS"));
    }

    /** {@code EXTEND_TIMEOUT_USEC}: the worker asks for more time before it must be ready. */
    public Optional<Duration> extendTimeout() {
        String micros = fields.get("EXTEND_TIMEOUT_USEC");
        if (micros == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofNanos(Math.multiplyExact(Long.parseLong(micros.trim()), 1000L)));
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
