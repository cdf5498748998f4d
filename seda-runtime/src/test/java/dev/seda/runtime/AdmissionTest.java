package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AdmissionTest {

    private static SedaGraph single(StageSettings settings, EventHandler<Integer> handler) {
        SedaGraph.Builder b = SedaGraph.builder("adm").jmx(false);
        Stage<Integer> s = b.stage(settings);
        return b.handler(s, handler).build();
    }

    @SuppressWarnings("unchecked")
    private static Stage<Integer> only(SedaGraph g) {
        return (Stage<Integer>) g.stages().get(0);
    }

    /** Every arrival admitted or rejected; every admitted event handled, failed or dropped. */
    static void assertAccounted(StageMetrics m) {
        assertEquals(m.arrivals(), m.admitted() + m.rejected(), m.toString());
        assertEquals(m.admitted(), m.handled() + m.failed() + m.dropped() + m.queueLength(), m.toString());
        long atOffer = 0;
        long after = 0;
        for (RejectReason r : RejectReason.values()) {
            if (r.atOffer()) {
                atOffer += m.rejected(r);
            } else {
                after += m.rejected(r);
            }
        }
        assertEquals(m.rejected(), atOffer, m.toString());
        assertEquals(m.dropped(), after, m.toString());
    }

    @Test
    void thresholdRejectsFromTheGivenLength() throws Exception {
        StageTest.Gate gate = new StageTest.Gate();
        try (SedaGraph g = single(StageSettings.of("s").admission(AdmissionPolicy.queueThreshold(2)), gate)) {
            g.start();
            Stage<Integer> s = only(g);
            gate.occupy(s);
            assertTrue(s.offer(2));
            assertTrue(s.offer(3));
            assertFalse(s.offer(4));
            assertTrue(s.overloaded(), "a stage that just rejected reports overload");
            assertEquals(1, s.metrics().rejected(RejectReason.THRESHOLD));
            gate.release.countDown();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(List.of(1, 2, 3), gate.seen);
            assertAccounted(s.metrics());
        }
    }

    @Test
    void aStageStopsReportingOverloadASecondAfterItsLastRejection() throws Exception {
        StageTest.Gate gate = new StageTest.Gate();
        try (SedaGraph g = single(StageSettings.of("s").admission(AdmissionPolicy.queueThreshold(1)), gate)) {
            g.start();
            Stage<Integer> s = only(g);
            assertFalse(s.overloaded(), "nothing rejected yet");
            gate.occupy(s);
            assertTrue(s.offer(2));
            assertFalse(s.offer(3));
            long rejectedAt = System.nanoTime();
            assertTrue(s.overloaded());
            gate.release.countDown();
            while (s.overloaded()) {
                assertTrue(System.nanoTime() - rejectedAt < TimeUnit.SECONDS.toNanos(5), "still overloaded");
                Thread.sleep(20);
            }
            assertTrue(System.nanoTime() - rejectedAt >= TimeUnit.MILLISECONDS.toNanos(900),
                    "a rejection counts for about a second");
            assertTrue(g.stop(Duration.ofSeconds(5)));
        }
    }

    @Test
    void theThresholdCanBeChangedWhileTheStageRuns() throws Exception {
        StageTest.Gate gate = new StageTest.Gate();
        try (SedaGraph g = single(StageSettings.of("s").queue(16).admission(AdmissionPolicy.queueThreshold(4)), gate)) {
            g.start();
            Stage<Integer> s = only(g);
            gate.occupy(s);
            assertTrue(s.offer(2));
            assertTrue(s.offer(3));
            s.setRejectAbove(2);
            assertFalse(s.offer(4), "two queued: the new threshold refuses a third");
            assertEquals(2, s.rejectAbove());
            assertEquals(List.of(AdmissionPolicy.queueThreshold(2)), s.settings().admission());
            StageSettings before = s.settings();
            assertThrows(IllegalArgumentException.class, () -> s.setRejectAbove(0));
            assertThrows(IllegalArgumentException.class, () -> s.setRejectAbove(16), "at the capacity it would never act");
            assertEquals(before, s.settings(), "a rejected value changes nothing");
            s.setRejectAbove(3);
            assertTrue(s.offer(5));
            assertFalse(s.offer(6));
            assertEquals(2, s.metrics().rejected(RejectReason.THRESHOLD));
            assertTrue(s.metrics().decisions().stream().anyMatch(d -> d.reason().contains("reject-above")));
            gate.release.countDown();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(List.of(1, 2, 3, 5), gate.seen);
            assertAccounted(s.metrics());
        }
    }

    @Test
    void theQueueAgeDeadlineCanBeChangedWhileTheStageRuns() throws Exception {
        StageTest.Gate gate = new StageTest.Gate();
        try (SedaGraph g = single(StageSettings.of("s").admission(AdmissionPolicy.maxQueueAge(Duration.ofSeconds(30))),
                gate)) {
            g.start();
            Stage<Integer> s = only(g);
            gate.occupy(s);
            assertTrue(s.offer(2));
            s.setMaxQueueAge(Duration.ofMillis(20));
            assertEquals(Duration.ofMillis(20), s.maxQueueAge());
            assertEquals(List.of(AdmissionPolicy.maxQueueAge(Duration.ofMillis(20))), s.settings().admission());
            StageSettings before = s.settings();
            assertThrows(IllegalArgumentException.class, () -> s.setMaxQueueAge(Duration.ZERO));
            assertEquals(before, s.settings(), "a rejected value changes nothing");
            Thread.sleep(60);
            gate.release.countDown();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(List.of(1), gate.seen, "event 2 waited past the new deadline");
            assertEquals(1, s.metrics().rejected(RejectReason.EXPIRED));
            assertAccounted(s.metrics());
        }
    }

    @Test
    void aThresholdAtOrAboveTheCapacityIsRefusedWhenTheStageIsBuilt() {
        SedaGraph.Builder b = SedaGraph.builder("adm").jmx(false);
        var e = assertThrows(IllegalArgumentException.class,
                () -> b.stage(StageSettings.of("s").admission(AdmissionPolicy.queueThreshold(64)).queue(64)));
        assertTrue(e.getMessage().contains("below the queue capacity 64"), e.getMessage());
        // Written the other way round, the settings are as good: only the stage checks them together.
        assertEquals(63, b.stage(StageSettings.of("t").admission(AdmissionPolicy.queueThreshold(63)).queue(64))
                .rejectAbove());
    }

    @Test
    void tokenBucketAdmitsTheBurstThenTheRate() {
        try (SedaGraph g = single(StageSettings.of("s").admission(AdmissionPolicy.tokenBucket(0.5, 3)), e -> { })) {
            Stage<Integer> s = only(g);
            int admitted = 0;
            for (int i = 0; i < 10; i++) {
                admitted += s.offer(i) ? 1 : 0;
            }
            assertEquals(3, admitted);
            assertEquals(7, s.metrics().rejected(RejectReason.RATE));
            assertEquals(0.5, s.rateLimit());
            s.setRateLimit(1e9);  // effective at once: the bucket refills from now on at the new rate
            assertTrue(s.offer(11) || s.offer(12));
            assertEquals(1e9, s.rateLimit());
            g.start();
        }
    }

    @Test
    void predicateAndCompositionInOrder() throws Exception {
        // The predicate comes first, so events it rejects never consume a token.
        AdmissionPolicy odd = AdmissionPolicy.<Integer>predicate(e -> e % 2 == 1);
        try (SedaGraph g = single(StageSettings.of("s").admission(odd, AdmissionPolicy.tokenBucket(0.1, 2)), e -> { })) {
            Stage<Integer> s = only(g);
            assertFalse(s.offer(2));
            assertFalse(s.offer(4));
            assertTrue(s.offer(1));
            assertTrue(s.offer(3));
            assertFalse(s.offer(5));
            StageMetrics m = s.metrics();
            assertEquals(2, m.rejected(RejectReason.PREDICATE));
            assertEquals(1, m.rejected(RejectReason.RATE));
            g.start();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertFalse(s.offer(7));
            assertEquals(1, s.metrics().rejected(RejectReason.CLOSED));
            assertAccounted(s.metrics());
        }
    }

    @Test
    void eventsOlderThanTheirDeadlineExpireInsteadOfBeingHandled() throws Exception {
        StageTest.Gate gate = new StageTest.Gate();
        SedaGraph g = single(StageSettings.of("s").admission(AdmissionPolicy.maxQueueAge(Duration.ofMillis(50))), gate);
        g.start();
        Stage<Integer> s = only(g);
        gate.occupy(s);
        assertTrue(s.offer(2));
        assertTrue(s.offer(3));
        Thread.sleep(150);
        gate.release.countDown();
        assertTrue(s.offer(4));  // fresh: handled
        assertTrue(g.stop(Duration.ofSeconds(5)));
        assertEquals(List.of(1, 4), gate.seen);
        StageMetrics m = s.metrics();
        assertEquals(2, m.rejected(RejectReason.EXPIRED));
        assertEquals(2, m.dropped());
        assertEquals(0, m.rejected());
        assertAccounted(m);
    }

    @Test
    void fullAndDroppedOldestAreReasonsToo() throws Exception {
        StageTest.Gate gate = new StageTest.Gate();
        try (SedaGraph g = single(StageSettings.of("s").queue(1).whenFull(WhenFull.DROP_OLDEST, Duration.ZERO), gate)) {
            g.start();
            Stage<Integer> s = only(g);
            gate.occupy(s);
            assertTrue(s.offer(2));
            assertTrue(s.offer(3));
            assertEquals(1, s.metrics().rejected(RejectReason.DROPPED_OLDEST));
            gate.release.countDown();
        }
        StageTest.Gate gate2 = new StageTest.Gate();
        try (SedaGraph g = single(StageSettings.of("s").queue(1), gate2)) {
            g.start();
            Stage<Integer> s = only(g);
            gate2.occupy(s);
            assertTrue(s.offer(2));
            assertFalse(s.offer(3));
            assertEquals(1, s.metrics().rejected(RejectReason.FULL));
            gate2.release.countDown();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertAccounted(s.metrics());
        }
    }

    @Test
    void latenciesAreMeasured() throws Exception {
        try (SedaGraph g = single(StageSettings.of("s"), e -> Thread.sleep(5))) {
            Stage<Integer> s = only(g);
            for (int i = 0; i < 20; i++) {
                assertTrue(s.offer(i));
            }
            g.start();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            StageMetrics m = s.metrics();
            assertEquals(20, m.serviceTime().samples());
            assertTrue(m.serviceTime().p50Nanos() >= 4_000_000, m.serviceTime().toString());
            assertTrue(m.serviceTime().p99Nanos() >= m.serviceTime().p90Nanos());
            assertTrue(m.serviceTime().maxNanos() >= m.serviceTime().p99Nanos());
            // The last event waited behind 19 others of 5 ms each.
            assertTrue(m.queueingDelay().maxNanos() >= 19 * 4_000_000L, m.queueingDelay().toString());
            assertTrue(m.responseTime().p90Nanos() >= m.queueingDelay().p90Nanos());
            assertEquals(1, m.batchTarget());
            assertTrue(Double.isNaN(m.admissionRate()));
        }
    }

    @Test
    void reconfigurationIsValidatedAndChangesNothingWhenBad() {
        try (SedaGraph g = single(StageSettings.of("s").threads(1, 4), e -> { })) {
            Stage<Integer> s = only(g);
            assertThrows(IllegalArgumentException.class, () -> s.setThreads(0, 2));
            assertThrows(IllegalArgumentException.class, () -> s.setThreads(3, 2));
            assertThrows(IllegalArgumentException.class, () -> s.setGrowAbove(-1));
            assertThrows(IllegalStateException.class, () -> s.setRejectAbove(10));
            assertEquals(0, s.rejectAbove());
            assertThrows(IllegalStateException.class, () -> s.setMaxQueueAge(Duration.ofMillis(10)));
            assertEquals(null, s.maxQueueAge());
            assertThrows(IllegalStateException.class, () -> s.setRateLimit(10));
            assertThrows(IllegalArgumentException.class, () -> s.setRateLimit(0));
            assertThrows(IllegalArgumentException.class, () -> s.setRateLimit(Double.NaN));
            assertThrows(IllegalStateException.class, () -> s.setResponseTimeTargets(Duration.ofMillis(5)));
            assertThrows(IllegalArgumentException.class, () -> s.offer(1, 1));
            assertEquals(StageSettings.of("s").threads(1, 4), s.settings());
            s.setThreads(2, 8);
            s.setGrowAbove(50);
            assertEquals(StageSettings.of("s").threads(2, 8)
                    .threadControl(ThreadPoolControl.DEFAULT.withQueueThreshold(50)), s.settings());
            assertEquals(50, s.growAbove());
        }
    }

    @Test
    void policiesValidateTheirValues() {
        assertThrows(IllegalArgumentException.class, () -> AdmissionPolicy.queueThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> AdmissionPolicy.tokenBucket(0, 1));
        assertThrows(IllegalArgumentException.class, () -> AdmissionPolicy.tokenBucket(1, 0));
        assertThrows(IllegalArgumentException.class, () -> AdmissionPolicy.tokenBucket(Double.POSITIVE_INFINITY, 1));
        assertThrows(IllegalArgumentException.class, () -> AdmissionPolicy.maxQueueAge(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> OverloadControl.of());
        assertThrows(IllegalArgumentException.class, () -> OverloadControl.target(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> ThreadPoolControl.DEFAULT.withSampleInterval(Duration.ZERO));
    }
}
