package dev.seda.runtime;

import java.util.function.LongSupplier;

/**
 * The thread-pool controller's decision, apart from threads so that it can be tested with a fake
 * clock. The idle-timeout half lives in the workers: a worker retires itself.
 */
final class ThreadPoolController {
    /** A backlog that the current threads clear within this many samples needs no more threads. */
    static final int DRAIN_HORIZON_SAMPLES = 5;
    /** An added thread must raise the rate of handled events by this share, or it is taken back. */
    static final double MIN_GAIN = 0.05;
    /** After a thread that did not help, this many samples pass before the stage may grow past it again. */
    static final int HOLD_SAMPLES = 15;

    private final LongSupplier clock;
    private volatile long intervalNanos;
    private volatile int threshold;
    private long nextSample;
    private long lengthSum;
    private int lengthCount;
    private double lastQueueLength = -1;
    private long lastHandled = -1;
    private long lastSampleAt;
    private double rateBeforeAdd = -1;  // handled/s over the interval before the last add; -1: nothing to judge
    private volatile int ceiling = Integer.MAX_VALUE;  // threads the stage may run, below its max while held
    private int holdLeft;

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

    /** The thread {@link #sample} asked for was not started after all: the next sample has nothing to judge. */
    synchronized void notAdded() {
        rateBeforeAdd = -1;
    }

    /**
     * Threads the stage may run now: {@link Integer#MAX_VALUE}, or for a while after an added thread
     * did not raise throughput, one less than it had then (workers above it retire).
     */
    int ceiling() {
        return ceiling;
    }

    /**
     * Called several times per interval; decides once per interval on the mean queue length seen,
     * so that a momentary burst is not mistaken for a backlog. The interval after an addition judges
     * it: if the backlog is still there and the stage handled less than 5% more events per second
     * than before, the thread only took CPU time from others (a CPU-bound stage on busy cores), so
     * the {@link #ceiling()} drops below it for {@value #HOLD_SAMPLES} samples.
     *
     * @param handled events the stage has handled since it started
     * @return whether to add a thread now
     */
    synchronized boolean sample(int length, int threads, int minThreads, int maxThreads, long handled) {
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
        double rate = lastHandled < 0 || now == lastSampleAt ? -1 : (handled - lastHandled) * 1e9 / (now - lastSampleAt);
        lastHandled = handled;
        lastSampleAt = now;
        if (holdLeft > 0 && --holdLeft == 0) {
            ceiling = Integer.MAX_VALUE;
        }
        double before = rateBeforeAdd;
        rateBeforeAdd = -1;
        if (before >= 0 && rate >= 0 && queueLength > threshold && rate < before * (1 + MIN_GAIN)
                && threads > minThreads) {
            ceiling = threads - 1;
            holdLeft = HOLD_SAMPLES;
            lastQueueLength = queueLength;
            return false;
        }
        // A backlog that the threads we have drain fast enough needs no more: adding then would only
        // overshoot, and with arrivals every few milliseconds no worker is ever idle long enough to
        // retire again (the paper's controller added on length alone).
        double drained = lastQueueLength < 0 ? 0 : lastQueueLength - queueLength;
        lastQueueLength = queueLength;
        boolean drainsSoon = drained > 0 && queueLength <= drained * DRAIN_HORIZON_SAMPLES;
        boolean add = queueLength > threshold && !drainsSoon && threads < Math.min(maxThreads, ceiling);
        if (add) {
            rateBeforeAdd = rate;
        }
        return add;
    }
}
