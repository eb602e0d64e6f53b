package dev.endlessd.bench.report;

/**
 * How busy the machine was while one scenario ran, to judge how much other work disturbed it.
 *
 * @param loadAverageBefore    the 1-minute load average when the scenario started
 * @param loadAverageAfter     the 1-minute load average when it ended
 * @param busyPercent          all CPUs, from /proc/stat: 100 means every core busy the whole time
 * @param generatorCpuPercent  of that, the benchmark's own JVM (load generator), in percent of one core
 */
public record MachineLoad(double loadAverageBefore, double loadAverageAfter, double busyPercent,
                          double generatorCpuPercent) {
}
