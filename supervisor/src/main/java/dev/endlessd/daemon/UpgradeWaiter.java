package dev.endlessd.daemon;

/**
 * Someone waiting for an upgrade. The old code only ever tells a refusal: success is told by the
 * new code, on the connection the waiter carries across the exec ({@link CarriedConnection}).
 */
public interface UpgradeWaiter {
    /** The upgrade did not happen, for {@code reason}; the running code goes on. */
    void refused(String reason);
}
