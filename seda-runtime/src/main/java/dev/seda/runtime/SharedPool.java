package dev.seda.runtime;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A graph's shared workers (the idea of Cassandra's SharedExecutorPool): a fixed set of threads
 * that run whichever of their stages has work, in turn, so that many stages need not each keep
 * threads of their own waiting. Each stage still caps its own concurrency at its max threads.
 *
 * <p>An idle worker parks in a list; an offer to one of the pool's stages unparks one of them.
 * A worker re-checks for work after putting itself on the list, so no wake-up is lost.
 */
final class SharedPool {
    private static final Logger LOG = System.getLogger(SharedPool.class.getName());
    // Only a safety net: every offer wakes a worker.
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String graphName;
    private final int size;
    private final List<Stage<?>> stages = new ArrayList<>();  // fixed before start
    private final ConcurrentLinkedQueue<Thread> idle = new ConcurrentLinkedQueue<>();
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
        Thread t = idle.poll();
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Whether the calling thread is one of this pool's workers. */
    boolean isWorker() {
        return CURRENT.get() == this;
    }

    private void run(int cursor) {
        CURRENT.set(this);
        Thread me = Thread.currentThread();
        int n = stages.size();
        while (!shutdown) {
            // Clear an interrupt a handler left behind, or parking would spin.
            Thread.interrupted();
            if (runOne(cursor++ % n)) {
                continue;
            }
            idle.add(me);
            if (hasWork() || shutdown) {
                idle.remove(me);
                continue;
            }
            LockSupport.parkNanos(this, PARK_NANOS);
            idle.remove(me);
        }
    }

    /** Round robin from {@code from}: so one busy stage cannot starve the others. */
    private boolean runOne(int from) {
        int n = stages.size();
        for (int i = 0; i < n; i++) {
            if (stages.get((from + i) % n).runShared()) {
                return true;
            }
        }
        return false;
    }

    private boolean hasWork() {
        for (Stage<?> s : stages) {
            if (s.hasRunnableWork()) {
                return true;
            }
        }
        return false;
    }

    /** Ends the workers once the stages drained; past the deadline, interrupts what still runs. */
    void stop(long deadlineNanos) {
        shutdown = true;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
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
