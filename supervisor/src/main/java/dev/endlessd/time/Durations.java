package dev.endlessd.time;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The duration syntax of endlessd's flags and logs: {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}. */
public final class Durations {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /** What a duration looks like, for error messages. */
    public static final String EXPECTED = "a number and a unit, e.g. 500ms, 3s, 2m, 1h";

    private Durations() {
    }

    /**
     * @param option the flag being parsed, named in the error message
     * @throws IllegalArgumentException naming the flag, the value and the expected form
     */
    public static Duration parse(String option, String text) {
        Matcher matcher = SYNTAX.matcher(text == null ? "" : text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(option + ": " + text + " (expected: " + EXPECTED + ")");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** Short human form: "812 ms", "3.2s", "30s", "2m", "2m30s". */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 10_000 && millis % 1000 != 0) {
            long tenths = Math.round(millis / 100.0);
            return tenths / 10 + "." + tenths % 10 + "s";
        }
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        return minutes / 60 + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
    }
}
