package dev.endlessd.bench.service;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Services still running when the JVM exits (bench/run interrupted, or a bug) are stopped by a shutdown hook,
 * so that no endlessd, restarter or sample app outlives the benchmark.
 *
 * <p>Thread-safe.
 */
final class Cleanup {
    private static final Set<Service> RUNNING = new LinkedHashSet<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::stopAll, "stop-services"));
    }

    private Cleanup() {
    }

    static synchronized void started(Service service) {
        RUNNING.add(service);
    }

    static synchronized void stopped(Service service) {
        RUNNING.remove(service);
    }

    private static void stopAll() {
        List<Service> left;
        synchronized (Cleanup.class) {
            left = new ArrayList<>(RUNNING);
        }
        left.forEach(Service::close);
    }
}
