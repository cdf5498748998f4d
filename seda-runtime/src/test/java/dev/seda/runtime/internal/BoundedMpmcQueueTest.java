package dev.seda.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class BoundedMpmcQueueTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 8, 9, 1000, 1024, 1025})
    void holdsExactlyCapacityWhetherOrNotAPowerOfTwo(int capacity) {
        BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(capacity);
        assertEquals(capacity, q.capacity());
        // Several laps of the ring, each filled to the brim, so both wrap-around and the limit are hit.
        int next = 0;
        int expected = 0;
        for (int lap = 0; lap < 5; lap++) {
            for (int i = 0; i < capacity; i++) {
                assertTrue(q.offer(next++), "offer " + i + " of " + capacity);
            }
            assertEquals(capacity, q.size());
            assertTrue(q.isFull());
            assertFalse(q.offer(-1), "offer beyond capacity " + capacity);
            assertEquals(expected++, q.poll());
            assertFalse(q.isFull());
            assertTrue(q.offer(next++), "room for exactly one after one poll");
            assertFalse(q.offer(-1));
            for (int i = 0; i < capacity; i++) {
                assertEquals(expected++, q.poll());
            }
            assertTrue(q.isEmpty());
            assertEquals(0, q.size());
            assertNull(q.poll());
        }
    }

    @Test
    void offsetLapsKeepTheLimitExact() {
        // Capacity 5 on a ring of 8: keep the queue at 3..5 elements while the indices run far ahead.
        BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(5);
        int next = 0;
        int expected = 0;
        for (int i = 0; i < 3; i++) {
            assertTrue(q.offer(next++));
        }
        for (int round = 0; round < 10_000; round++) {
            assertTrue(q.offer(next++));
            assertTrue(q.offer(next++));
            assertFalse(q.offer(-1));
            assertEquals(5, q.size());
            assertEquals(expected++, q.poll());
            assertEquals(expected++, q.poll());
        }
    }

    @Test
    void claimedElementsCountAgainstTheCapacityUntilReleased() {
        BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(5);
        for (int i = 0; i < 5; i++) {
            assertTrue(q.offer(i));
        }
        Object[] run = new Object[8];
        assertEquals(3, q.claim(run, 3));
        assertEquals(List.of(0, 1, 2), List.of(run[0], run[1], run[2]));
        assertEquals(5, q.size(), "claimed, not released: still counted");
        assertTrue(q.isFull());
        assertFalse(q.offer(5));
        assertFalse(q.isEmpty());
        q.release(1);
        assertEquals(4, q.size());
        assertFalse(q.isFull());
        assertTrue(q.offer(5));
        assertFalse(q.offer(6), "exactly one place per released element");
        assertEquals(3, q.claim(run, 8), "only what is left to take: 3, 4, 5");
        assertEquals(List.of(3, 4, 5), List.of(run[0], run[1], run[2]));
        assertTrue(q.isEmpty(), "nothing left to take");
        assertNull(q.poll());
        assertEquals(5, q.size());
        q.release(5);
        assertEquals(0, q.size());
        for (int i = 0; i < 5; i++) {
            assertTrue(q.offer(i), "a full lap again after release");
        }
        assertFalse(q.offer(5));
    }

    @Test
    void closeRefusesLaterOffersAndKeepsWhatWasAdded() {
        BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(4);
        assertTrue(q.offer(1));
        assertTrue(q.offer(2));
        assertFalse(q.isClosed());
        q.close();
        assertTrue(q.isClosed());
        assertFalse(q.offer(3), "closed");
        assertEquals(2, q.added());
        assertEquals(2, q.size());
        assertFalse(q.isFull());
        assertEquals(1, q.poll());
        assertEquals(2, q.poll());
        assertNull(q.poll(), "empty, although the closed index looks past every position");
        assertTrue(q.isEmpty());
        assertEquals(0, q.size());
        q.close();  // idempotent
        assertFalse(q.offer(4));
        assertEquals(2, q.added());
    }

    @Test
    void closeRacingProducersLosesNothing() throws Exception {
        for (int round = 0; round < 50; round++) {
            BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(1 << 16);
            int producers = 3;
            AtomicLong accepted = new AtomicLong();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Thread t = new Thread(() -> {
                    await(go);
                    for (int i = 0; i < 10_000 && q.offer(i); i++) {
                        accepted.incrementAndGet();
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            Thread.onSpinWait();
            q.close();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(accepted.get(), q.added(), "every accepted offer counts in added()");
            int taken = 0;
            while (q.poll() != null) {
                taken++;
            }
            assertEquals(accepted.get(), taken);
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new BoundedMpmcQueue<>(0));
        assertThrows(IllegalArgumentException.class, () -> new BoundedMpmcQueue<>(-3));
        assertThrows(IllegalArgumentException.class, () -> new BoundedMpmcQueue<>(BoundedMpmcQueue.MAX_CAPACITY + 1));
        BoundedMpmcQueue<Object> q = new BoundedMpmcQueue<>(4);
        assertThrows(NullPointerException.class, () -> q.offer(null));
        assertThrows(NullPointerException.class, () -> q.drain(null, 1));
    }

    @Test
    void drainRespectsItsLimitAndOrder() {
        BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(10);
        for (int i = 0; i < 10; i++) {
            q.offer(i);
        }
        List<Integer> got = new ArrayList<>();
        assertEquals(0, q.drain(got::add, 0));
        assertEquals(0, q.drain(got::add, -1));
        assertEquals(3, q.drain(got::add, 3));
        assertEquals(List.of(0, 1, 2), got);
        assertEquals(7, q.size());
        assertEquals(7, q.drain(got::add, 100));
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got);
        assertEquals(0, q.drain(got::add, 100));
        // Room for all ten again.
        for (int i = 0; i < 10; i++) {
            assertTrue(q.offer(i));
        }
        assertFalse(q.offer(10));
    }

    @Test
    void aThrowingDrainConsumerDoesNotWedgeTheQueue() {
        BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(4);
        for (int i = 0; i < 4; i++) {
            q.offer(i);
        }
        assertThrows(IllegalStateException.class, () -> q.drain(e -> {
            throw new IllegalStateException("boom");
        }, 2));
        // Elements 0 and 1 are gone (the run was claimed); 2 and 3 remain, and the ring still turns.
        assertEquals(2, q.size());
        assertTrue(q.offer(4));
        assertTrue(q.offer(5));
        assertFalse(q.offer(6));
        List<Integer> rest = new ArrayList<>();
        q.drain(rest::add, 10);
        assertEquals(List.of(2, 3, 4, 5), rest);
    }

    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 200_000;

    /** Element value: producer in the high bits, its own sequence number in the low ones. */
    private static int encode(int producer, int seq) {
        return producer << 24 | seq;
    }

    private static Thread producer(BoundedMpmcQueue<Integer> q, int p, CountDownLatch start) {
        return new Thread(() -> {
            await(start);
            for (int i = 0; i < PER_PRODUCER; i++) {
                Integer e = encode(p, i);
                while (!q.offer(e)) {
                    Thread.yield();
                }
            }
        }, "producer-" + p);
    }

    @Test
    void fifoPerProducerWithOneConsumer() throws Exception {
        BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(1000);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            threads.add(producer(q, p, start));
        }
        threads.forEach(Thread::start);
        start.countDown();
        int[] nextSeq = new int[PRODUCERS];
        AtomicReference<String> error = new AtomicReference<>();
        long total = (long) PRODUCERS * PER_PRODUCER;
        long seen = 0;
        boolean usePoll = false;
        while (seen < total) {
            usePoll = !usePoll;
            int n;
            if (usePoll) {
                Integer e = q.poll();
                n = e == null ? 0 : 1;
                if (e != null) {
                    check(e, nextSeq, error);
                }
            } else {
                n = q.drain(e -> check(e, nextSeq, error), 64);
            }
            if (n == 0) {
                Thread.yield();
            }
            seen += n;
            assertNull(error.get(), error.get());
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(PER_PRODUCER, nextSeq[p]);
        }
        assertTrue(q.isEmpty());
    }

    private static void check(int e, int[] nextSeq, AtomicReference<String> error) {
        int p = e >>> 24;
        int seq = e & 0xFF_FFFF;
        if (nextSeq[p] != seq && error.get() == null) {
            error.set("producer " + p + ": expected " + nextSeq[p] + ", got " + seq);
        }
        nextSeq[p] = seq + 1;
    }

    @Test
    void noLossNoDuplicationWithSeveralProducersAndConsumers() throws Exception {
        // A small odd capacity keeps the queue full half the time and the ring wrapping constantly.
        BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(100);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            producers.add(producer(q, p, start));
        }
        int consumers = 3;
        long total = (long) PRODUCERS * PER_PRODUCER;
        AtomicLong taken = new AtomicLong();
        AtomicLong checksum = new AtomicLong();
        BitSet[] seen = new BitSet[consumers];
        List<Thread> threads = new ArrayList<>(producers);
        for (int c = 0; c < consumers; c++) {
            BitSet mine = seen[c] = new BitSet();
            boolean drains = c % 2 == 0;
            threads.add(new Thread(() -> {
                await(start);
                long[] local = new long[2];  // count, sum
                java.util.function.Consumer<Integer> take = e -> {
                    local[0]++;
                    local[1] += e;
                    mine.set((e >>> 24) * PER_PRODUCER + (e & 0xFF_FFFF));
                };
                while (taken.get() < total) {
                    int n;
                    if (drains) {
                        n = q.drain(take, 32);
                    } else {
                        Integer e = q.poll();
                        n = e == null ? 0 : 1;
                        if (e != null) {
                            take.accept(e);
                        }
                    }
                    if (n == 0) {
                        Thread.yield();
                    } else {
                        taken.addAndGet(n);
                    }
                }
                checksum.addAndGet(local[1]);
            }, "consumer-" + c));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(total, taken.get());
        long expectedSum = 0;
        for (int p = 0; p < PRODUCERS; p++) {
            for (int i = 0; i < PER_PRODUCER; i++) {
                expectedSum += encode(p, i);
            }
        }
        assertEquals(expectedSum, checksum.get());
        BitSet all = new BitSet();
        int cardinalities = 0;
        for (BitSet s : seen) {
            cardinalities += s.cardinality();
            all.or(s);
        }
        assertEquals(total, all.cardinality(), "every element seen");
        assertEquals(total, cardinalities, "no element seen twice");
        assertTrue(q.isEmpty());
        assertNull(q.poll());
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
