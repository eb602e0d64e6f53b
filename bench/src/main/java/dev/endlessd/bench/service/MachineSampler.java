package dev.endlessd.bench.service;

import dev.endlessd.bench.report.MachineLoad;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Measures how busy the machine and the benchmark's own JVM were between {@link #start} and {@link #stop}. */
public final class MachineSampler {
    private final double loadBefore;
    private final long[] cpuBefore;
    private final long selfCpuBefore;
    private final long wallBefore;

    private MachineSampler() {
        loadBefore = loadAverage();
        cpuBefore = cpuTicks();
        selfCpuBefore = selfCpuMillis();
        wallBefore = System.nanoTime();
    }

    public static MachineSampler start() {
        return new MachineSampler();
    }

    public MachineLoad stop() {
        long[] cpu = cpuTicks();
        long busy = cpu[0] - cpuBefore[0];
        long total = cpu[1] - cpuBefore[1];
        double wallMillis = (System.nanoTime() - wallBefore) / 1e6;
        return new MachineLoad(loadBefore, loadAverage(), total == 0 ? 0 : 100.0 * busy / total,
                100.0 * (selfCpuMillis() - selfCpuBefore) / Math.max(1, wallMillis));
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy and total ticks over all CPUs (idle and iowait count as not busy). */
    private static long[] cpuTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private static long selfCpuMillis() {
        return ProcSample.read(ProcessHandle.current().pid()).map(ProcSample::cpuMillis).orElse(0L);
    }
}
