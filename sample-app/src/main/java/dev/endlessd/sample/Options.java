package dev.endlessd.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line, parsed once into typed values.
 *
 * @param port          {@code --port}: the port to bind when no socket is inherited; empty for the default
 * @param config        {@code --config}: the properties file to read; empty to fall back to
 *                      {@code SAMPLE_CONFIG} or the built-in greeting
 * @param drainTimeout  {@code --drain-timeout}: how long a drain may take before the rest is cut
 * @param drainSpread   {@code --drain-spread}: how long into a drain keep-alive connections may go on being
 *                      served, each until a random moment of its own; shorter than {@code drainTimeout}
 * @param warmUpRequests {@code --warm-up}: requests sent to ourselves before reporting ready; 0 skips it
 * @param help          {@code --help}
 */
record Options(OptionalInt port, Optional<Path> config, Duration drainTimeout, Duration drainSpread,
               int warmUpRequests, boolean help) {

    static final int DEFAULT_PORT = 8080;
    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(25);
    static final Duration DEFAULT_DRAIN_SPREAD = Duration.ofMillis(500);
    static final int DEFAULT_WARM_UP_REQUESTS = 2000;
    static final int MAX_WARM_UP_REQUESTS = 1_000_000;

    static final String USAGE = String.join("\n",
            "Usage: java -jar sample-app.jar [--port N] [--config PATH] [--drain-timeout DURATION]",
            "                                [--drain-spread DURATION] [--warm-up N]",
            "",
            "A small HTTP service that behaves the way an endlessd worker should.",
            "",
            "  --port N                  port to bind when no socket is inherited (LISTEN_FDS); default "
                    + DEFAULT_PORT + ", 0 picks a free one",
            "  --config PATH             properties file with greeting=...; default: $SAMPLE_CONFIG, else a"
                    + " built-in greeting",
            "  --drain-timeout DURATION  after SIGTERM, how long in-flight requests may take before the rest"
                    + " are cut, e.g. 500ms, 25s, 2m; default " + DEFAULT_DRAIN_TIMEOUT.toSeconds() + "s",
            "  --drain-spread DURATION   after SIGTERM, keep-alive connections close at random moments within this"
                    + " time, not all after their next response; 0 for the latter; default "
                    + DEFAULT_DRAIN_SPREAD.toMillis() + "ms (at most half of --drain-timeout)",
            "  --warm-up N               requests sent to a private port before reporting ready; 0 skips it;"
                    + " default " + DEFAULT_WARM_UP_REQUESTS,
            "  -h, --help                show this help",
            "",
            "Environment: LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES (inherited sockets), NOTIFY_SOCKET (readiness),",
            "ENDLESSD_GENERATION (shown on GET /), SAMPLE_CONFIG (config path when --config is absent).",
            "Exit status: 0 after a drain, 1 when it cannot start, 2 on a command-line mistake.",
            "JVM flags: none needed. Under endlessd a new worker starts from its Java cache (on by default);"
                    + " -XX:TieredStopAtLevel=1",
            "halves the CPU to READY but costs about a third of the throughput (README.md, \"JVM flags\").");

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    static Options parse(String... args) throws UsageException {
        OptionalInt port = OptionalInt.empty();
        Optional<Path> config = Optional.empty();
        Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        Optional<Duration> drainSpread = Optional.empty();
        int warmUp = DEFAULT_WARM_UP_REQUESTS;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return new Options(port, config, drainTimeout, DEFAULT_DRAIN_SPREAD, warmUp, true);
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "' (this program takes options only;"
                        + " see --help)");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) { // an unknown option fails below either way
                value = args[++i];
            } else {
                value = null;
            }
            switch (name) {
                case "--port":
                    port = OptionalInt.of(integer("port", value, 0, 65535, "a port from 0 to 65535"));
                    break;
                case "--config":
                    config = Optional.of(path("config", value));
                    break;
                case "--drain-timeout":
                    drainTimeout = duration("drain-timeout", value, false);
                    break;
                case "--drain-spread":
                    drainSpread = Optional.of(duration("drain-spread", value, true));
                    break;
                case "--warm-up":
                    warmUp = integer("warm-up", value, 0, MAX_WARM_UP_REQUESTS,
                            "a request count from 0 to " + MAX_WARM_UP_REQUESTS);
                    break;
                default:
                    throw new UsageException("unknown option '" + name + "' (see --help)");
            }
        }
        return new Options(port, config, drainTimeout, spread(drainSpread, drainTimeout), warmUp, false);
    }

    private static Duration spread(Optional<Duration> given, Duration drainTimeout) throws UsageException {
        if (given.isEmpty()) {
            Duration half = drainTimeout.dividedBy(2);
            return half.compareTo(DEFAULT_DRAIN_SPREAD) < 0 ? half : DEFAULT_DRAIN_SPREAD;
        }
        if (given.get().compareTo(drainTimeout) >= 0) {
            throw new UsageException("drain-spread: " + text(given.get()) + " (expected: shorter than drain-timeout, "
                    + text(drainTimeout) + ")");
        }
        return given.get();
    }

    private static String text(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    private static int integer(String option, String value, int min, int max, String expected)
            throws UsageException {
        try {
            int parsed = Integer.parseInt(require(option, value, expected));
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + ": " + value + " (expected: " + expected + ")");
    }

    private static Path path(String option, String value) throws UsageException {
        if (require(option, value, "a file path").isEmpty()) {
            throw new UsageException(option + ": empty (expected: a file path)");
        }
        return Path.of(value);
    }

    private static Duration duration(String option, String value, boolean zeroAllowed) throws UsageException {
        String expected = (zeroAllowed ? ">= 0" : "> 0") + ", a number with unit ms, s or m, e.g. "
                + (zeroAllowed ? "500ms" : "25s");
        Matcher m = DURATION.matcher(require(option, value, expected));
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration parsed = unit.equals("ms") ? Duration.ofMillis(amount)
                    : unit.equals("m") ? Duration.ofMinutes(amount) : Duration.ofSeconds(amount);
            if (zeroAllowed || !parsed.isZero()) {
                return parsed;
            }
        }
        throw new UsageException(option + ": " + value + " (expected: " + expected + ")");
    }

    private static String require(String option, String value, String expected) throws UsageException {
        if (value == null) {
            throw new UsageException(option + ": missing value (expected: " + expected + ")");
        }
        return value;
    }
}
