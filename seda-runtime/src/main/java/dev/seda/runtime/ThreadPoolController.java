package dev.seda.runtime;

import java.util.function.LongSupplier;

/**
 * The thread-pool controller's decision, apart from threads so that it can be tested with a fake
 * clock. The idle-timeout half lives in the workers: a worker retires itself.
 */
final class ThreadPoolController {
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
        // A backlog that shrank since the last sample is being drained by the threads we have:
        // adding one then would only overshoot (the paper's controller did, and oscillated).
        boolean notShrinking = lastQueueLength < 0 || queueLength >= lastQueueLength;
        lastQueueLength = queueLength;
        return queueLength > threshold && notShrinking && threads < maxThreads;
    }
}
