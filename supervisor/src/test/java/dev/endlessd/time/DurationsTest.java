package dev.endlessd.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertEquals(Duration.ofMillis(500), Durations.parse("x", "500ms"));
        assertEquals(Duration.ofSeconds(3), Durations.parse("x", "3s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("x", "2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("x", "1h"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "1", "s", "1.5s", "1 sec", "", "10000000000s"})
    void refusesOtherFormsNamingTheOptionAndTheExpectation(String text) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Durations.parse("drain-timeout", text));
        assertEquals("drain-timeout: " + text + " (expected: a number and a unit, e.g. 500ms, 3s, 2m, 1h)",
                error.getMessage());
    }

    @Test
    void formatsForHumans() {
        assertEquals("812 ms", Durations.format(Duration.ofMillis(812)));
        assertEquals("3.2s", Durations.format(Duration.ofMillis(3200)));
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("2m30s", Durations.format(Duration.ofSeconds(150)));
        assertEquals("1h", Durations.format(Duration.ofHours(1)));
    }
}
