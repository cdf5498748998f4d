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
    private long lengthSum;
    private int lengthCount;
    private double lastQueueLength = -1;

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
     * Called several times per interval; decides once per interval on the mean queue length seen,
     * so that a momentary burst is not mistaken for a backlog.
     *
     * @return whether to add a thread now
     */
    synchronized boolean sample(int length, int threads, int maxThreads) {
        long now = clock.getAsLong();
        lengthSum += length;
        lengthCount++;
        if (now - nextSample < 0) {
            return false;
        }
        nextSample = now + intervalNanos;
        double queueLength = (double) lengthSum / lengthCount;
        lengthSum = 0;
        lengthCount = 0;
        // A backlog that the threads we have drain fast enough needs no more: adding then would only
        // overshoot, and with arrivals every few milliseconds no worker is ever idle long enough to
        // retire again (the paper's controller added on length alone).
        double drained = lastQueueLength < 0 ? 0 : lastQueueLength - queueLength;
        lastQueueLength = queueLength;
        boolean drainsSoon = drained > 0 && queueLength <= drained * DRAIN_HORIZON_SAMPLES;
        return queueLength > threshold && !drainsSoon && threads < maxThreads;
    }
}
