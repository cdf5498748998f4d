package dev.seda.runtime;

import dev.seda.runtime.internal.Waiters;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A graph's shared workers (the idea of Cassandra's SharedExecutorPool): a fixed set of threads
 * that run whichever of their stages has work, in turn, so that many stages need not each keep
 * threads of their own waiting. Each stage still caps its own concurrency at its max threads.
 *
 * <p>An idle worker waits on a {@link Waiters} (spins briefly, yields a while, then parks); an offer to
 * one of the pool's stages signals it, which costs one volatile read while every worker is busy.
 * A worker registers before its last check for work, so no wake-up is lost.
 */
final class SharedPool {
    private static final Logger LOG = System.getLogger(SharedPool.class.getName());
    // Only a safety net: every offer wakes a worker.
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String graphName;
    private final int size;
    private final List<Stage<?>> stages = new ArrayList<>();  // fixed before start
    private final Waiters idle = new Waiters();
    private final BooleanSupplier workOrShutdown = () -> this.shutdown || hasWork();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean shutdown;
    private static final ThreadLocal<SharedPool> CURRENT = new ThreadLocal<>();

    SharedPool(String graphName, int size) {
        this.graphName = graphName;
        this.size = size;
    }

    int size() {
        return size;
    }

    void add(Stage<?> stage) {
        stages.add(stage);
        stage.runOn(this);
    }

    boolean isEmpty() {
        return stages.isEmpty();
    }

    void start() {
        for (int i = 0; i < size; i++) {
            int first = i;
            Thread t = new Thread(() -> run(first), "seda-" + graphName + "-shared-" + (i + 1));
            threads.add(t);
            t.start();
        }
    }

    /** There is work: wake one idle worker, if any. */
    void signal() {
        idle.signal();
    }

    /** Whether the calling thread is one of this pool's workers. */
    boolean isWorker() {
        return CURRENT.get() == this;
    }

    private void run(int first) {
        CURRENT.set(this);
        int n = stages.size();
        int cursor = first % n;
        Object[] run = new Object[Stage.RUN];
        while (!shutdown) {
            // Clear an interrupt a handler left behind, or waiting would return at once, and spin.
            Thread.interrupted();
            boolean ran = runOne(cursor, run);
            cursor = cursor + 1 == n ? 0 : cursor + 1;
            if (ran) {
                continue;
            }
            // Nothing runnable anywhere: we ran until there was nothing left, so we may wait.
            for (Stage<?> s : stages) {
                s.beforeIdle();
            }
            idle.await(workOrShutdown, Waiters.SPINS, Waiters.IDLE_YIELDS, PARK_NANOS);
        }
    }

    /**
     * Round robin from {@code from}, so one busy stage cannot starve the others: a turn is up to
     * {@link Stage#RUN} events of an event stage, or one batch of a batch stage.
     */
    private boolean runOne(int from, Object[] run) {
        int n = stages.size();
        for (int i = 0; i < n; i++) {
            if (stages.get((from + i) % n).runShared(run) > 0) {
                return true;
            }
        }
        return false;
    }

    private boolean hasWork() {
        return hasWorkBesides(null);
    }

    /** Whether a stage of this pool other than {@code stage} could run something now. */
    boolean hasWorkBesides(Stage<?> stage) {
        for (Stage<?> s : stages) {
            if (s != stage && s.hasRunnableWork()) {
                return true;
            }
        }
        return false;
    }

    /** Ends the workers once the stages drained; past the deadline, interrupts what still runs. */
    void stop(long deadlineNanos) {
        shutdown = true;
        idle.signalAll();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.log(Level.WARNING, "{0} is still running after stop: its handler ignores interrupts", t.getName());
            }
        }
    }
}
