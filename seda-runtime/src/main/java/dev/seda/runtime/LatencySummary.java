package dev.seda.runtime;

/**
 * Percentiles of a stage's recent latencies, in nanoseconds, over the last samples kept (up to
 * {@value Reservoir#CAPACITY}). All zero before the first sample.
 *
 * @param samples how many samples the percentiles were computed from
 */
public record LatencySummary(int samples, long p50Nanos, long p90Nanos, long p99Nanos, long maxNanos) {
    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0);
}
