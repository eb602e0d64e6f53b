package dev.endlessd.daemon;

import java.time.Duration;
import java.time.Instant;

/** The outcome of the most recent reload, restart or start, for status output. */
public record ReloadRecord(String kind, ReloadOutcome outcome, Duration took, Instant finishedAt) {
}
