package dev.endlessd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));

    @Test
    void doublesPerFailureUpToTheCap() {
        assertEquals(Duration.ofMillis(100), backoff.next(Duration.ZERO));
        assertEquals(Duration.ofMillis(200), backoff.next(Duration.ZERO));
        assertEquals(Duration.ofMillis(400), backoff.next(Duration.ZERO));
        assertEquals(Duration.ofMillis(800), backoff.next(Duration.ZERO));
        assertEquals(Duration.ofSeconds(1), backoff.next(Duration.ZERO));
        assertEquals(Duration.ofSeconds(1), backoff.next(Duration.ZERO));
    }

    @Test
    void aWorkerThatStayedUpEarnsAFreshStart() {
        backoff.next(Duration.ZERO);
        backoff.next(Duration.ZERO);
        assertEquals(Duration.ofMillis(100), backoff.next(Duration.ofSeconds(30)));
        assertEquals(Duration.ofMillis(200), backoff.next(Duration.ofSeconds(29)));
    }
}
