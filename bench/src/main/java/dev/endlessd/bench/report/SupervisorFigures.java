package dev.endlessd.bench.report;

import dev.endlessd.bench.service.ProcSample;

/**
 * The long-lived process of a scenario, sampled from /proc.
 *
 * @param process     what it is, e.g. {@code endlessd}
 * @param before      right after the first worker was ready, before any load
 * @param after       after the load, before the service was stopped
 * @param maxRssKiB   the highest VmRSS seen while sampling every 250 ms during the load
 */
public record SupervisorFigures(String process, ProcSample before, ProcSample after, long maxRssKiB) {
    /** CPU used from {@code before} to {@code after}, in milliseconds. */
    public long cpuMillisDuringLoad() {
        return after.cpuMillis() - before.cpuMillis();
    }
}
