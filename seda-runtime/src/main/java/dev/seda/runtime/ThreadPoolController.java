package dev.seda.runtime;

import java.util.function.LongSupplier;

/**
 * The thread-pool controller's decision, apart from threads so that it can be tested with a fake
 * clock. The idle-timeout half lives in the workers: a worker retires itself.
 */
final class ThreadPoolController {
    /** A backlog that the current threads clear within this many samples needs no more threads. */
    static final int DRAIN_HORIZON_SAMPLES = 5;

    private final LongSupplier clock;
    private volatile long intervalNanos;
    private volatile int threshold;
    private long nextSample;
    private int lastQueueLength = -1;

    ThreadPoolController(ThreadPoolControl control, LongSupplier clock) {
        this.clock = clock;
        this.intervalNanos = control.sampleInterval().toNanos();
        this.threshold = control.queueThreshold();
        this.nextSample = clock.getAsLong() + intervalNanos;
    }

    int threshold() {
        return threshold;
    }

    void setThreshold(int events) {
        threshold = events;
    }

    /**
     * Called often; samples only once per interval.
     *
     * @return whether to add a thread now
     */
    synchronized boolean sample(int queueLength, int threads, int maxThreads) {
        long now = clock.getAsLong();
        if (now - nextSample < 0) {
            return false;
        }
        nextSample = now + intervalNanos;
        // A backlog that the threads we have drain fast enough needs no more: adding then would only
        // overshoot, and with arrivals every few milliseconds no worker is ever idle long enough to
        // retire again (the paper's controller added on length alone).
        int drained = lastQueueLength < 0 ? 0 : lastQueueLength - queueLength;
        lastQueueLength = queueLength;
        boolean drainsSoon = drained > 0 && queueLength <= (long) drained * DRAIN_HORIZON_SAMPLES;
        return queueLength > threshold && !drainsSoon && threads < maxThreads;
    }
}
