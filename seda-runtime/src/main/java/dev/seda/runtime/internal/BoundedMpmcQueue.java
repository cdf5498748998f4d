package dev.seda.runtime.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Consumer;

/*
 * Field layout. Each hot index lives between two 128-byte pads (two cache lines, because adjacent-line
 * prefetch pairs lines), so producers CASing producerIndex never invalidate the consumers' line and
 * vice versa. Padding by inheritance is the only dependable way in HotSpot: fields of a superclass are
 * laid out before those of a subclass, whereas the fields of one class may be reordered freely.
 */

abstract class BmqFields {
    /** The ring: ringSize = capacity rounded up to a power of two, plus padding on both ends. */
    final Object[] buffer;
    /** Per-slot sequence numbers (Vyukov): index when free for that lap, index + 1 when published. */
    final long[] sequences;
    final long mask;
    final int capacity;

    BmqFields(int capacity) {
        if (capacity < 1 || capacity > BoundedMpmcQueue.MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be 1.." + BoundedMpmcQueue.MAX_CAPACITY + ", got "
                    + capacity);
        }
        int ringSize = capacity == 1 ? 2 : Integer.highestOneBit(capacity - 1) << 1;
        this.capacity = capacity;
        this.mask = ringSize - 1;
        this.buffer = new Object[ringSize + 2 * BoundedMpmcQueue.REF_PAD];
        this.sequences = new long[ringSize + 2 * BoundedMpmcQueue.SEQ_PAD];
        for (int i = 0; i < ringSize; i++) {
            sequences[BoundedMpmcQueue.SEQ_PAD + i] = i;
        }
    }
}

abstract class BmqPad1 extends BmqFields {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;

    BmqPad1(int capacity) {
        super(capacity);
    }
}

abstract class BmqProducerFields extends BmqPad1 {
    /** Next position a producer claims. */
    volatile long producerIndex;
    /**
     * Producers' cached {@code consumerIndex + capacity}: below it a producer need not read the
     * consumers' line. Never above the true limit, since consumerIndex only grows.
     */
    volatile long producerLimit;

    BmqProducerFields(int capacity) {
        super(capacity);
        producerLimit = capacity;
    }
}

abstract class BmqPad2 extends BmqProducerFields {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;

    BmqPad2(int capacity) {
        super(capacity);
    }
}

abstract class BmqConsumerFields extends BmqPad2 {
    /** Next position a consumer claims. */
    volatile long consumerIndex;

    BmqConsumerFields(int capacity) {
        super(capacity);
    }
}

abstract class BmqPad3 extends BmqConsumerFields {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;

    BmqPad3(int capacity) {
        super(capacity);
    }
}

abstract class BmqReleasedFields extends BmqPad3 {
    /**
     * Positions whose elements count no longer against the capacity: {@code poll} and {@code drain}
     * release what they remove at once, {@link BoundedMpmcQueue#claim} leaves it to
     * {@link BoundedMpmcQueue#release}. At most consumerIndex; producers read it only near full.
     */
    volatile long releasedIndex;

    BmqReleasedFields(int capacity) {
        super(capacity);
    }
}

abstract class BmqPad4 extends BmqReleasedFields {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;

    BmqPad4(int capacity) {
        super(capacity);
    }
}

/**
 * A bounded, lock-free, multi-producer multi-consumer array queue for handing events from one stage
 * to the next. It follows Dmitry Vyukov's bounded MPMC queue and JCTools' {@code MpmcArrayQueue}: a
 * power-of-two ring whose every slot carries a sequence number, so producers and consumers claim
 * positions with one CAS on their own (padded) index and never take a lock.
 *
 * <p><b>Capacity is exact.</b> The queue holds at most {@link #capacity()} elements, exactly the
 * number it was built with, even though the ring underneath is rounded up to a power of two: an offer
 * is refused only when {@code capacity} elements are queued, or once the queue is {@link #close closed}.
 *
 * <p><b>Blocking is not in here.</b> Every method returns at once (bar a few spins, see below); a
 * thread that wants to wait for an element or for room parks on a {@link Waiters}, and whoever makes
 * the change signals it. See {@link Waiters} for the pairing that guarantees no lost wake-up.
 *
 * <p><b>Progress.</b> Claiming a position and filling it are two steps. When a thread is preempted
 * between them, {@link #offer} (queue not full, but the slot still being emptied by a consumer) and
 * {@link #poll} (queue not empty, but the element still being written) spin, then yield, until that
 * thread finishes; {@link #drain} instead stops and returns what it has. Null elements are refused.
 *
 * @param <E> the element type
 */
public final class BoundedMpmcQueue<E> extends BmqPad4 {
    /** Largest capacity accepted: the ring must stay an int-indexed power of two. */
    public static final int MAX_CAPACITY = 1 << 30;
    /**
     * Set in producerIndex by {@link #close()}. Every offer reads the index before its CAS, so from
     * then on no offer can claim a position (the index looks past any limit: "full"), and every
     * offer that claimed one before is in {@link #added()}: closing costs producers nothing.
     */
    private static final long CLOSED = 1L << 62;

    // Array padding, in elements: 128 bytes on either side keeps other objects off the ring's lines.
    static final int SEQ_PAD = 16;
    static final int REF_PAD = 32;

    private static final VarHandle PRODUCER_INDEX;
    private static final VarHandle PRODUCER_LIMIT;
    private static final VarHandle CONSUMER_INDEX;
    private static final VarHandle RELEASED_INDEX;
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle REF = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PRODUCER_INDEX = l.findVarHandle(BmqProducerFields.class, "producerIndex", long.class);
            PRODUCER_LIMIT = l.findVarHandle(BmqProducerFields.class, "producerLimit", long.class);
            CONSUMER_INDEX = l.findVarHandle(BmqConsumerFields.class, "consumerIndex", long.class);
            RELEASED_INDEX = l.findVarHandle(BmqReleasedFields.class, "releasedIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param capacity the most elements the queue holds, 1 to {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if capacity is out of range
     */
    public BoundedMpmcQueue(int capacity) {
        super(capacity);
    }

    /** The most elements this queue holds: exactly the capacity it was built with. */
    public int capacity() {
        return capacity;
    }

    /**
     * Appends {@code e} unless {@link #capacity()} elements are queued or the queue is closed.
     *
     * @return whether the element was added; {@code false} means the queue was full or closed
     * @throws NullPointerException if {@code e} is null
     */
    public boolean offer(E e) {
        Objects.requireNonNull(e, "element");
        final long[] seqs = sequences;
        final long mask = this.mask;
        int spins = 0;
        boolean lostRace = false;
        long pIndex;
        long seqIndex;
        while (true) {
            pIndex = (long) PRODUCER_INDEX.getVolatile(this);
            if (pIndex >= (long) PRODUCER_LIMIT.getVolatile(this)) {
                long limit = (long) RELEASED_INDEX.getVolatile(this) + capacity;
                if (pIndex >= limit) {
                    return false;  // capacity elements queued (whatever the ring's size), or closed
                }
                PRODUCER_LIMIT.setRelease(this, limit);  // a racing producer may store an older one: still safe
            }
            seqIndex = SEQ_PAD + (pIndex & mask);
            long seq = (long) SEQ.getAcquire(seqs, (int) seqIndex);
            if (seq == pIndex) {
                if (PRODUCER_INDEX.compareAndSet(this, pIndex, pIndex + 1)) {
                    break;
                }
                // Lost the place to another producer. A second loss in one offer means producers
                // run at once; where they outnumber the cores, the consumer is the thread not
                // running, and spinning on keeps it off (two producers, two cores: a stage took 24 M/s
                // spinning, 42 M/s yielding; BENCHMARKS.md, handoff run 10). So from the second loss
                // on, each costs the producer a yield, about a microsecond.
                if (lostRace) {
                    Thread.yield();
                }
                lostRace = true;
            } else if (seq < pIndex) {
                // Not full (checked above), so the previous lap's element in this slot has been claimed
                // by a consumer that has not released the slot yet: it is a few instructions away.
                backOff(spins++);
            }
            // seq > pIndex: another producer took pIndex; read the index again.
        }
        REF.set(buffer, (int) (REF_PAD + (pIndex & mask)), e);
        SEQ.setRelease(seqs, (int) seqIndex, pIndex + 1);  // publish
        return true;
    }

    /**
     * Removes and returns the head, or {@code null} if the queue is empty. When a producer has claimed
     * the head's position but not yet written it, waits for it (the queue is not empty).
     */
    @SuppressWarnings("unchecked")
    public E poll() {
        final long[] seqs = sequences;
        final long mask = this.mask;
        int spins = 0;
        while (true) {
            long cIndex = (long) CONSUMER_INDEX.getVolatile(this);
            int seqIndex = (int) (SEQ_PAD + (cIndex & mask));
            long seq = (long) SEQ.getAcquire(seqs, seqIndex);
            long published = cIndex + 1;
            if (seq == published) {
                if (CONSUMER_INDEX.compareAndSet(this, cIndex, published)) {
                    RELEASED_INDEX.getAndAdd(this, 1L);
                    int refIndex = (int) (REF_PAD + (cIndex & mask));
                    E e = (E) REF.get(buffer, refIndex);
                    REF.set(buffer, refIndex, null);
                    SEQ.setRelease(seqs, seqIndex, cIndex + mask + 1);  // free for the next lap
                    return e;
                }
            } else if (seq < published) {
                if (cIndex >= producerIndex()) {
                    return null;  // empty
                }
                backOff(spins++);  // claimed by a producer that is still writing it
            }
            // seq > published: another consumer took cIndex; read the index again.
        }
    }

    /**
     * Removes up to {@code limit} elements, oldest first, passing each to {@code consumer}. Claims a
     * whole run of published elements with one CAS. Stops early, without waiting, at an element a
     * producer is still writing.
     *
     * <p>Slots later in a claimed run are released only once {@code consumer} has returned for the
     * ones before: keep it cheap (e.g. {@code list::add}) and do the real work after {@code drain}
     * returns, or producers of a full queue wait on those slots. An exception from {@code consumer}
     * propagates, and the rest of the run it was claimed with (at most {@code limit}) is discarded.
     *
     * @return how many elements were removed, 0 to {@code limit}
     */
    @SuppressWarnings("unchecked")
    public int drain(Consumer<? super E> consumer, int limit) {
        Objects.requireNonNull(consumer, "consumer");
        if (limit <= 0) {
            return 0;
        }
        final long[] seqs = sequences;
        final Object[] buf = buffer;
        final long mask = this.mask;
        int total = 0;
        while (total < limit) {
            long cIndex = (long) CONSUMER_INDEX.getVolatile(this);
            int want = limit - total;
            int run = 0;
            while (run < want) {
                long index = cIndex + run;
                if ((long) SEQ.getAcquire(seqs, (int) (SEQ_PAD + (index & mask))) != index + 1) {
                    break;
                }
                run++;
            }
            if (run == 0) {
                long seq = (long) SEQ.getAcquire(seqs, (int) (SEQ_PAD + (cIndex & mask)));
                if (seq > cIndex + 1) {
                    continue;  // stale index: another consumer moved on
                }
                return total;  // empty, or the head is still being written
            }
            if (!CONSUMER_INDEX.compareAndSet(this, cIndex, cIndex + run)) {
                continue;
            }
            RELEASED_INDEX.getAndAdd(this, (long) run);
            int i = 0;
            try {
                while (i < run) {
                    long index = cIndex + i++;
                    int refIndex = (int) (REF_PAD + (index & mask));
                    E e = (E) REF.get(buf, refIndex);
                    REF.set(buf, refIndex, null);
                    SEQ.setRelease(seqs, (int) (SEQ_PAD + (index & mask)), index + mask + 1);
                    consumer.accept(e);
                }
            } finally {
                // Only when consumer threw: the run's remaining slots must still be freed, or the
                // ring would stall for good. Those elements are lost, as documented.
                while (i < run) {
                    long index = cIndex + i++;
                    REF.set(buf, (int) (REF_PAD + (index & mask)), null);
                    SEQ.setRelease(seqs, (int) (SEQ_PAD + (index & mask)), index + mask + 1);
                }
            }
            total += run;
        }
        return total;
    }

    /**
     * Removes up to {@code limit} elements, oldest first, into {@code into[0..n)}, like {@link #drain}
     * (one CAS for a run, stops early at an element still being written; but at the head it waits
     * for the writer, as {@link #poll} does), and keeps them counted
     * against the capacity, in {@link #size()} and in {@link #isFull()} until the caller passes them
     * to {@link #release}: a consumer can take a run at once and still let the queue refuse offers
     * at exactly {@code capacity} elements taken-but-not-released plus queued. {@link #isEmpty()}
     * sees them as gone (there is nothing left to take).
     *
     * @return how many elements were claimed, 0 to {@code min(limit, into.length)}
     */
    public int claim(Object[] into, int limit) {
        limit = Math.min(limit, into.length);
        final long[] seqs = sequences;
        final Object[] buf = buffer;
        final long mask = this.mask;
        int spins = 0;
        while (true) {
            long cIndex = (long) CONSUMER_INDEX.getVolatile(this);
            int run = 0;
            while (run < limit) {
                long index = cIndex + run;
                if ((long) SEQ.getAcquire(seqs, (int) (SEQ_PAD + (index & mask))) != index + 1) {
                    break;
                }
                run++;
            }
            if (run == 0) {
                long seq = (long) SEQ.getAcquire(seqs, (int) (SEQ_PAD + (cIndex & mask)));
                if (seq > cIndex + 1) {
                    continue;  // stale index: another consumer moved on
                }
                if (cIndex >= producerIndex()) {
                    return 0;  // empty
                }
                // Not empty: a producer claimed the head and is still writing it. Wait for it, as
                // poll does, rather than report empty and have the caller spin without yielding.
                backOff(spins++);
                continue;
            }
            if (!CONSUMER_INDEX.compareAndSet(this, cIndex, cIndex + run)) {
                continue;
            }
            for (int i = 0; i < run; i++) {
                long index = cIndex + i;
                int refIndex = (int) (REF_PAD + (index & mask));
                into[i] = REF.get(buf, refIndex);
                REF.set(buf, refIndex, null);
                // The slot itself is free for the next lap; the releasedIndex limit keeps producers out.
                SEQ.setRelease(seqs, (int) (SEQ_PAD + (index & mask)), index + mask + 1);
            }
            return run;
        }
    }

    /**
     * Stops counting {@code n} elements taken by {@link #claim} against the capacity; a volatile
     * write, so a {@link Waiters} signal after it pairs with {@link #isFull()}.
     */
    public void release(int n) {
        RELEASED_INDEX.getAndAdd(this, (long) n);
    }

    /**
     * Elements ever added: every successful {@link #offer} counts from the moment it claims its
     * position, so before any consumer can take the element. Only grows.
     */
    public long added() {
        return producerIndex();
    }

    /**
     * Refuses every later offer, for good; elements already added can still be taken. An offer
     * racing this call either is refused or counts in {@link #added()} by the time it returns: a
     * consumer that waits until it has taken {@code added()} elements misses none.
     */
    public void close() {
        PRODUCER_INDEX.getAndBitwiseOr(this, CLOSED);
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return ((long) PRODUCER_INDEX.getVolatile(this) & CLOSED) != 0;
    }

    private long producerIndex() {
        return (long) PRODUCER_INDEX.getVolatile(this) & ~CLOSED;
    }

    /**
     * The number of elements queued (with those claimed and not yet released), 0 to
     * {@link #capacity()}. Exact when the queue is quiescent,
     * otherwise a value it had during the call.
     */
    public int size() {
        long after = (long) RELEASED_INDEX.getVolatile(this);
        while (true) {
            long before = after;
            long pIndex = producerIndex();
            after = (long) RELEASED_INDEX.getVolatile(this);
            if (before == after) {
                long size = pIndex - after;
                return (int) Math.max(0, Math.min(size, capacity));
            }
        }
    }

    /**
     * Whether no element is queued. Reads both indices with volatile semantics, which is what makes
     * it a safe "ready" check for {@link Waiters#await} (elements claimed by a producer but not yet
     * written count as queued).
     */
    public boolean isEmpty() {
        return (long) CONSUMER_INDEX.getVolatile(this) >= producerIndex();
    }

    /** Whether {@link #capacity()} elements are queued; a volatile read of both indices, like {@link #isEmpty}. */
    public boolean isFull() {
        return producerIndex() - (long) RELEASED_INDEX.getVolatile(this) >= capacity;
    }

    @Override
    public String toString() {
        return "BoundedMpmcQueue[size=" + size() + ", capacity=" + capacity + "]";
    }

    /** Waiting for a preempted peer: spin briefly, then give the core away (2 cores are common). */
    private static void backOff(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
