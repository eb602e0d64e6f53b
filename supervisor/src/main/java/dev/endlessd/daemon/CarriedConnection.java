package dev.endlessd.daemon;

/**
 * A waiter that is a control connection, which an upgrade carries across its exec so that the new
 * code answers it. Waiters that are not (SIGHUP, SIGUSR1) are counted, not carried.
 */
public interface CarriedConnection {
    /** The connection's descriptor. */
    int connectionFd();
}
