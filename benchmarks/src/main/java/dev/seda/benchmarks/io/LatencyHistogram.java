package dev.seda.benchmarks.io;

/**
 * Response times in microseconds, in buckets of about 3% (32 per power of two above 64 µs, exact
 * below), so percentiles cost no allocation per sample and any number of samples fits. One writer
 * thread each; {@link #add} merges them afterwards. The mean is exact (a running sum of nanoseconds).
 */
final class LatencyHistogram {
    private static final int SUB = 32;                  // buckets per power of two above EXACT
    private static final int EXACT = 64;                // 0..63 µs: one bucket per microsecond
    private static final int MAX_MSB = 40;              // 2^40 µs is 12 days: anything above is clamped
    private static final int BUCKETS = EXACT + (MAX_MSB - 5) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sumNanos;

    void record(long nanos) {
        long us = Math.max(0, nanos / 1000);
        counts[index(us)]++;
        count++;
        sumNanos += Math.max(0, nanos);
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sumNanos += other.sumNanos;
    }

    long count() {
        return count;
    }

    /** Mean in milliseconds, NaN when empty. */
    double meanMillis() {
        return count == 0 ? Double.NaN : sumNanos / 1e6 / count;
    }

    /** The q-quantile (0 < q <= 1) in milliseconds, the middle of its bucket; NaN when empty. */
    double quantileMillis(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return middleMicros(i) / 1000.0;
            }
        }
        return middleMicros(BUCKETS - 1) / 1000.0;
    }

    static int index(long us) {
        if (us < EXACT) {
            return (int) us;
        }
        int msb = Math.min(MAX_MSB, 63 - Long.numberOfLeadingZeros(us));  // >= 6
        if (msb == MAX_MSB) {
            return BUCKETS - 1;
        }
        int shift = msb - 5;
        return EXACT + (msb - 6) * SUB + (int) ((us >>> shift) & (SUB - 1));
    }

    static double middleMicros(int index) {
        if (index < EXACT) {
            return index + 0.5;
        }
        int octave = (index - EXACT) / SUB;  // msb - 6
        int sub = (index - EXACT) % SUB;
        int shift = octave + 1;              // msb - 5
        long lower = (long) (SUB + sub) << shift;
        return lower + (1L << shift) / 2.0;
    }
}
