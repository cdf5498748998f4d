package dev.seda.runtime;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A stage: a bounded queue, admission by {@link WhenFull}, and a pool of worker threads running the
 * handler. Created by {@link SedaGraph.Builder#stage}; started and stopped by its {@link SedaGraph}.
 *
 * <p>Events offered before the graph starts wait in the queue. Once the graph's stop reaches this
 * stage and closes it, every offer is rejected (and counted).
 */
public final class Stage<E> implements Sink<E> {
    private static final Logger LOG = System.getLogger(Stage.class.getName());
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String graphName;
    private final StageSettings settings;
    private final BlockingQueue<E> queue;

    private EventHandler<E> handler;
    private BatchHandler<E> batchHandler;

    // Seam for the batching controller: it will move this between minBatch and maxBatch.
    private volatile int batchTarget;

    private final LongAdder arrivals = new LongAdder();
    private final LongAdder admitted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder handled = new LongAdder();
    private final LongAdder failed = new LongAdder();

    // Admitted events not yet handled, failed or dropped: 0 means empty queue and no handler running.
    private final AtomicLong pending = new AtomicLong();
    // Offers between their "closed?" check and their outcome; lets close() wait for stragglers.
    private final AtomicInteger offersInProgress = new AtomicInteger();
    private volatile boolean closed;
    private volatile boolean shutdown;

    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger liveWorkers = new AtomicInteger();

    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - 2 * FAILURE_LOG_INTERVAL_NANOS);
    private final AtomicLong unloggedFailures = new AtomicLong();

    Stage(String graphName, StageSettings settings) {
        this.graphName = graphName;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.batchTarget = settings.maxBatch();
    }

    public String name() {
        return settings.name();
    }

    public StageSettings settings() {
        return settings;
    }

    /**
     * Offers an event. When the queue is full: {@link WhenFull#REJECT} returns {@code false} at once;
     * {@link WhenFull#BLOCK} waits up to the block timeout, then returns {@code false};
     * {@link WhenFull#DROP_OLDEST} evicts the oldest event (counted as dropped) and returns
     * {@code true}. A closed stage returns {@code false}. Every {@code false} is counted as rejected.
     */
    @Override
    public boolean offer(E event) {
        Objects.requireNonNull(event, "event");
        arrivals.increment();
        offersInProgress.incrementAndGet();
        try {
            if (closed) {
                rejected.increment();
                return false;
            }
            // Counted before the event becomes visible, so a worker can never make pending negative.
            pending.incrementAndGet();
            boolean ok;
            try {
                ok = enqueue(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ok = false;
            }
            if (ok) {
                admitted.increment();
            } else {
                pending.decrementAndGet();
                rejected.increment();
            }
            return ok;
        } finally {
            offersInProgress.decrementAndGet();
        }
    }

    private boolean enqueue(E event) throws InterruptedException {
        switch (settings.whenFull()) {
            case REJECT:
                return queue.offer(event);
            case BLOCK:
                return queue.offer(event, settings.blockTimeout().toNanos(), TimeUnit.NANOSECONDS);
            case DROP_OLDEST:
                while (!queue.offer(event)) {
                    if (queue.poll() != null) {
                        dropped.increment();
                        pending.decrementAndGet();
                    }
                }
                return true;
            default:
                throw new AssertionError(settings.whenFull());
        }
    }

    public int queueLength() {
        return queue.size();
    }

    public StageMetrics metrics() {
        return new StageMetrics(name(), arrivals.sum(), admitted.sum(), rejected.sum(), dropped.sum(),
                handled.sum(), failed.sum(), queue.size(), liveWorkers.get());
    }

    @Override
    public String toString() {
        return "Stage[" + name() + "]";
    }

    // ---- wiring and lifecycle, driven by SedaGraph ----

    void setHandler(EventHandler<E> h) {
        checkNoHandler();
        handler = Objects.requireNonNull(h, "handler");
    }

    void setBatchHandler(BatchHandler<E> h) {
        checkNoHandler();
        batchHandler = Objects.requireNonNull(h, "batchHandler");
    }

    private void checkNoHandler() {
        if (handler != null || batchHandler != null) {
            throw new IllegalStateException("stage '" + name() + "' already has a handler");
        }
    }

    boolean hasHandler() {
        return handler != null || batchHandler != null;
    }

    /**
     * Starts the workers. For now the pool is fixed at maxThreads; the thread-pool controller will
     * start at minThreads and grow/shrink between the bounds from queue length and idle time.
     */
    void start() {
        for (int i = 1; i <= settings.maxThreads(); i++) {
            Thread t = new Thread(this::runWorker, "seda-" + graphName + "-" + name() + "-" + i);
            workers.add(t);
            liveWorkers.incrementAndGet();  // counted here so metrics never under-report a started pool
            t.start();
        }
    }

    private void runWorker() {
        try {
            while (!shutdown) {
                E first;
                try {
                    first = queue.take();
                } catch (InterruptedException e) {
                    continue;  // stop() interrupts to end us; the loop condition decides
                }
                if (batchHandler == null) {
                    handleOne(first);
                } else {
                    List<E> batch = new ArrayList<>(batchTarget);
                    batch.add(first);
                    // Never waits to fill a batch: as many as are queued, up to the target.
                    queue.drainTo(batch, batchTarget - 1);
                    handleBatch(batch);
                }
            }
        } finally {
            liveWorkers.decrementAndGet();
        }
    }

    private void handleOne(E event) {
        try {
            handler.handle(event);
            handled.increment();
        } catch (Throwable t) {  // a failing handler must never end its worker
            onFailure(1, t);
        } finally {
            pending.decrementAndGet();
        }
    }

    private void handleBatch(List<E> batch) {
        int n = batch.size();
        try {
            batchHandler.handle(batch);
            handled.add(n);
        } catch (Throwable t) {
            onFailure(n, t);
        } finally {
            pending.addAndGet(-n);
        }
    }

    private void onFailure(int events, Throwable t) {
        failed.add(events);
        // Rate-limited so a handler failing on every event cannot flood the log; always counted.
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLog.compareAndSet(last, now)) {
            long unlogged = unloggedFailures.getAndSet(0);
            LOG.log(Level.WARNING, () -> "stage '" + name() + "' of graph '" + graphName + "': handler failed"
                    + (unlogged > 0 ? " (" + unlogged + " earlier failures not logged)" : ""), t);
        } else {
            unloggedFailures.incrementAndGet();
        }
    }

    /** Waits until no admitted event is queued or running. */
    boolean awaitIdle(long deadlineNanos) {
        return awaitZero(() -> pending.get() == 0, deadlineNanos);
    }

    /**
     * Drains and closes: waits until idle, rejects further offers, handles what slipped in while
     * closing, then ends the workers. Past the deadline the workers are interrupted regardless.
     *
     * @return whether every admitted event was handled in time
     */
    boolean drainAndClose(long deadlineNanos) {
        boolean drained = awaitIdle(deadlineNanos);
        closed = true;
        // An offer that passed the closed check before we set it may still enqueue: wait for it.
        drained &= awaitZero(() -> offersInProgress.get() == 0, deadlineNanos);
        drained &= awaitIdle(deadlineNanos);
        shutdown = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        return drained;
    }

    /** Waits for the workers to end, at least briefly even when the deadline passed. */
    void joinWorkers(long deadlineNanos) {
        for (Thread t : workers) {
            long millis = Math.max(20, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.log(Level.WARNING, "{0} is still running after stop: its handler ignores interrupts", t.getName());
            }
        }
    }

    /** Admitted events not yet handled: queued plus running. */
    long pendingEvents() {
        return pending.get();
    }

    /** Closes without draining, for a graph that never started. */
    void closeUnstarted() {
        closed = true;
        shutdown = true;
    }

    private static boolean awaitZero(BooleanSupplier done, long deadlineNanos) {
        // Polling is fine here: it runs only during stop and costs a wake-up per half millisecond.
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(500_000);
        }
        return true;
    }
}
