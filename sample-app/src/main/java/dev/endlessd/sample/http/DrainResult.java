package dev.endlessd.sample.http;

import java.time.Duration;

/**
 * How a drain ended.
 *
 * @param connectionsCut connections still open when the deadline came and that were closed anyway;
 *                       0 when every connection finished by itself
 * @param took           from the drain's start to its end
 */
public record DrainResult(int connectionsCut, Duration took) {

    /** {@code true} when every connection finished before the deadline. */
    public boolean isClean() {
        return connectionsCut == 0;
    }
}
