package dev.seda.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One admission check on a stage's queue. A stage applies its policies in the order given to
 * {@link StageSettings#admission}, then its overload controller, then its {@link WhenFull}
 * behaviour; the first that says no decides the {@link RejectReason}. Policies are plain values:
 * every stage built from them gets its own state (a token bucket's tokens, say).
 */
public sealed interface AdmissionPolicy {

    /** Rejects ({@link RejectReason#THRESHOLD}) while the queue holds {@code length} events or more. */
    static AdmissionPolicy queueThreshold(int length) {
        return new QueueThreshold(length);
    }

    /**
     * Admits at most {@code eventsPerSecond} on average, and bursts of up to {@code burst} events
     * ({@link RejectReason#RATE}). The rate can be changed at run time ({@link Stage#setRateLimit}).
     */
    static AdmissionPolicy tokenBucket(double eventsPerSecond, int burst) {
        return new TokenBucket(eventsPerSecond, burst);
    }

    /**
     * Admits everything, but an event that waited in the queue longer than {@code deadline} is
     * discarded when dequeued instead of handled ({@link RejectReason#EXPIRED}): by then its
     * requester has usually given up, so handling it would only delay fresher events.
     */
    static AdmissionPolicy maxQueueAge(Duration deadline) {
        return new QueueAge(deadline);
    }

    /**
     * Admits the events the test accepts ({@link RejectReason#PREDICATE} otherwise). It runs on the
     * emitting thread, so keep it cheap; an exception from it propagates to the emitter. The
     * caller vouches that the stage's events are {@code E}s.
     */
    @SuppressWarnings("unchecked")
    static <E> AdmissionPolicy predicate(Predicate<? super E> test) {
        Objects.requireNonNull(test, "test");
        return new Test(e -> ((Predicate<Object>) test).test(e));
    }

    record QueueThreshold(int length) implements AdmissionPolicy {
        public QueueThreshold {
            if (length < 1) {
                throw new IllegalArgumentException("queue threshold must be at least 1, got " + length);
            }
        }
    }

    record TokenBucket(double eventsPerSecond, int burst) implements AdmissionPolicy {
        public TokenBucket {
            checkRate(eventsPerSecond);
            if (burst < 1) {
                throw new IllegalArgumentException("token bucket burst must be at least 1, got " + burst);
            }
        }
    }

    record QueueAge(Duration deadline) implements AdmissionPolicy {
        public QueueAge {
            if (deadline == null || deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("queue age deadline must be positive, got " + deadline);
            }
        }
    }

    record Test(Predicate<Object> test) implements AdmissionPolicy {
        public Test {
            Objects.requireNonNull(test, "test");
        }
    }

    /** @throws IllegalArgumentException unless 0 < rate < infinity */
    static void checkRate(double eventsPerSecond) {
        if (!(eventsPerSecond > 0) || Double.isInfinite(eventsPerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number of events per second, got "
                    + eventsPerSecond);
        }
    }
}
