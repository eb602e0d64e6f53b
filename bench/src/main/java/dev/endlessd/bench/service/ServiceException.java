package dev.endlessd.bench.service;

/** A service under test did not do what the benchmark waited for; the message says what and quotes its log. */
public final class ServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServiceException(String message) {
        super(message);
    }
}
