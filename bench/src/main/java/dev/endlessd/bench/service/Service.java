package dev.endlessd.bench.service;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * A way of running the sample app that the benchmark puts load on: under endlessd, under the stop-then-start
 * restarter, or alone.
 *
 * <p>Not thread-safe: the scenario driver's thread calls every method.
 */
public interface Service extends AutoCloseable {

    /** Starts the service and returns once it serves. */
    void start() throws IOException, InterruptedException;

    /** The TCP port it serves on (all addresses). */
    int port();

    /** Asks for a reload and returns once it is over: the new worker ready and the old one gone, or failed. */
    Reload reload() throws IOException, InterruptedException;

    /** The process the benchmark started: the supervisor, or the app itself. */
    long pid();

    /** The process that stays while workers come and go, if there is one. */
    OptionalLong supervisorPid();

    /** Stops the service and every process it started. Never throws. */
    @Override
    void close();
}
