package dev.endlessd.watch;

/**
 * How a reload asked for by a change went.
 *
 * @param description e.g. "gen=3 pid=4242 serves", or the reason it failed
 */
public record ReloadResult(boolean succeeded, String description) {
}
