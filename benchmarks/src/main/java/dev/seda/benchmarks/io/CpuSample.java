package dev.seda.benchmarks.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's busy CPU time and this process's, from {@code /proc}, so a point can say how many
 * cores this JVM (client and server) used and how many everything else on the machine took meanwhile:
 * on a shared VM the second number is the noise. Both in clock ticks; NaN off Linux.
 */
record CpuSample(long nanos, double machineBusyTicks, double processTicks) {
    private static final double TICKS_PER_SECOND = 100;  // USER_HZ: 100 on every Linux this runs on

    static CpuSample now() {
        long t = System.nanoTime();
        try {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            double busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(cpu[i]);
            }
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] f = self.substring(self.lastIndexOf(')') + 2).split("\\s+");  // f[0] is field 3 (state)
            double own = Long.parseLong(f[11]) + Long.parseLong(f[12]);        // utime, stime: fields 14, 15
            return new CpuSample(t, busy, own);
        } catch (IOException | RuntimeException e) {
            return new CpuSample(t, Double.NaN, Double.NaN);
        }
    }

    /** Cores this process used between {@code earlier} and this sample. */
    double processCoresSince(CpuSample earlier) {
        return (processTicks - earlier.processTicks) / TICKS_PER_SECOND / seconds(earlier);
    }

    /** Cores every other process (and the hypervisor's steal) used between {@code earlier} and this sample. */
    double otherCoresSince(CpuSample earlier) {
        double other = (machineBusyTicks - earlier.machineBusyTicks) - (processTicks - earlier.processTicks);
        return Math.max(0, other) / TICKS_PER_SECOND / seconds(earlier);
    }

    private double seconds(CpuSample earlier) {
        return (nanos - earlier.nanos) / 1e9;
    }
}
