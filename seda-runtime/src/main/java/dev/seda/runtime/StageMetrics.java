package dev.seda.runtime;

/**
 * Snapshot of a stage's counters. {@code arrivals} counts every offer; each arrival ends up either
 * admitted or rejected. Admitted events are later handled, failed or dropped (evicted by
 * {@link WhenFull#DROP_OLDEST}). The counters are read one after another, not atomically together.
 */
public record StageMetrics(String stage, long arrivals, long admitted, long rejected, long dropped,
                           long handled, long failed, int queueLength, int threads) {}
