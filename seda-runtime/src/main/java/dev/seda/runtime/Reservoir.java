package dev.seda.runtime;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@value #CAPACITY} latency samples, for percentiles. Recording is one atomic increment
 * and one store, no lock; a snapshot copies and sorts, so it is meant for metrics reads, not the
 * hot path. A snapshot taken while writers run may mix a few samples of neighbouring moments.
 */
final class Reservoir {
    static final int CAPACITY = 1024;  // a power of two, so the index is a mask

    private final AtomicLongArray samples = new AtomicLongArray(CAPACITY);
    private final AtomicLong count = new AtomicLong();

    void record(long nanos) {
        long i = count.getAndIncrement();
        samples.lazySet((int) (i & (CAPACITY - 1)), Math.max(0, nanos));
    }

    LatencySummary summary() {
        int n = (int) Math.min(count.get(), CAPACITY);
        if (n == 0) {
            return LatencySummary.EMPTY;
        }
        long[] copy = new long[n];
        for (int i = 0; i < n; i++) {
            copy[i] = samples.get(i);
        }
        Arrays.sort(copy);
        return new LatencySummary(n, percentile(copy, 0.50), percentile(copy, 0.90), percentile(copy, 0.99), copy[n - 1]);
    }

    /** Nearest rank on sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
