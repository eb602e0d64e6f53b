package dev.endlessd.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void noArgumentsMeansDefaults() throws UsageException {
        Options options = Options.parse();

        assertEquals(new Options(OptionalInt.empty(), Optional.empty(), Duration.ofSeconds(25), Duration.ofMillis(500),
                2000, false), options);
    }

    @Test
    void everyOptionTakesItsValueAfterASpaceOrAnEqualsSign() throws UsageException {
        Options spaced = Options.parse("--port", "9090", "--config", "app.properties", "--drain-timeout", "500ms",
                "--drain-spread", "200ms", "--warm-up", "0");
        Options joined = Options.parse("--port=9090", "--config=app.properties", "--drain-timeout=500ms",
                "--drain-spread=200ms", "--warm-up=0");

        Options expected = new Options(OptionalInt.of(9090), Optional.of(Path.of("app.properties")),
                Duration.ofMillis(500), Duration.ofMillis(200), 0, false);
        assertEquals(expected, spaced);
        assertEquals(expected, joined);
    }

    @Test
    void drainTimeoutUnitsDefaultToSeconds() throws UsageException {
        assertEquals(Duration.ofSeconds(30), Options.parse("--drain-timeout", "30").drainTimeout());
        assertEquals(Duration.ofSeconds(30), Options.parse("--drain-timeout", "30s").drainTimeout());
        assertEquals(Duration.ofMinutes(2), Options.parse("--drain-timeout", "2m").drainTimeout());
    }

    @Test
    void drainSpreadOfZeroClosesEveryConnectionAfterItsNextResponse() throws UsageException {
        assertEquals(Duration.ZERO, Options.parse("--drain-spread", "0").drainSpread());
        assertEquals(Duration.ZERO, Options.parse("--drain-spread", "0ms").drainSpread());
    }

    @Test
    void defaultDrainSpreadIsAtMostHalfTheDrainTimeout() throws UsageException {
        assertEquals(Duration.ofMillis(500), Options.parse("--drain-timeout", "2s").drainSpread());
        assertEquals(Duration.ofMillis(300), Options.parse("--drain-timeout", "600ms").drainSpread());
    }

    @Test
    void helpWinsOverEverythingElse() throws UsageException {
        assertTrue(Options.parse("--port", "1", "--help").help());
        assertTrue(Options.parse("-h").help());
    }

    @Test
    void errorsNameTheOptionTheValueAndTheExpectation() {
        assertUsageError("drain-timeout: -1s (expected: > 0, a number with unit ms, s or m, e.g. 25s)",
                "--drain-timeout", "-1s");
        assertUsageError("drain-timeout: 0s (expected: > 0, a number with unit ms, s or m, e.g. 25s)",
                "--drain-timeout=0s");
        assertUsageError("drain-spread: -1ms (expected: >= 0, a number with unit ms, s or m, e.g. 500ms)",
                "--drain-spread", "-1ms");
        assertUsageError("drain-spread: 30s (expected: shorter than drain-timeout, 25s)", "--drain-spread", "30s");
        assertUsageError("drain-spread: 2s (expected: shorter than drain-timeout, 1500ms)", "--drain-spread", "2s",
                "--drain-timeout", "1500ms");
        assertUsageError("port: 70000 (expected: a port from 0 to 65535)", "--port", "70000");
        assertUsageError("port: http (expected: a port from 0 to 65535)", "--port=http");
        assertUsageError("warm-up: -5 (expected: a request count from 0 to 1000000)", "--warm-up", "-5");
        assertUsageError("port: missing value (expected: a port from 0 to 65535)", "--port");
        assertUsageError("config: empty (expected: a file path)", "--config=");
    }

    @Test
    void unknownOptionsAndStrayArgumentsAreRejected() {
        assertUsageError("unknown option '--verbose' (see --help)", "--verbose");
        assertUsageError("unexpected argument '8080' (this program takes options only; see --help)", "8080");
    }

    private static void assertUsageError(String message, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> Options.parse(args));
        assertEquals(message, e.getMessage());
    }
}
