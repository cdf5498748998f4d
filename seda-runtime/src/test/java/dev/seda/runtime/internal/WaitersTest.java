package dev.seda.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WaitersTest {
    private static final long LONG = TimeUnit.SECONDS.toNanos(20);

    @Test
    void aParkedConsumerIsWokenByOffer() throws Exception {
        BoundedMpmcQueue<String> q = new BoundedMpmcQueue<>(8);
        Waiters notEmpty = new Waiters();
        CompletableFuture<Long> woke = CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            assertTrue(notEmpty.await(() -> !q.isEmpty(), 10, LONG));
            return System.nanoTime() - t0;
        });
        while (notEmpty.waiting() == 0) {
            Thread.sleep(1);
        }
        Thread.sleep(50);  // let it really park
        assertTrue(q.offer("x"));
        notEmpty.signal();
        long waited = woke.get(5, TimeUnit.SECONDS);
        assertTrue(waited < TimeUnit.SECONDS.toNanos(5), "woken by the signal, not by the 20 s timeout");
        assertEquals("x", q.poll());
        assertEquals(0, notEmpty.waiting());
    }

    @Test
    void deferredWakeUpsAreGivenWhenTheBatchEnds() throws Exception {
        BoundedMpmcQueue<String> q = new BoundedMpmcQueue<>(8);
        Waiters notEmpty = new Waiters();
        CompletableFuture<Void> woke = CompletableFuture.runAsync(
                () -> assertTrue(notEmpty.await(() -> !q.isEmpty(), 10, LONG)));
        while (notEmpty.waiting() == 0) {
            Thread.sleep(1);
        }
        Thread.sleep(50);  // let it really park
        Waiters.deferWakeUps();
        try {
            for (String e : List.of("a", "b", "c")) {
                assertTrue(q.offer(e));
                notEmpty.signal();
            }
            Thread.sleep(100);
            assertFalse(woke.isDone(), "held back while the batch goes on");
            assertEquals(1, notEmpty.waiting());
        } finally {
            Waiters.wakeDeferred();
        }
        woke.get(5, TimeUnit.SECONDS);
        assertEquals(3, q.size());
        notEmpty.signal();  // no longer deferred, and nobody waits: nothing happens
        assertEquals(0, notEmpty.waiting());
    }

    @Test
    void aBatchHoldsBackOnlySoManyWakeUps() throws Exception {
        Waiters notEmpty = new Waiters();
        AtomicBoolean ready = new AtomicBoolean();
        CompletableFuture<Void> woke = CompletableFuture.runAsync(() -> assertTrue(notEmpty.await(ready::get, 10, LONG)));
        while (notEmpty.waiting() == 0) {
            Thread.sleep(1);
        }
        Thread.sleep(50);  // let it really park
        ready.set(true);
        Waiters.deferWakeUps();
        try {
            for (int i = 0; i < Waiters.MAX_DEFERRED; i++) {
                notEmpty.signal();
            }
            Thread.sleep(100);
            assertFalse(woke.isDone(), "the first " + Waiters.MAX_DEFERRED + " are held back");
            notEmpty.signal();
            woke.get(5, TimeUnit.SECONDS);  // the next one is not: a long batch cannot fill a queue unseen
        } finally {
            Waiters.wakeDeferred();
        }
    }

    @Test
    void awaitTimesOutAndReturnsAtOnceWhenReady() {
        Waiters w = new Waiters();
        long t0 = System.nanoTime();
        assertFalse(w.await(() -> false, 100, TimeUnit.MILLISECONDS.toNanos(50)));
        long took = System.nanoTime() - t0;
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(50), "waited its timeout: " + took);
        assertFalse(w.await(() -> false, 0, 0));
        assertTrue(w.await(() -> true, 0, 0));
        assertEquals(0, w.waiting());
    }

    @Test
    void anInterruptEndsTheWaitAndStaysSet() throws Exception {
        Waiters w = new Waiters();
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread t = new Thread(() -> {
            boolean ready = w.await(() -> false, 0, LONG);
            interrupted.set(!ready && Thread.currentThread().isInterrupted());
        });
        t.start();
        while (w.waiting() == 0) {
            Thread.sleep(1);
        }
        t.interrupt();
        t.join(5000);
        assertFalse(t.isAlive());
        assertTrue(interrupted.get());
        assertEquals(0, w.waiting());
    }

    @Test
    void yieldingKeepsToTheTimeoutAndToAnInterrupt() {
        Waiters w = new Waiters();
        int yields = 100_000_000;  // hours of yielding, were it not cut short
        // ready is checked once per yield: a waiter that keeps to its timeout (here already past)
        // stops within the 16 yields between its clock checks, instead of going on for all of them.
        AtomicInteger checks = new AtomicInteger();
        assertFalse(w.await(() -> checks.incrementAndGet() < 0, 0, yields, 0));
        assertTrue(checks.get() <= 20, "checked " + checks.get() + " times after its timeout");

        checks.set(0);
        Thread.currentThread().interrupt();
        assertFalse(w.await(() -> checks.incrementAndGet() < 0, 0, yields, LONG));
        assertTrue(checks.get() <= 20, "checked " + checks.get() + " times after an interrupt");
        assertTrue(Thread.interrupted(), "the interrupt stays set");
        assertEquals(0, w.waiting());
    }

    /**
     * Bursts separated by pauses, so the consumers park again and again, on a tiny queue that
     * producers block on through a second Waiters. A lost wake-up in either direction leaves the queue
     * full until a 2 s timeout ends some wait, which the producers notice.
     */
    @Test
    void noLostWakeUpsEitherWay() throws Exception {
        BoundedMpmcQueue<Integer> q = new BoundedMpmcQueue<>(3);
        Waiters notEmpty = new Waiters();
        Waiters notFull = new Waiters();
        int producers = 2;
        int consumers = 3;
        int perProducer = 20_000;
        long total = (long) producers * perProducer;
        AtomicLong handled = new AtomicLong();
        AtomicLong sum = new AtomicLong();
        AtomicBoolean slowWake = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            threads.add(new Thread(() -> {
                while (handled.get() < total) {
                    Integer e = q.poll();
                    if (e == null) {
                        notEmpty.await(() -> !q.isEmpty() || handled.get() >= total, 20,
                                TimeUnit.SECONDS.toNanos(2));
                        continue;
                    }
                    notFull.signal();
                    sum.addAndGet(e);
                    if (handled.incrementAndGet() == total) {
                        notEmpty.signalAll();  // let the others see we are done
                    }
                }
            }, "consumer-" + c));
        }
        for (int p = 0; p < producers; p++) {
            threads.add(new Thread(() -> {
                for (int i = 1; i <= perProducer; i++) {
                    long t0 = System.nanoTime();
                    while (!q.offer(i)) {
                        notFull.await(() -> !q.isFull(), 5, TimeUnit.SECONDS.toNanos(2));
                    }
                    if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(1)) {
                        // Full for a second although consumers run freely: someone slept out a timeout.
                        slowWake.set(true);
                    }
                    notEmpty.signal();
                    if (i % 1000 == 0) {
                        sleepMillis(1);  // everybody parks
                    }
                }
            }, "producer-" + p));
        }
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertFalse(slowWake.get(), "an offer waited over a second: a wake-up was lost");
        assertEquals(total, handled.get());
        assertEquals(producers * (long) perProducer * (perProducer + 1) / 2, sum.get());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15));
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
