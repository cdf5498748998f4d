package dev.seda.runtime.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * Padding by inheritance, as in BoundedMpmcQueue: superclass fields come first, so the value sits
 * between 128 bytes of padding on either side, whatever objects the heap puts next to it.
 */

abstract class PcPad1 {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
}

abstract class PcValue extends PcPad1 {
    volatile long value;
}

abstract class PcPad2 extends PcValue {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
}

/**
 * A counter on a cache line of its own, for a stage's hot path: one side (producers, or workers)
 * writes it for every event or run of events, so it must not share a line with anything the other side touches.
 * {@link java.util.concurrent.atomic.LongAdder}'s base field is not padded, and adders allocated
 * together (as a class's counters are) end up on one line: producers' and workers' counts then
 * bounce that line between cores on every event, which cost more than the queue handoff itself.
 */
public final class PaddedCounter extends PcPad2 {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(PcValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Adds {@code n}; returns the count before. */
    public long getAndAdd(long n) {
        return (long) VALUE.getAndAdd(this, n);
    }

    /** The count now; volatile read. */
    public long get() {
        return value;
    }
}
