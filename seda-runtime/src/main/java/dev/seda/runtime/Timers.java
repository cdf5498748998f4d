package dev.seda.runtime;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Delivers events to stages later, once or periodically: SEDA's timer stage. One thread serves every
 * timer; it only offers events, so a slow handler never delays other timers. Timers due at the same
 * time fire in the order they were scheduled. An event the target does not admit is counted as
 * rejected, never retried silently.
 */
public final class Timers implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Timers.class.getName());

    /** A scheduled delivery; cancelling it before it fires means it never fires. */
    public interface Timer {
        /** @return whether this call cancelled it (false if it had already fired once-only, or was cancelled) */
        boolean cancel();

        boolean isCancelled();
    }

    /** Counters since creation. */
    public record Metrics(long scheduled, long fired, long rejected, long cancelled, int pending) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Entry<?>> due = new PriorityQueue<>();
    private final Thread thread;
    private long sequence;
    private boolean closed;

    private final LongAdder scheduled = new LongAdder();
    private final LongAdder fired = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder cancelled = new LongAdder();

    public Timers(String name) {
        thread = new Thread(this::run, "seda-" + name + "-timers");
        thread.setDaemon(true); // never keeps a JVM alive on its own; close() stops it
        thread.start();
    }

    /** Offers {@code event} to {@code target} once, after {@code delay}. */
    public <E> Timer after(Duration delay, Sink<? super E> target, E event) {
        Objects.requireNonNull(event, "event");
        return schedule(delay, Duration.ZERO, target, () -> event);
    }

    /** Offers a fresh {@code event.get()} to {@code target} every {@code period}, the first after one period. */
    public <E> Timer every(Duration period, Sink<? super E> target, Supplier<? extends E> event) {
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("timer period must be positive, got " + period);
        }
        return schedule(period, period, target, event);
    }

    private <E> Timer schedule(Duration delay, Duration period, Sink<? super E> target, Supplier<? extends E> event) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(event, "event");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("timer delay must not be negative, got " + delay);
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("timers are closed");
            }
            Entry<E> entry = new Entry<>(System.nanoTime() + delay.toNanos(), sequence++, period.toNanos(), target,
                    event);
            due.add(entry);
            scheduled.increment();
            changed.signal();
            return entry;
        } finally {
            lock.unlock();
        }
    }

    public Metrics metrics() {
        lock.lock();
        try {
            return new Metrics(scheduled.sum(), fired.sum(), rejected.sum(), cancelled.sum(), due.size());
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every timer and stops the thread; timers not yet due never fire. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            due.forEach(e -> e.cancelled.set(true));
            due.clear();
            changed.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            Entry<?> entry;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return;
                    }
                    Entry<?> head = due.peek();
                    long wait = head == null ? Long.MAX_VALUE : head.deadline - System.nanoTime();
                    if (head != null && wait <= 0) {
                        entry = due.poll();
                        break;
                    }
                    try {
                        if (head == null) {
                            changed.await();
                        } else {
                            changed.awaitNanos(wait);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (entry.cancelled.get()) {
                    continue;
                }
                if (entry.period > 0) {
                    // Fixed rate, without a burst of catch-up firings after a long pause.
                    long now = System.nanoTime();
                    long next = entry.deadline + entry.period;
                    due.add(entry.next(next - now < 0 ? now + entry.period : next, sequence++));
                }
            } finally {
                lock.unlock();
            }
            fire(entry);
        }
    }

    private <E> void fire(Entry<E> entry) {
        try {
            if (entry.target.offer(entry.event.get())) {
                fired.increment();
            } else {
                rejected.increment();
            }
        } catch (RuntimeException e) {
            rejected.increment();
            LOG.log(Level.WARNING, "timer event could not be delivered", e);
        }
    }

    private final class Entry<E> implements Comparable<Entry<?>>, Timer {
        final long deadline;
        final long order;
        final long period;
        final Sink<? super E> target;
        final Supplier<? extends E> event;
        // Shared by every firing of a periodic timer, so cancel() stops them all.
        final AtomicBoolean cancelled;

        Entry(long deadline, long order, long period, Sink<? super E> target, Supplier<? extends E> event) {
            this(deadline, order, period, target, event, new AtomicBoolean());
        }

        private Entry(long deadline, long order, long period, Sink<? super E> target, Supplier<? extends E> event,
                AtomicBoolean cancelled) {
            this.deadline = deadline;
            this.order = order;
            this.period = period;
            this.target = target;
            this.event = event;
            this.cancelled = cancelled;
        }

        Entry<E> next(long nextDeadline, long nextOrder) {
            return new Entry<>(nextDeadline, nextOrder, period, target, event, cancelled);
        }

        @Override
        public int compareTo(Entry<?> other) {
            int byTime = Long.compare(deadline - other.deadline, 0); // nanoTime may wrap: compare differences
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }

        @Override
        public boolean cancel() {
            if (!cancelled.compareAndSet(false, true)) {
                return false;
            }
            lock.lock();
            try {
                boolean waiting = due.removeIf(e -> e.cancelled == cancelled);
                if (waiting) {
                    cancelled();
                }
                return waiting;
            } finally {
                lock.unlock();
            }
        }

        private void cancelled() {
            Timers.this.cancelled.increment();
        }

        @Override
        public boolean isCancelled() {
            return cancelled.get();
        }
    }
}
