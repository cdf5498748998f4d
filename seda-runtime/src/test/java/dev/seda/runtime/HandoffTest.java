package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The lock-free handoff inside a stage: waiting, closing and accounting under concurrency. */
@Timeout(30)
class HandoffTest {

    @SuppressWarnings("unchecked")
    private static Stage<Integer> only(SedaGraph g) {
        return (Stage<Integer>) g.stages().get(0);
    }

    private static List<Thread> threadsNamed(String prefix) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                out.add(t);
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void idleWorkersParkInsteadOfSpinning(Execution how) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SedaGraph.Builder b = SedaGraph.builder("idle-" + how).sharedPool(2);
        Stage<Integer> s = b.stage(StageSettings.of("s").threads(3, 3).execution(how));
        AtomicLong handled = new AtomicLong();
        b.handler(s, e -> handled.incrementAndGet());
        try (SedaGraph g = b.build()) {
            g.start();
            for (int i = 0; i < 1000; i++) {
                assertTrue(s.offer(i));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (handled.get() < 1000 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(1000, handled.get());
            Thread.sleep(100);  // past any spinning and yielding
            List<Thread> workers = threadsNamed("seda-idle-" + how + "-");
            workers.removeIf(t -> t.getName().endsWith("-control"));
            assertTrue(workers.size() >= 2, workers.toString());
            long before = 0;
            for (Thread t : workers) {
                before += mx.getThreadCpuTime(t.getId());
            }
            Thread.sleep(500);
            long after = 0;
            for (Thread t : workers) {
                // CPU time, not the thread's state: an idle worker wakes now and then (the shared
                // pool's safety net every 100 ms, an own worker's idle timeout) and is briefly runnable.
                after += mx.getThreadCpuTime(t.getId());
            }
            long cpuMillis = TimeUnit.NANOSECONDS.toMillis(after - before);
            assertTrue(cpuMillis < 50, workers.size() + " idle workers used " + cpuMillis + " ms of CPU in 500 ms");
            assertTrue(g.stop(Duration.ofSeconds(5)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void everyOfferIsAccountedForWhenStopRacesProducers(Execution how) throws Exception {
        for (int round = 0; round < 5; round++) {
            SedaGraph.Builder b = SedaGraph.builder("race").sharedPool(2);
            Stage<Integer> s = b.stage(StageSettings.of("s").queue(64).threads(2, 2).execution(how));
            AtomicLong handled = new AtomicLong();
            b.handler(s, e -> handled.incrementAndGet());
            SedaGraph g = b.build();
            g.start();
            AtomicBoolean go = new AtomicBoolean(true);
            AtomicLong accepted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            List<Thread> producers = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(3);
            for (int p = 0; p < 3; p++) {
                Thread t = new Thread(() -> {
                    started.countDown();
                    int i = 0;
                    while (go.get()) {
                        if (s.offer(i++)) {
                            accepted.incrementAndGet();
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                });
                producers.add(t);
                t.start();
            }
            started.await();
            Thread.sleep(20);
            assertTrue(g.stop(Duration.ofSeconds(10)), "every admitted event handled");
            go.set(false);
            for (Thread t : producers) {
                t.join();
            }
            StageMetrics m = s.metrics();
            assertEquals(accepted.get(), m.admitted(), m.toString());
            assertEquals(accepted.get(), handled.get(), m.toString());
            assertEquals(m.admitted(), m.handled(), m.toString());
            assertEquals(refused.get(), m.rejected(), m.toString());
            assertEquals(accepted.get() + refused.get(), m.arrivals(), m.toString());
            long atOffer = m.rejectedBy().entrySet().stream().filter(r -> r.getKey().atOffer())
                    .mapToLong(r -> r.getValue()).sum();
            assertEquals(m.rejected(), atOffer, m.toString());
            assertEquals(0, m.queueLength());
        }
    }

    @Test
    void blockedProducersAllGetThroughAsRoomAppears() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("block");
        Stage<Integer> s = b.stage(StageSettings.of("s").queue(4).whenFull(WhenFull.BLOCK, Duration.ofSeconds(10)));
        AtomicLong handled = new AtomicLong();
        b.handler(s, e -> {
            handled.incrementAndGet();
            if (e % 100 == 0) {
                Thread.sleep(1);  // the queue stays full most of the time
            }
        });
        try (SedaGraph g = b.build()) {
            g.start();
            List<Thread> producers = new ArrayList<>();
            AtomicLong refused = new AtomicLong();
            for (int p = 0; p < 3; p++) {
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 5000; i++) {
                        if (!s.offer(i)) {
                            refused.incrementAndGet();
                        }
                    }
                });
                producers.add(t);
                t.start();
            }
            for (Thread t : producers) {
                t.join();
            }
            assertTrue(g.stop(Duration.ofSeconds(10)));
            assertEquals(0, refused.get());
            assertEquals(15_000, handled.get());
            assertEquals(15_000, s.metrics().handled());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void latenciesAreSampledOnABusyStageAndInFullOtherwise(Execution how) throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("sample");
        if (how == Execution.SHARED) {
            b.sharedPool(1);
        }
        Stage<Integer> s = b.stage(StageSettings.of("s").queue(4096).whenFull(WhenFull.BLOCK, Duration.ofSeconds(10))
                .execution(how));
        b.handler(s, e -> { });
        try (SedaGraph g = b.build()) {
            g.start();
            // Light traffic, about 500 events/s: every event is timed.
            for (int i = 0; i < 100; i++) {
                assertTrue(s.offer(i));
                Thread.sleep(2);
            }
            awaitHandled(s, 100);
            assertEquals(100, s.timedEvents());

            // As fast as one thread offers: far over 10k events/s once compiled, so after the first
            // windows of RATE_WINDOW events one event in MIN_SAMPLE_STRIDE or fewer is timed, but
            // never fewer than one per window.
            int busy = 300_000;
            for (int i = 0; i < busy; i++) {
                assertTrue(s.offer(i));
            }
            awaitHandled(s, 100 + busy);
            long timedBusy = s.timedEvents() - 100;
            assertTrue(timedBusy < busy / 2 && timedBusy > busy / Stage.MAX_SAMPLE_STRIDE / 2,
                    "timed " + timedBusy + " of " + busy + " events, expected " + busy / Stage.MAX_SAMPLE_STRIDE
                            + " to " + busy / Stage.MIN_SAMPLE_STRIDE);

            // Light traffic again: the first event after the burst may still be sampled (the worker
            // went idle with the burst's last window young), the ones after it are timed in full,
            // since by then that window is older than BUSY_WINDOW_NANOS.
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Stage.BUSY_WINDOW_NANOS) + 50);
            assertTrue(s.offer(0));
            awaitHandled(s, 101 + busy);
            long timedBefore = s.timedEvents();
            for (int i = 0; i < 5; i++) {
                assertTrue(s.offer(i));
                Thread.sleep(2);
            }
            awaitHandled(s, 106 + busy);
            assertEquals(timedBefore + 5, s.timedEvents());
            assertTrue(g.stop(Duration.ofSeconds(5)));
            StageMetrics m = s.metrics();
            assertEquals(m.serviceTime().samples(), m.queueingDelay().samples());
            assertEquals(m.serviceTime().samples(), m.responseTime().samples());
        }
    }

    @Test
    void theSamplingStrideGrowsWithTheRateAndStaysAPowerOfTwo() {
        long busy = Stage.BUSY_WINDOW_NANOS;  // RATE_WINDOW events in this long: about 10k events/s
        assertEquals(1, Stage.sampleStride(busy));
        assertEquals(1, Stage.sampleStride(10 * busy));
        assertEquals(Stage.MIN_SAMPLE_STRIDE, Stage.sampleStride(busy - 1));
        assertEquals(Stage.MIN_SAMPLE_STRIDE, Stage.sampleStride(busy * 2 / 3));
        assertEquals(2 * Stage.MIN_SAMPLE_STRIDE, Stage.sampleStride(busy / 2));
        assertEquals(8 * Stage.MIN_SAMPLE_STRIDE, Stage.sampleStride(busy / 10));  // 100k events/s: one in 64
        assertEquals(Stage.MAX_SAMPLE_STRIDE, Stage.sampleStride(busy / 1000));
        assertEquals(Stage.MAX_SAMPLE_STRIDE, Stage.sampleStride(0));
    }

    @Test
    void theTimedPositionsAreOneInTheStrideWhateverTheTrafficsPeriod() {
        // A producer whose every k-th event is special (k a power of two, the likeliest period of a
        // protocol or of a batch) must see those events timed as often as the others: a plain
        // "position % stride" would time all of them or none.
        for (int stride = Stage.MIN_SAMPLE_STRIDE; stride <= Stage.MAX_SAMPLE_STRIDE; stride *= 2) {
            int mask = stride - 1;
            for (int period : new int[] {1, 2, 8, 64, 1024}) {
                long positions = 4096L * stride;
                long timed = 0;
                for (long i = 0; i < positions; i++) {
                    if (Stage.sampled(1_000_003 + i * period, mask)) {
                        timed++;
                    }
                }
                double share = (double) timed * stride / positions;
                assertTrue(share > 0.9 && share < 1.1, "stride " + stride + ", period " + period
                        + ": timed " + share + " of the expected share");
            }
        }
    }

    private static void awaitHandled(Stage<?> s, long events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (s.metrics().handled() < events && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(events, s.metrics().handled());
    }
}
