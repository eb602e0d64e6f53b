package dev.endlessd.sample;

/** A command-line mistake; its message names the option, the value and what was expected. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
