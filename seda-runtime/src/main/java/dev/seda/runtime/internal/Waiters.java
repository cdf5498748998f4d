package dev.seda.runtime.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Threads parked until a condition may have become true: the waiting half that
 * {@link BoundedMpmcQueue} leaves out. A stage uses two: {@code notEmpty} for its workers and
 * {@code notFull} for producers under {@code WhenFull.BLOCK}.
 *
 * <p>Signalling is cheap when nobody waits, the common case under load: {@link #signal()} is one
 * volatile read. Waiters spin a little first ({@code spins}), then yield a while ({@code yields}),
 * then park, so an idle stage burns no core.
 *
 * <p><b>The pairing that loses no wake-up.</b> The changer makes the change with a volatile write
 * (the queue's index CAS does: {@code offer}, {@code poll}, {@code drain}) and then calls
 * {@link #signal}; the waiter's {@code ready} check reads it with a volatile read
 * ({@link BoundedMpmcQueue#isEmpty()}, {@link BoundedMpmcQueue#isFull()}). A waiter registers before
 * its last check, so either that check sees the change or the signal sees the waiter. A signalled
 * waiter whose {@link #await} then returns {@code false} (timed out, interrupted) passes the signal
 * on. When {@code await} returns {@code true}, the caller must consume until empty before it awaits
 * again (a worker's normal loop), since the wake-up it got may have been meant for several elements.
 *
 * <p>Typical worker loop:
 * <pre>{@code
 * while (running) {
 *     int n = queue.drain(batch::add, maxBatch);
 *     if (n == 0) {
 *         notEmpty.await(() -> !queue.isEmpty(), SPINS, idleTimeoutNanos);
 *         continue;
 *     }
 *     notFull.signal(n);
 *     handle(batch); batch.clear();
 * }
 * }</pre>
 * and a producer: {@code if (queue.offer(e)) notEmpty.signal();}
 *
 * <p>Waiters are woken last-in first-out: the most recently parked thread (warmest cache) runs, and
 * a surplus worker keeps sleeping, so an idle-timeout reveals it to a thread-pool controller.
 */
public final class Waiters {
    /**
     * The runtime's waiting policy: check {@code SPINS} times with {@link Thread#onSpinWait()}, then
     * between yields ({@code IDLE_YIELDS} for a worker waiting for events, {@code BLOCK_YIELDS} for a
     * producer waiting for room under {@code WhenFull.BLOCK}), then park. Spinning is short: on a
     * machine with few cores a spinning thread holds the core that the thread it waits for needs.
     * A yield keeps the core only while no other thread wants it. Parking costs the waker an unpark
     * and, on a VM, the parked thread 25-35 us to wake, so a waiter yields for a comparable time
     * first (a yield takes about 0.3 us on an idle core). A blocked producer yields longer: a busy
     * worker makes room within microseconds. With a single CPU a waiter yields once: the thread it
     * waits for needs that very CPU, and every yield back and forth only delays it. Yielding keeps
     * to the wait's timeout and ends on an interrupt. See BENCHMARKS.md, runs 7 and 8.
     */
    public static final int SPINS = 16;
    private static final boolean MULTI_CORE = Runtime.getRuntime().availableProcessors() > 1;
    /** See {@link #SPINS}: about 20 us of yielding on an idle core, with more than one CPU. */
    public static final int IDLE_YIELDS = MULTI_CORE ? 64 : 1;
    /** See {@link #SPINS}: about 80 us of yielding on an idle core, with more than one CPU. */
    public static final int BLOCK_YIELDS = MULTI_CORE ? 256 : 1;

    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(Waiters.class, "count", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One waiting thread's place in line; a signal takes it out, marks it and unparks the thread. */
    private static final class Node {
        final Thread thread;
        volatile boolean signalled;

        Node(Thread thread) {
            this.thread = thread;
        }
    }

    /**
     * Wake-ups a thread holds back while it hands out a batch of events ({@link #deferWakeUps()}):
     * which {@code Waiters} to signal, and how many times each.
     */
    private static final class Deferred {
        boolean on;
        final ArrayList<Waiters> waiters = new ArrayList<>();
        int[] counts = new int[4];
    }

    private static final ThreadLocal<Deferred> DEFERRED = ThreadLocal.withInitial(Deferred::new);
    // Signals held back per Waiters in one batch at most; the next one wakes a waiter at once, so a
    // batch cannot fill a small queue while its consumer sleeps.
    static final int MAX_DEFERRED = 16;

    private final ConcurrentLinkedDeque<Node> parked = new ConcurrentLinkedDeque<>();
    /** Threads between registering and leaving {@link #await}; read by every signal. */
    private volatile int count;

    /**
     * Wakes one waiting thread, if any. Call it after the change a waiter may be waiting for, e.g.
     * after a successful {@code offer}. One volatile read when nobody waits.
     */
    public void signal() {
        if (count != 0) {
            Deferred d = DEFERRED.get();
            if (!d.on || !defer(d)) {
                wakeOne();
            }
        }
    }

    /**
     * From now until {@link #wakeDeferred()}, this thread's signals are held back and then given all
     * at once. For a thread that hands out a batch of events in a row, such as the selector thread
     * after one select: otherwise the first event's wake-up lets the consumer preempt it on a busy
     * core, and the two take turns event by event, a context switch each. The caller must call
     * {@link #wakeDeferred()} (in a {@code finally}), and before it waits for anything itself.
     */
    public static void deferWakeUps() {
        DEFERRED.get().on = true;
    }

    /** Gives the wake-ups held back since {@link #deferWakeUps()}, and stops holding them back. */
    public static void wakeDeferred() {
        Deferred d = DEFERRED.get();
        if (!d.on) {
            return;
        }
        d.on = false;
        for (int i = 0; i < d.waiters.size(); i++) {
            d.waiters.get(i).signal(d.counts[i]);
        }
        d.waiters.clear();
    }

    /** Holds back one signal, unless {@link #MAX_DEFERRED} already are: then it is not held (false). */
    private boolean defer(Deferred d) {
        int i = d.waiters.indexOf(this);  // a batch signals a few Waiters at most
        if (i >= 0) {
            if (d.counts[i] >= MAX_DEFERRED) {
                return false;
            }
            d.counts[i]++;
            return true;
        }
        if (d.waiters.size() == d.counts.length) {
            d.counts = java.util.Arrays.copyOf(d.counts, 2 * d.counts.length);
        }
        d.counts[d.waiters.size()] = 1;
        d.waiters.add(this);
        return true;
    }

    /** Wakes up to {@code n} waiting threads, e.g. after {@code drain} freed {@code n} slots. */
    public void signal(int n) {
        for (int i = 0; i < n && count != 0; i++) {
            if (!wakeOne()) {
                return;
            }
        }
    }

    /** Wakes every waiting thread, e.g. on shutdown. */
    public void signalAll() {
        while (wakeOne()) {
            // until none is left
        }
    }

    /** The number of threads waiting now. */
    public int waiting() {
        return count;
    }

    private boolean wakeOne() {
        Node n = parked.pollFirst();
        if (n == null) {
            return false;
        }
        n.signalled = true;
        LockSupport.unpark(n.thread);
        return true;
    }

    /**
     * Waits until {@code ready} holds, at most {@code timeoutNanos}: first checks it up to
     * {@code spins} times with {@link Thread#onSpinWait()}, then parks until signalled.
     *
     * <p>{@code ready} must read the state with volatile semantics (see the class comment). It is
     * called again after each wake-up, spurious or not. An interrupt ends the wait; the interrupt
     * status is left set for the caller to see.
     *
     * @return whether {@code ready} held; {@code false} on timeout or interrupt
     */
    public boolean await(BooleanSupplier ready, int spins, long timeoutNanos) {
        return await(ready, spins, 0, timeoutNanos);
    }

    /**
     * Like {@link #await(BooleanSupplier, int, long)}, but between spinning and parking checks
     * {@code ready} up to {@code yields} more times with {@link Thread#yield()} in between. Yielding
     * costs a system call but no wake-up, and lets a preempted producer run on a machine with fewer
     * cores than runnable threads; parking costs the waker an unpark.
     */
    public boolean await(BooleanSupplier ready, int spins, int yields, long timeoutNanos) {
        for (int i = 0; i < spins; i++) {
            if (ready.getAsBoolean()) {
                return true;
            }
            Thread.onSpinWait();
        }
        Thread me = Thread.currentThread();
        long deadline = System.nanoTime() + timeoutNanos;
        for (int i = 0; i < yields; i++) {
            if (ready.getAsBoolean()) {
                return true;
            }
            // On a busy machine a yield can give away a whole time slice: keep to the timeout.
            if ((i & 15) == 15 && (System.nanoTime() - deadline >= 0 || me.isInterrupted())) {
                return ready.getAsBoolean();
            }
            Thread.yield();
        }
        if (ready.getAsBoolean()) {
            return true;
        }
        if (timeoutNanos <= 0) {
            return false;
        }
        Node node = new Node(me);
        parked.addFirst(node);
        COUNT.getAndAdd(this, 1);  // a full fence: registered before the checks below
        boolean result = false;
        try {
            while (true) {
                if (ready.getAsBoolean()) {
                    result = true;
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || me.isInterrupted()) {
                    return false;
                }
                if (node.signalled) {
                    // Woken, but someone awake took what the signal was for: back in line, and check
                    // again after registering, or the next signal could not find us.
                    node = new Node(me);
                    parked.addFirst(node);
                    continue;
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            boolean signalled = !parked.removeFirstOccurrence(node);
            COUNT.getAndAdd(this, -1);
            if (signalled && !result) {
                signal();  // that wake-up was for an element (or a slot) we are not going to take
            }
        }
    }
}
