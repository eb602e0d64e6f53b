package dev.endlessd.bench.report;

/**
 * How busy the machine was while one scenario ran, to judge how much other work disturbed it.
 *
 * <p>Shares are of the whole machine: 100 means every core busy all the time.
 *
 * @param loadAverageBefore the 1-minute load average when the scenario started (it counts the benchmark's
 *                          own runnable threads too, and lags: a poor witness, kept for reference)
 * @param loadAverageAfter  the 1-minute load average when it ended
 * @param busyPercent       all CPUs, from /proc/stat
 * @param generatorPercent  of that, the benchmark's JVM: the load generator
 * @param servicePercent    of that, the service: supervisor, workers (also those that exited meanwhile)
 * @param othersPercent     of that, everything else on the machine: the disturbance
 */
public record MachineLoad(double loadAverageBefore, double loadAverageAfter, double busyPercent,
                          double generatorPercent, double servicePercent, double othersPercent) {
}
