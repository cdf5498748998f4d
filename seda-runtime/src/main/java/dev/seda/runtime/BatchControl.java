package dev.seda.runtime;

import java.time.Duration;

/**
 * The batching controller's knobs (Sandstorm's AggThrottle). For a stage whose batch is a range
 * (min &lt; max) it starts the batch target at max, and after every {@code window} of handling it
 * compares the smoothed throughput with the best seen: while throughput holds (at least 0.9x the
 * best) it shrinks the target by /1.2, for lower latency; when throughput drops below that it
 * grows the target by x1.2; a sudden change in load (the window's throughput below 0.2x or above
 * 2x the smoothed one) resets the target to max and forgets the best. Off, the target stays max.
 */
public record BatchControl(boolean enabled, Duration window) {

    /** On, 1 s windows. */
    public static final BatchControl DEFAULT = new BatchControl(true, Duration.ofSeconds(1));

    /** Off: batches of up to max events. */
    public static final BatchControl OFF = new BatchControl(false, Duration.ofSeconds(1));

    public BatchControl {
        ThreadPoolControl.checkPositive(window, "batch window");
    }
}
