package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The thread-pool controller with real threads. Handlers sleep, so a loaded 2-core box copes. */
@Timeout(30)
class ThreadPoolControllerTest {

    static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /**
     * SOSP'01's Gnutella scenario: 1000 events/s, 15% of which take 20 ms. Little's law wants
     * n = lambda * p * L = 1000 * 0.15 * 0.02 = 3 busy threads. The controlled stage settles near
     * that and keeps its queue short; a single fixed thread, fed the same events side by side, falls
     * further behind every second.
     *
     * <p>On a heavily loaded box a 20 ms sleep holds its thread longer, so the bound on threads
     * is Little's law on the service time the handler really took (3 ms on an idle box: 5 threads).
     */
    @Test
    void gnutellaScenarioSettlesNearThreeThreads() throws Exception {
        AtomicBoolean draining = new AtomicBoolean();
        AtomicLong busyNanos = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        EventHandler<Integer> slowSometimes = e -> {
            long t = System.nanoTime();
            if (e % 20 < 3 && !draining.get()) {
                Thread.sleep(20);
            }
            busyNanos.addAndGet(System.nanoTime() - t);
            calls.incrementAndGet();
        };
        SedaGraph.Builder b = SedaGraph.builder("gnutella").jmx(false);
        Stage<Integer> controlled = b.stage(StageSettings.of("controlled").threads(1, 20).queue(50_000)
                .threadControl(ThreadPoolControl.DEFAULT.withSampleInterval(Duration.ofMillis(200))));
        b.handler(controlled, slowSometimes);
        SedaGraph g = b.build();
        SedaGraph.Builder fb = SedaGraph.builder("gnutella-fixed").jmx(false);
        Stage<Integer> single = fb.stage(StageSettings.of("single").queue(50_000));
        fb.handler(single, slowSometimes);
        SedaGraph fixed = fb.build();
        g.start();
        fixed.start();
        assertEquals(1, controlled.metrics().threads(), "starts at min threads");
        int maxThreadsSeen = 0;
        int maxQueueLate = 0;
        int singleQueueMidway = 0;
        try {
            long t0 = System.nanoTime();
            long runNanos = TimeUnit.SECONDS.toNanos(6);
            int sent = 0;
            while (true) {
                long elapsed = System.nanoTime() - t0;
                if (elapsed >= runNanos) {
                    break;
                }
                // Paced against the start, so a late wake-up catches up instead of lowering the rate.
                long due = elapsed / 1_000_000;
                while (sent < due) {
                    assertTrue(controlled.offer(sent));
                    assertTrue(single.offer(sent));
                    sent++;
                }
                if (elapsed > TimeUnit.SECONDS.toNanos(3)) {
                    StageMetrics m = controlled.metrics();
                    maxThreadsSeen = Math.max(maxThreadsSeen, m.threads());
                    maxQueueLate = Math.max(maxQueueLate, m.queueLength());
                    if (singleQueueMidway == 0) {
                        singleQueueMidway = single.queueLength();
                    }
                }
                Thread.sleep(2);
            }
            StageMetrics m = controlled.metrics();
            int singleQueueEnd = single.queueLength();
            // Both stages run the handler: the mean is over both, which see the same mix.
            double littlesLaw = 1000 * (busyNanos.get() / 1e9) / calls.get();
            int most = Math.max(5, (int) Math.ceil(littlesLaw) + 2);
            String report = "Little's law: " + littlesLaw + " threads; threads " + m.threads() + " (max seen after 3 s: " + maxThreadsSeen + "), queue late max "
                    + maxQueueLate + ", queueing delay " + m.queueingDelay() + "; single thread queue " + singleQueueMidway
                    + " -> " + singleQueueEnd + "; decisions " + m.decisions();
            assertTrue(m.threads() >= 2 && m.threads() <= most, report);
            assertTrue(maxThreadsSeen <= most + 1, report);
            assertTrue(maxQueueLate < 500, report);
            assertTrue(m.queueingDelay().p90Nanos() < TimeUnit.MILLISECONDS.toNanos(250), report);
            assertTrue(m.decisions().stream().anyMatch(d -> d.controller().equals("threads") && d.action().equals("add")),
                    report);
            // One thread serves ~330 events/s of this mix: it falls behind by hundreds per second.
            assertTrue(singleQueueEnd > 1500 && singleQueueEnd > singleQueueMidway + 500, report);
            assertEquals(0, m.rejected(), report);
        } finally {
            draining.set(true);
            assertTrue(g.stop(Duration.ofSeconds(10)));
            assertTrue(fixed.stop(Duration.ofSeconds(10)));
        }
        assertEquals(0, controlled.metrics().threads());
    }

    @Test
    void idleWorkersRetireDownToMin() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("idle").jmx(false);
        Stage<Integer> s = b.stage(StageSettings.of("s").threads(1, 4).queue(10_000)
                .threadControl(new ThreadPoolControl(true, Duration.ofMillis(50), 5, Duration.ofMillis(200))));
        b.handler(s, e -> Thread.sleep(2));
        try (SedaGraph g = b.build()) {
            g.start();
            for (int i = 0; i < 3000; i++) {
                assertTrue(s.offer(i));
            }
            await(() -> s.metrics().threads() >= 3, 5_000, "the backlog to add threads");
            await(() -> s.queueLength() == 0, 10_000, "the backlog to drain");
            await(() -> s.metrics().threads() == 1, 5_000, "idle threads to retire");
            StageMetrics m = s.metrics();
            assertTrue(m.decisions().stream().anyMatch(d -> d.action().equals("retire")), m.decisions().toString());
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("seda-idle-s-")).count() <= 1);
        }
    }

    @Test
    void threadsCanBeChangedWhileRunning() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("resize").jmx(false);
        Stage<Integer> s = b.stage(StageSettings.of("s").threads(2, 2));
        b.handler(s, e -> { });
        try (SedaGraph g = b.build()) {
            g.start();
            assertEquals(2, s.metrics().threads());
            s.setThreads(4, 4);
            assertEquals(4, s.metrics().threads(), "a fixed pool grows at once");
            s.setThreads(1, 1);
            await(() -> s.metrics().threads() == 1, 5_000, "workers above the new max to end");
            s.setThreads(1, 3);  // now a range: the controller sizes it from min
            assertEquals(1, s.metrics().threads());
            s.setThreads(3, 3);
            assertEquals(3, s.metrics().threads());
            for (int i = 0; i < 100; i++) {
                assertTrue(s.offer(i));
            }
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(100, s.metrics().handled());
            assertEquals(0, s.metrics().threads());
        }
    }

    @Test
    void fixedThreadsPinsThePoolAtMax() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("pinned").jmx(false);
        Stage<Integer> s = b.stage(StageSettings.of("s").threads(1, 3).fixedThreads());
        b.handler(s, e -> { });
        try (SedaGraph g = b.build()) {
            g.start();
            assertEquals(3, s.metrics().threads());
            Thread.sleep(300);
            assertEquals(3, s.metrics().threads(), "no idle retirement without the controller");
        }
    }
}
