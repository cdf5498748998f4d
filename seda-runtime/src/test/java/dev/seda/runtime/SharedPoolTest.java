package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class SharedPoolTest {

    /** Counts how many handlers of one stage run at once. */
    static final class Concurrency implements EventHandler<Integer> {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public void handle(Integer event) throws InterruptedException {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread().getName());
            Thread.sleep(1);
            now.decrementAndGet();
        }
    }

    @Test
    void stagesShareWorkersYetKeepTheirConcurrencyCaps() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("pool").jmx(false).sharedPool(3);
        Stage<Integer> serial = b.stage(StageSettings.of("serial"));
        Stage<Integer> wide = b.stage(StageSettings.of("wide").threads(1, 3));
        Stage<Integer> own = b.stage(StageSettings.of("own").execution(Execution.OWN_THREADS));
        Concurrency cs = new Concurrency();
        Concurrency cw = new Concurrency();
        Concurrency co = new Concurrency();
        b.handler(serial, cs).handler(wide, cw).handler(own, co);
        SedaGraph g = b.build();
        for (int i = 0; i < 100; i++) {
            assertTrue(serial.offer(i));  // offered before start: the pool picks them up at start
        }
        g.start();
        for (int i = 0; i < 300; i++) {
            assertTrue(wide.offer(i));
            assertTrue(own.offer(i));
        }
        assertTrue(g.stop(Duration.ofSeconds(10)));
        assertEquals(100, serial.metrics().handled());
        assertEquals(300, wide.metrics().handled());
        assertEquals(300, own.metrics().handled());
        assertEquals(1, cs.most.get(), "a one-thread stage never runs twice at once, even on a shared pool");
        assertTrue(cw.most.get() >= 2 && cw.most.get() <= 3, "wide ran " + cw.most.get() + " at once");
        assertTrue(cw.threads.stream().allMatch(n -> n.startsWith("seda-pool-shared-")), cw.threads.toString());
        assertEquals(Set.of("seda-pool-own-1"), co.threads);
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("seda-pool-")));
        for (Stage<?> s : g.stages()) {
            assertEquals(0, s.metrics().threads(), s.name());
            AdmissionTest.assertAccounted(s.metrics());
        }
    }

    /**
     * A stream into a one-thread stage on a pool of two: the workers claim runs, end turns early when
     * they catch up, and slip while holding the stage; still one handler call at a time, in order,
     * and every event handled.
     */
    @Test
    void aStreamIntoAOneThreadStageOnAPoolOfTwoStaysInOrderAndSerial() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("stream").jmx(false).sharedPool(2);
        Stage<Integer> serial = b.stage(StageSettings.of("serial").queue(64).whenFull(WhenFull.BLOCK, Duration.ofSeconds(10)));
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        int[] last = {-1};  // guarded by the stage's one-at-a-time execution, which this test checks
        AtomicInteger outOfOrder = new AtomicInteger();
        b.handler(serial, e -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            if (e != last[0] + 1) {
                outOfOrder.incrementAndGet();
            }
            last[0] = e;
            now.decrementAndGet();
        });
        SedaGraph g = b.build();
        g.start();
        int events = 200_000;
        for (int i = 0; i < events; i++) {
            assertTrue(serial.offer(i));
        }
        assertTrue(g.stop(Duration.ofSeconds(10)));
        assertEquals(events, serial.metrics().handled());
        assertEquals(1, most.get(), "handler calls at once");
        assertEquals(0, outOfOrder.get(), "events handled out of order");
        AdmissionTest.assertAccounted(serial.metrics());
    }

    @Test
    void sharedStagesFollowRunTimeCaps() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("recap").jmx(false).sharedPool(4);
        Stage<Integer> s = b.stage(StageSettings.of("s").threads(1, 1).queue(10_000));
        Concurrency c = new Concurrency();
        b.handler(s, c);
        try (SedaGraph g = b.build()) {
            g.start();
            s.setThreads(1, 4);
            for (int i = 0; i < 400; i++) {
                assertTrue(s.offer(i));
            }
            ThreadPoolControllerTest.await(() -> s.metrics().handled() == 400, 10_000, "the events to be handled");
            assertTrue(c.most.get() > 1, "ran up to " + c.most.get() + " at once");
            assertThrows(IllegalStateException.class, () -> s.setGrowAbove(5),
                    "no thread-pool controller on a shared pool");
        }
    }

    @Test
    void poolSizeIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> SedaGraph.builder("g").sharedPool(0));
    }
}
