package dev.endlessd.bench.service;

import dev.endlessd.bench.report.MachineLoad;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Measures how busy the machine was between {@link #start} and {@link #stop}, and how much of that was
 * the benchmark itself (its JVM and the services it runs, with their exited children) and how much was
 * other work on the machine. Shares are of the whole machine: 100% means every core busy all the time.
 */
public final class MachineSampler {
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    private final List<Long> services;
    private final double loadBefore;
    private final long ticksBefore;
    private final long selfBefore;
    private final long servicesBefore;
    private final long wallBefore;

    private MachineSampler(List<Long> services) {
        this.services = services;
        loadBefore = loadAverage();
        ticksBefore = busyTicks();
        selfBefore = ProcSample.treeCpuMillis(ProcessHandle.current().pid(), false);
        servicesBefore = servicesCpuMillis();
        wallBefore = System.nanoTime();
    }

    /** @param services the pids of the services' long-lived processes, sampled with all their descendants */
    public static MachineSampler start(List<Long> services) {
        return new MachineSampler(services);
    }

    public MachineLoad stop() {
        long ticks = busyTicks();
        double capacityMillis = (System.nanoTime() - wallBefore) / 1e6 * CPUS;
        double busyMillis = (ticks - ticksBefore) * 1000.0 / ProcSample.TICKS_PER_SECOND;
        long self = ProcSample.treeCpuMillis(ProcessHandle.current().pid(), false) - selfBefore;
        long served = servicesCpuMillis() - servicesBefore;
        return new MachineLoad(loadBefore, loadAverage(), share(busyMillis, capacityMillis),
                share(self, capacityMillis), share(served, capacityMillis),
                share(Math.max(0, busyMillis - self - served), capacityMillis));
    }

    private long servicesCpuMillis() {
        return services.stream().mapToLong(pid -> ProcSample.treeCpuMillis(pid, true)).sum();
    }

    private static double share(double millis, double capacityMillis) {
        return capacityMillis <= 0 ? 0 : 100.0 * millis / capacityMillis;
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy ticks over all CPUs: all but idle and iowait. */
    private static long busyTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return total - idle;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
