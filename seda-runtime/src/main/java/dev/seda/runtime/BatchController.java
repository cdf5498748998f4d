package dev.seda.runtime;

import java.util.function.LongSupplier;

/** Sandstorm's AggThrottle, as described by {@link BatchControl}; testable with a fake clock. */
final class BatchController {
    static final double SMOOTHING = 0.7;  // weight of the old value in the throughput EWMA
    static final double FACTOR = 1.2;
    static final double HOLDS = 0.9;
    static final double SUDDEN_DROP = 0.2;
    static final double SUDDEN_JUMP = 2.0;

    private final LongSupplier clock;
    private final long windowNanos;
    private volatile int min;
    private volatile int max;
    private volatile int target;

    private long windowStart;
    private long events;
    private double smoothed = -1;  // events per second; -1 before the first window
    private double best;

    BatchController(int min, int max, BatchControl control, LongSupplier clock) {
        this.clock = clock;
        this.windowNanos = control.window().toNanos();
        this.min = min;
        this.max = max;
        this.target = max;
        this.windowStart = clock.getAsLong();
    }

    int target() {
        return target;
    }

    /** A decision: {@code null} when nothing changed. */
    record Change(String action, int from, int to, String reason) {}

    /** Counts a handled batch; at the end of a window, adjusts the target. */
    synchronized Change onBatch(int size) {
        events += size;
        long now = clock.getAsLong();
        long elapsed = now - windowStart;
        if (elapsed < windowNanos) {
            return null;
        }
        double throughput = events * 1e9 / elapsed;
        events = 0;
        windowStart = now;
        int before = target;
        if (smoothed < 0) {
            smoothed = throughput;
            best = throughput;
            return null;
        }
        String why;
        String action;
        if (throughput < SUDDEN_DROP * smoothed || throughput > SUDDEN_JUMP * smoothed) {
            why = String.format("load changed suddenly: %.0f events/s against %.0f", throughput, smoothed);
            action = "reset";
            smoothed = throughput;
            best = throughput;
            target = max;
        } else {
            smoothed = SMOOTHING * smoothed + (1 - SMOOTHING) * throughput;
            if (smoothed >= HOLDS * best) {
                best = Math.max(best, smoothed);
                action = "shrink";
                why = String.format("throughput holds at %.0f events/s (best %.0f)", smoothed, best);
                target = Math.max(min, (int) (target / FACTOR));
            } else {
                action = "grow";
                why = String.format("throughput fell to %.0f events/s (best %.0f)", smoothed, best);
                target = Math.min(max, Math.max(target + 1, (int) Math.ceil(target * FACTOR)));
            }
        }
        return target == before ? null : new Change(action, before, target, why);
    }
}
