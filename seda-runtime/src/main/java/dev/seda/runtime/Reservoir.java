package dev.seda.runtime;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@value #CAPACITY} latency samples, for percentiles. Recording is two plain stores
 * (opaque, then release) and no atomic read-modify-write: it runs up to three times per event on a stage's hot path,
 * where a locked instruction per sample cost more than the queue handoff itself. Workers of one stage
 * recording at the same moment may overwrite each other's slot or count: a few samples are lost,
 * which does not bias percentiles. A snapshot copies and sorts, so it is meant for metrics reads; one
 * taken while writers run may mix a few samples of neighbouring moments.
 */
final class Reservoir {
    static final int CAPACITY = 1024;  // a power of two, so the index is a mask

    private final AtomicLongArray samples = new AtomicLongArray(CAPACITY);
    private final AtomicLong count = new AtomicLong();

    void record(long nanos) {
        long i = count.getOpaque();
        samples.setOpaque((int) (i & (CAPACITY - 1)), Math.max(0, nanos));
        count.setRelease(i + 1);  // a snapshot that sees the count sees the sample (free on x86)
    }

    /** Samples recorded since creation, kept or not (a few may be lost to racing writers). */
    long recorded() {
        return count.getAcquire();
    }

    LatencySummary summary() {
        int n = (int) Math.min(count.getAcquire(), CAPACITY);
        if (n == 0) {
            return LatencySummary.EMPTY;
        }
        long[] copy = new long[n];
        for (int i = 0; i < n; i++) {
            copy[i] = samples.getOpaque(i);
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
