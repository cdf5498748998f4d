package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** The controllers' decisions under a fake clock: no threads, no sleeping. */
class ControllerLogicTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long now = 1_000_000_000L;
    private final LongSupplier clock = () -> now;

    @Test
    void reservoirPercentilesUseNearestRank() {
        Reservoir r = new Reservoir();
        assertEquals(LatencySummary.EMPTY, r.summary());
        for (int i = 100; i >= 1; i--) {
            r.record(i);
        }
        assertEquals(new LatencySummary(100, 50, 90, 99, 100), r.summary());
        for (int i = 0; i < 5000; i++) {
            r.record(7);  // only the last 1024 samples count
        }
        assertEquals(new LatencySummary(1024, 7, 7, 7, 7), r.summary());
    }

    @Test
    void bucketRefillsFromTheClock() {
        Bucket b = new Bucket(10, 2, now);
        assertTrue(b.tryAcquire(now));
        assertTrue(b.tryAcquire(now));
        assertFalse(b.tryAcquire(now));
        now += 100 * MS;  // one token at 10/s
        assertTrue(b.tryAcquire(now));
        assertFalse(b.tryAcquire(now));
        now += 10_000 * MS;  // never more than the depth
        assertTrue(b.tryAcquire(now));
        assertTrue(b.tryAcquire(now));
        assertFalse(b.tryAcquire(now));
        Bucket unlimited = new Bucket(Double.POSITIVE_INFINITY, now);
        for (int i = 0; i < 1000; i++) {
            assertTrue(unlimited.tryAcquire(now));
        }
        unlimited.setRate(20, now);  // a controller's bucket holds a tenth of a second: 2 tokens
        assertTrue(unlimited.tryAcquire(now));
        assertTrue(unlimited.tryAcquire(now));
        assertFalse(unlimited.tryAcquire(now));
    }

    @Test
    void threadPoolControllerAddsWhenTheBacklogIsOverThresholdAndNotShrinking() {
        ThreadPoolController c = new ThreadPoolController(
                ThreadPoolControl.DEFAULT.withSampleInterval(Duration.ofSeconds(2)), clock);
        assertFalse(c.sample(500, 1, 1, 4, 0), "not due before the first interval");
        now += 2000 * MS;
        assertTrue(c.sample(500, 1, 1, 4, 0));
        assertFalse(c.sample(900, 2, 1, 4, 0), "one sample per interval");
        now += 2000 * MS;
        assertTrue(c.sample(900, 2, 1, 4, 0), "growing backlog");
        now += 2000 * MS;
        assertFalse(c.sample(400, 3, 1, 4, 0), "shrinking by 500 a sample: gone within the next one");
        now += 2000 * MS;
        assertTrue(c.sample(450, 3, 1, 4, 0));
        now += 2000 * MS;
        assertTrue(c.sample(420, 3, 1, 4, 0), "shrinking by 30 a sample: would take 14 more samples");
        now += 2000 * MS;
        assertFalse(c.sample(300, 3, 1, 4, 0), "shrinking by 120: gone within 5 samples");
        now += 2000 * MS;
        assertFalse(c.sample(5000, 4, 1, 4, 0), "at max");
        now += 2000 * MS;
        assertFalse(c.sample(10, 1, 1, 4, 0), "at the threshold is not over it");
        c.setThreshold(5);
        now += 2000 * MS;
        assertTrue(c.sample(12, 1, 1, 4, 0), "the backlog grew from 10 to 12");
        // Decides on the mean over the interval: one burst among short queues is no backlog.
        for (int i = 0; i < 9; i++) {
            now += 200 * MS;
            assertFalse(c.sample(i == 4 ? 40 : 0, 1, 1, 4, 0));
        }
        now += 200 * MS;
        assertFalse(c.sample(0, 1, 1, 4, 0), "mean 4 is under the threshold 5");
    }

    @Test
    void threadPoolControllerTakesBackAThreadThatDidNotRaiseThroughput() {
        ThreadPoolController c = new ThreadPoolController(
                ThreadPoolControl.DEFAULT.withSampleInterval(Duration.ofSeconds(2)), clock);
        long handled = 0;
        now += 2000 * MS;
        assertTrue(c.sample(500, 1, 1, 5, handled), "a backlog: add (no rate measured yet to judge it by)");
        // 2 threads handle 400/s, the backlog does not shrink: add.
        now += 2000 * MS;
        handled += 800;
        assertTrue(c.sample(500, 2, 1, 5, handled));
        // 3 threads handle 800/s: it helped, and the backlog is still there: add again.
        now += 2000 * MS;
        handled += 1600;
        assertTrue(c.sample(520, 3, 1, 5, handled));
        assertEquals(Integer.MAX_VALUE, c.ceiling());
        // 4 threads handle 810/s: the fourth only took CPU from the others. Back to 3, and held there.
        now += 2000 * MS;
        handled += 1620;
        assertFalse(c.sample(600, 4, 1, 5, handled));
        assertEquals(3, c.ceiling());
        for (int i = 1; i < ThreadPoolController.HOLD_SAMPLES; i++) {
            now += 2000 * MS;
            handled += 1600;
            assertFalse(c.sample(700 + i, 3, 1, 5, handled), "held at 3 while the backlog grows, sample " + i);
        }
        now += 2000 * MS;
        handled += 1600;
        assertTrue(c.sample(800, 3, 1, 5, handled), "the hold is over: try again");
        assertEquals(Integer.MAX_VALUE, c.ceiling());
    }

    @Test
    void batchControllerShrinksWhileThroughputHoldsGrowsWhenItDropsAndResetsOnSuddenChange() {
        BatchController c = new BatchController(1, 100, new BatchControl(true, Duration.ofSeconds(1)), clock);
        assertEquals(100, c.target());
        // First window only measures.
        now += 1000 * MS;
        assertNull(c.onBatch(1000));
        // Steady 1000/s: shrink by /1.2 each window.
        now += 1000 * MS;
        BatchController.Change ch = c.onBatch(1000);
        assertEquals(new BatchController.Change("shrink", 100, 83, ch.reason()), ch);
        for (int i = 0; i < 30; i++) {
            now += 1000 * MS;
            c.onBatch(1000);
        }
        assertEquals(1, c.target(), "throughput held throughout: smallest batches, lowest latency");
        // Throughput degrades to 0.6x (not sudden): the smoothed value falls under 0.9x best: grow.
        now += 1000 * MS;
        c.onBatch(600);
        now += 1000 * MS;
        ch = c.onBatch(600);
        assertEquals("grow", ch.action());
        assertTrue(c.target() > 1);
        int grown = c.target();
        now += 1000 * MS;
        c.onBatch(600);
        assertTrue(c.target() > grown, "keeps growing while throughput stays low");
        // A sudden jump in load: back to max.
        now += 1000 * MS;
        ch = c.onBatch(5000);
        assertEquals("reset", ch.action());
        assertEquals(100, c.target());
        // A sudden drop: reset too (already at max: no change to report).
        now += 1000 * MS;
        assertNull(c.onBatch(100));
        assertEquals(100, c.target());
        // Partial windows count towards the next one.
        now += 500 * MS;
        assertNull(c.onBatch(50));
        assertEquals(100, c.target());
    }

    private static List<ResponseTimeController.ControllerDecisionDraft> recordMany(
            ResponseTimeController c, int cls, int n, long nanos) {
        List<ResponseTimeController.ControllerDecisionDraft> last = List.of();
        for (int i = 0; i < n; i++) {
            List<ResponseTimeController.ControllerDecisionDraft> d = c.record(cls, nanos);
            if (!d.isEmpty()) {
                last = d;
            }
        }
        return last;
    }

    @Test
    void responseTimeControllerDecreasesMultiplicativelyAndIncreasesAdditively() {
        ResponseTimeController c = new ResponseTimeController(OverloadControl.target(Duration.ofMillis(10)), clock);
        assertEquals(Double.POSITIVE_INFINITY, c.rate(0));
        for (int i = 0; i < 10_000; i++) {
            assertTrue(c.tryAdmit(0), "unlimited until the first overload");
        }
        // 100 samples of 50 ms in half a second: p90 over target; handled at 200/s -> 200/1.2.
        now += 500 * MS;
        var d = recordMany(c, 0, 100, 50 * MS);
        assertEquals(1, d.size());
        assertEquals("decrease", d.get(0).action());
        assertEquals(200 / 1.2, c.rate(0), 1e-6);
        assertTrue(c.overloaded());
        // Still over: /1.2 again, from the 100/s handled this window since that is under the bucket's rate.
        now += 1000 * MS;
        recordMany(c, 0, 100, 20 * MS);
        assertEquals(100 / 1.2, c.rate(0), 1e-6);
        // Handled faster than the bucket allows now (it refilled from a burst): from the bucket's rate.
        now += 250 * MS;
        recordMany(c, 0, 100, 20 * MS);
        assertEquals(100 / 1.2 / 1.2, c.rate(0), 1e-6);
        // Well under: EWMA 0.7*old+0.3*new needs a few windows to fall under half the target.
        double before = c.rate(0);
        for (int i = 0; i < 10; i++) {
            now += 1000 * MS;
            recordMany(c, 0, 100, MS / 10);
        }
        assertFalse(c.overloaded());
        assertTrue(c.rate(0) > before, "increase under half the target");
        assertTrue(c.rate(0) < before * Math.pow(1.2, 10), "by at most a fifth of the handled rate per adjustment");
        // A window that ends without samples counts as idle: increase.
        before = c.rate(0);
        now += 999 * MS;
        assertEquals(List.of(), c.tick());
        now += 1 * MS;
        assertEquals("increase", c.tick().get(0).action());
        assertEquals(before + 10 * 0.9, c.rate(0), 1e-6);
        // The bucket follows the rate.
        now += 10_000 * MS;
        int admitted = 0;
        for (int i = 0; i < 1000; i++) {
            admitted += c.tryAdmit(0) ? 1 : 0;
        }
        assertEquals(Math.max(1, (int) (c.rate(0) / 10)), admitted);
    }

    @Test
    void eventsAdmittedBeforeACutDoNotCutAgainAndARateCutFarBelowCapacityComesBackInAFewWindows() {
        ResponseTimeController c = new ResponseTimeController(OverloadControl.target(Duration.ofMillis(100)), clock);
        // A backlog: 100 events at 400/s, each waited 500 ms. Cut from 400/s to 333/s.
        now += 250 * MS;
        assertEquals("decrease", recordMany(c, 0, 100, 500 * MS).get(0).action());
        assertEquals(400 / 1.2, c.rate(0), 1e-6);
        // The backlog drains: more events that were admitted before the cut, still slow. No new cut,
        // and no increase either.
        for (int i = 1; i <= 4; i++) {
            now += 250 * MS;
            assertEquals(List.of(), recordMany(c, 0, 100, (i * 250 + 100) * MS));  // admitted 100 ms before the cut
        }
        assertEquals(400 / 1.2, c.rate(0), 1e-6, "the rate set after the backlog's cut stands");
        // Fresh events, fast: the rate grows by a fifth of the handled rate per window, not by 10/s.
        for (int i = 0; i < 3; i++) {
            now += 250 * MS;
            recordMany(c, 0, 100, 2 * MS);
        }
        assertTrue(c.rate(0) > 400 / 1.2 + 3 * 10, "grew faster than additively: " + c.rate(0));
    }

    @Test
    void sheddingIsSpreadOverClientsThatSendAtASteadyPace() {
        double[] jain = steadyClients(null, 320); // 10 s
        assertTrue(jain[0] > 0.97, "Jain's index " + jain[0]);
    }

    @Test
    void sourcedEventsAreShedInTheSameShareForEverySource() {
        // The same clients, naming themselves: each gets its share in turn, not by the luck of a draw,
        // so even a 5 s window (where random admission is off by a binomial spread) comes out even.
        double[] jain = steadyClients(client -> () -> 1000L + client, 160);
        assertTrue(jain[0] > 0.995, "Jain's index " + jain[0]);
    }

    /**
     * Cut to about 417/s; then 64 clients that send together every 32 ms (2000/s), always arriving
     * in the same order, as steady clients started together do. A token bucket alone would admit
     * the first few of every round: the same clients every time. Returns Jain's index over the
     * clients' admissions after a warm-up.
     */
    private double[] steadyClients(java.util.function.IntFunction<Sourced> source, int rounds) {
        ResponseTimeController c = new ResponseTimeController(OverloadControl.target(Duration.ofMillis(100)), clock);
        now += 200 * MS;
        recordMany(c, 0, 100, 500 * MS); // handled at 500/s, far over the target: 500 / 1.2
        int clients = 64;
        long[] admitted = new long[clients];
        int warmUp = 32; // about a second: the share of arrivals to admit is known from the first window on
        for (int round = -warmUp; round < rounds; round++) {
            now += 32 * MS;
            for (int client = 0; client < clients; client++) {
                now += 1000; // a microsecond apart
                if (c.tryAdmit(0, 0, 1, source == null ? null : source.apply(client))) {
                    admitted[client] += round >= 0 ? 1 : 0;
                    c.record(0, 70 * MS); // under the target, not under half of it: the rate holds
                }
            }
        }
        double sum = 0;
        double squares = 0;
        for (long a : admitted) {
            sum += a;
            squares += (double) a * a;
        }
        double seconds = rounds * 0.032;
        assertTrue(sum > 0.8 * seconds * 500 / 1.2 && sum < 1.1 * seconds * 500 / 1.2, "admits at the rate: " + sum);
        return new double[] {sum * sum / (clients * squares)};
    }

    @Test
    void anEventThatWouldWaitLongerThanHalfItsTargetIsRefusedAtOnce() {
        ResponseTimeController c = new ResponseTimeController(
                OverloadControl.of(Duration.ofMillis(400), Duration.ofMillis(100)), clock);
        assertTrue(c.tryAdmit(0, 1000, 1, null), "no service time measured yet: nothing to predict from");
        c.serviceTime(100 * MS, 10); // 10 ms per event
        assertTrue(c.tryAdmit(1, 4, 1, null), "40 ms of queue ahead: under half of 100 ms");
        assertFalse(c.tryAdmit(1, 6, 1, null), "60 ms ahead: over half of 100 ms");
        assertTrue(c.tryAdmit(1, 6, 2, null), "two workers: 30 ms ahead");
        assertTrue(c.tryAdmit(0, 15, 1, null), "150 ms ahead: class 1 had no window yet, so class 0 may wait up to"
                + " half its own 400 ms");
        assertFalse(c.tryAdmit(0, 25, 1, null), "250 ms ahead: over half its target");
        now += 1000 * MS;
        c.tick();  // a window in which class 1 arrived: now it holds class 0 back
        assertFalse(c.tryAdmit(0, 4, 1, null), "class 0 is refused first: at most half the wait class 1 may have");
        assertTrue(c.tryAdmit(0, 2, 1, null), "20 ms ahead: under 25 ms");
        assertArrayEquals(new double[] {25 * MS, 50 * MS, 100 * MS},
                ResponseTimeController.waitLimits(new long[] {800 * MS, 400 * MS, 200 * MS}, new boolean[] {true, true, true}),
                1e-9, "half its target, and at most half the limit of the class above");
        assertArrayEquals(new double[] {100 * MS, 200 * MS, 100 * MS},
                ResponseTimeController.waitLimits(new long[] {800 * MS, 400 * MS, 200 * MS}, new boolean[] {true, true, false}),
                1e-9, "a class without traffic holds no one back");
    }

    @Test
    void aHigherClassHoldsLowerOnesBackOnlyWhileItHasTraffic() {
        ResponseTimeController c = new ResponseTimeController(
                OverloadControl.of(Duration.ofMillis(400), Duration.ofMillis(100)), clock);
        c.serviceTime(100 * MS, 10); // 10 ms per event
        assertTrue(c.tryAdmit(0, 15, 1, null), "alone, class 0 may wait up to 200 ms");
        assertTrue(c.tryAdmit(1, 0, 1, null));
        now += 1000 * MS;
        c.tick();
        assertFalse(c.tryAdmit(0, 15, 1, null), "class 1 is here: class 0 may wait 25 ms");
        for (int s = 0; s < 4; s++) {  // windows without class 1, under ACTIVE_NANOS
            now += 1000 * MS;
            c.tick();
        }
        assertFalse(c.tryAdmit(0, 15, 1, null), "class 1 was here 4 s ago: still held back");
        now += 2000 * MS;
        c.tick();
        assertTrue(c.tryAdmit(0, 15, 1, null), "no class 1 for over 5 s: class 0 may wait 200 ms again");
    }

    @Test
    void lowerClassesAreShedFirst() {
        OverloadControl oc = OverloadControl.of(Duration.ofMillis(100), Duration.ofMillis(10))
                .rates(1000, 1, Double.POSITIVE_INFINITY);
        ResponseTimeController c = new ResponseTimeController(oc, clock);
        now += 1000 * MS;
        for (int i = 0; i < 50; i++) {
            c.record(0, MS);          // class 0 fine against its 100 ms
            c.record(1, 50 * MS);     // class 1 over its 10 ms
        }
        assertEquals(1000, c.rate(1), 1e-9, "the important class keeps its rate while lower ones can give");
        assertEquals(50 / 10.0, c.rate(0), 1e-9, "lower class: from its handled rate (50/s), divided by 10");
        // Again: class 0 goes down to its minimum.
        for (int round = 0; round < 3; round++) {
            now += 1000 * MS;
            for (int i = 0; i < 50; i++) {
                c.record(0, MS);
                c.record(1, 50 * MS);
            }
        }
        assertEquals(1, c.rate(0), 1e-9);
        // Nothing left to shed below: class 1 itself decreases by 1.2.
        assertTrue(c.rate(1) < 1000);
        assertTrue(c.overloaded());
        // Targets can change at run time.
        c.setTargets(new Duration[] {Duration.ofMillis(100), Duration.ofSeconds(1)});
        assertEquals(Duration.ofSeconds(1), c.targets()[1]);
    }
}
