package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(10)
class LifecycleTest {

    /** A builder whose stages run on their own threads, or all on a shared pool of two. */
    static SedaGraph.Builder builder(String name, Execution how) {
        SedaGraph.Builder b = SedaGraph.builder(name).jmx(false);
        return how == Execution.SHARED ? b.sharedPool(2) : b;
    }

    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void stopDrainsEveryAdmittedEventThroughThePipeline(Execution how) {
        int n = 5_000;
        AtomicLong sum = new AtomicLong();
        AtomicInteger lostDownstream = new AtomicInteger();
        SedaGraph.Builder b = builder("pipe", how);
        Stage<Integer> a = b.stage(StageSettings.of("a").queue(n));
        // Small downstream queues: a and b must keep emitting into them while they drain.
        Stage<Integer> mid = b.stage(StageSettings.of("b").threads(2, 2).queue(16).whenFull(WhenFull.BLOCK, Duration.ofSeconds(5)));
        Stage<Integer> c = b.stage(StageSettings.of("c").queue(16).whenFull(WhenFull.BLOCK, Duration.ofSeconds(5)));
        b.handler(a, e -> {
            if (!mid.offer(e)) {
                lostDownstream.incrementAndGet();
            }
        });
        b.handler(mid, e -> {
            if (!c.offer(e * 2)) {
                lostDownstream.incrementAndGet();
            }
        });
        b.handler(c, e -> {
            if (e % 500 == 0) {
                Thread.sleep(1);  // keep c the bottleneck, so stop() starts with events in flight
            }
            sum.addAndGet(e);
        });
        SedaGraph g = b.build();
        g.start();
        for (int i = 1; i <= n; i++) {
            assertTrue(a.offer(i));
        }
        assertTrue(g.stop(Duration.ofSeconds(8)));
        assertEquals(0, lostDownstream.get());
        assertEquals((long) n * (n + 1), sum.get());
        assertEquals(n, c.metrics().handled());
        for (Stage<?> s : g.stages()) {
            assertEquals(0, s.metrics().rejected(), s.name());
            assertEquals(0, s.metrics().threads(), s.name());
        }

        assertFalse(a.offer(1));
        assertFalse(c.offer(1));
        assertEquals(n + 1, a.metrics().arrivals());
        assertEquals(1, a.metrics().rejected());
        assertEquals(1, c.metrics().rejected());
        assertTrue(g.stop(Duration.ofSeconds(1)), "stop is idempotent and keeps its result");
        assertThrows(IllegalStateException.class, g::start);
    }

    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void stuckHandlerMakesStopReturnFalseAtTheDeadline(Execution how) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        SedaGraph.Builder b = builder("stuck", how);
        Stage<Integer> s = b.stage(StageSettings.of("s"));
        Stage<Integer> after = b.stage(StageSettings.of("after"));
        b.handler(s, e -> {
            holding.countDown();
            never.await();
        });
        b.handler(after, e -> { });
        SedaGraph g = b.build();
        g.start();
        s.offer(1);
        s.offer(2);
        after.offer(3);
        assertTrue(holding.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        assertFalse(g.stop(Duration.ofMillis(300)));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(tookMillis >= 250 && tookMillis < 2_000, "stop took " + tookMillis + " ms");
        // The interrupted handler counts as failed; its worker ended.
        assertEquals(1, s.metrics().failed());
        assertEquals(0, s.metrics().threads());
        assertEquals(0, after.metrics().threads());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("seda-stuck-")));
        assertFalse(g.stop(Duration.ofSeconds(1)));
    }

    @Test
    void stopBeforeStartRejectsLaterOffers() {
        SedaGraph.Builder b = SedaGraph.builder("never");
        Stage<Integer> s = b.stage(StageSettings.of("s"));
        b.handler(s, e -> { });
        SedaGraph g = b.build();
        assertTrue(g.stop(Duration.ofSeconds(1)));
        assertFalse(s.offer(1));
        assertEquals(1, s.metrics().rejected());
        assertThrows(IllegalStateException.class, g::start);
    }

    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void concurrentStopCallsAgree(Execution how) throws Exception {
        SedaGraph.Builder b = builder("twice", how);
        Stage<Integer> s = b.stage(StageSettings.of("s"));
        b.handler(s, e -> Thread.sleep(50));
        SedaGraph g = b.build();
        g.start();
        s.offer(1);
        s.offer(2);
        Thread other = new Thread(() -> g.stop(Duration.ofSeconds(5)));
        other.start();
        assertTrue(g.stop(Duration.ofSeconds(5)));
        other.join();
        assertEquals(2, s.metrics().handled());
    }

    /** Producers offering as fast as they can while the graph stops: every offer told yes is handled. */
    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void stopRacingProducersHandlesEveryAcceptedEvent(Execution how) throws Exception {
        for (WhenFull full : new WhenFull[] {WhenFull.REJECT, WhenFull.BLOCK, WhenFull.DROP_OLDEST}) {
            SedaGraph.Builder b = builder("race", how);
            Stage<Integer> s = b.stage(StageSettings.of("s").queue(64).whenFull(full, Duration.ofSeconds(5)));
            AtomicLong handled = new AtomicLong();
            b.handler(s, e -> handled.incrementAndGet());
            SedaGraph g = b.build();
            g.start();
            AtomicLong yes = new AtomicLong();
            AtomicLong no = new AtomicLong();
            AtomicBoolean stopped = new AtomicBoolean();
            Thread[] producers = new Thread[3];
            for (int p = 0; p < producers.length; p++) {
                producers[p] = new Thread(() -> {
                    while (!stopped.get()) {  // offering all through the stop, and a little after
                        if (s.offer(1)) {
                            yes.incrementAndGet();
                        } else {
                            no.incrementAndGet();
                        }
                    }
                });
                producers[p].start();
            }
            Thread.sleep(20);
            assertTrue(g.stop(Duration.ofSeconds(5)), full.toString());
            Thread.sleep(5);
            stopped.set(true);
            for (Thread t : producers) {
                t.join();
            }
            StageMetrics m = s.metrics();
            assertEquals(yes.get(), m.admitted(), full.toString());
            assertEquals(m.admitted(), m.handled() + m.dropped(), full + ": every admitted event handled or dropped");
            assertEquals(handled.get(), m.handled(), full.toString());
            assertEquals(yes.get() + no.get(), m.arrivals(), full.toString());
            assertEquals(0, m.queueLength(), full.toString());
        }
    }
}
