package dev.seda.runtime;

import java.time.Duration;

/**
 * The thread-pool controller's knobs (SEDA's, as Sandstorm had them). While it is on, a stage with
 * its own threads starts with {@code minThreads}; every {@code sampleInterval} the controller adds
 * a thread when the queue held more than {@code queueThreshold} events on average over the interval
 * (looked at about ten times per interval, so a momentary burst is not taken for a backlog), unless the backlog shrank
 * since the last sample fast enough to be gone within 5 more samples (the threads it has drain it:
 * another would only overshoot, and rarely be idle long enough to retire), up to
 * {@code maxThreads}; a worker that found no event for {@code idleTimeout} exits while more than
 * {@code minThreads} run. Off, the stage runs exactly {@code maxThreads} threads.
 *
 * <p>It is on by default, but only acts on a stage whose threads are a range (min &lt; max).
 *
 * @param queueThreshold default 10, Haboob's value: Sandstorm's global 1000 suits unbounded
 *     queues, while seda's default queue holds 1024 events and would be full before it acted
 */
public record ThreadPoolControl(boolean enabled, Duration sampleInterval, int queueThreshold, Duration idleTimeout) {

    /** On: sample every 2 s, threshold 10 events, idle timeout 1 s. */
    public static final ThreadPoolControl DEFAULT =
            new ThreadPoolControl(true, Duration.ofSeconds(2), 10, Duration.ofSeconds(1));

    /** Off: a fixed pool of max threads. */
    public static final ThreadPoolControl OFF = DEFAULT.withEnabled(false);

    public ThreadPoolControl {
        checkPositive(sampleInterval, "sample interval");
        checkPositive(idleTimeout, "idle timeout");
        checkQueueThreshold(queueThreshold);
    }

    public ThreadPoolControl withEnabled(boolean on) {
        return new ThreadPoolControl(on, sampleInterval, queueThreshold, idleTimeout);
    }

    public ThreadPoolControl withSampleInterval(Duration interval) {
        return new ThreadPoolControl(enabled, interval, queueThreshold, idleTimeout);
    }

    public ThreadPoolControl withQueueThreshold(int events) {
        return new ThreadPoolControl(enabled, sampleInterval, events, idleTimeout);
    }

    public ThreadPoolControl withIdleTimeout(Duration timeout) {
        return new ThreadPoolControl(enabled, sampleInterval, queueThreshold, timeout);
    }

    static void checkQueueThreshold(int events) {
        if (events < 0) {
            throw new IllegalArgumentException("thread-pool queue threshold must not be negative, got " + events);
        }
    }

    static void checkPositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
