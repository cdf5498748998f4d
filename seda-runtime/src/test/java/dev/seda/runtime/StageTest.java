package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(10)
class StageTest {

    /** A handler that records events and holds the worker on the first one until released. */
    static final class Gate implements EventHandler<Integer> {
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void handle(Integer event) throws InterruptedException {
            holding.countDown();
            assertTrue(release.await(5, TimeUnit.SECONDS));
            seen.add(event);
        }

        /** Offers the first event and waits until the worker holds it, so the queue is empty. */
        void occupy(Stage<Integer> stage) throws InterruptedException {
            assertTrue(stage.offer(1));
            assertTrue(holding.await(5, TimeUnit.SECONDS));
        }
    }

    private static SedaGraph single(StageSettings settings, EventHandler<Integer> handler) {
        SedaGraph.Builder b = SedaGraph.builder("t");
        Stage<Integer> s = b.stage(settings);
        return b.handler(s, handler).build();
    }

    @SuppressWarnings("unchecked")
    private static Stage<Integer> only(SedaGraph g) {
        return (Stage<Integer>) g.stages().get(0);
    }

    @Test
    void rejectReturnsFalseWhenFullAndCounts() throws Exception {
        Gate gate = new Gate();
        try (SedaGraph g = single(StageSettings.of("s").queue(2), gate)) {
            g.start();
            Stage<Integer> s = only(g);
            gate.occupy(s);
            assertTrue(s.offer(2));
            assertTrue(s.offer(3));
            assertFalse(s.offer(4));
            assertEquals(new StageMetrics("s", 4, 3, 1, 0, 0, 0, 2, 1), s.metrics().counters());
            gate.release.countDown();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(List.of(1, 2, 3), gate.seen);
            assertEquals(new StageMetrics("s", 4, 3, 1, 0, 3, 0, 0, 0), s.metrics().counters());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void eventsTheWorkerTookAsARunStillCountAsQueuedUntilTheirTurn(Execution how) throws Exception {
        // Queued before start, so the single worker (its own, or the one shared) takes all of them in
        // one run, then holds on the first: the other seven still count against the capacity and in
        // the queue's length.
        Gate gate = new Gate();
        SedaGraph.Builder b = SedaGraph.builder("t");
        if (how == Execution.SHARED) {
            b.sharedPool(1);
        }
        Stage<Integer> stage = b.stage(StageSettings.of("s").queue(8).execution(how));
        try (SedaGraph g = b.handler(stage, gate).build()) {
            Stage<Integer> s = only(g);
            for (int i = 1; i <= 8; i++) {
                assertTrue(s.offer(i));
            }
            g.start();
            assertTrue(gate.holding.await(5, TimeUnit.SECONDS));
            assertEquals(7, s.queueLength());
            assertTrue(s.offer(9), "room for exactly the one event the handler holds");
            assertFalse(s.offer(10));
            assertEquals(8, s.queueLength());
            assertEquals(new StageMetrics("s", 10, 9, 1, 0, 0, 0, 8, 1), s.metrics().counters());
            gate.release.countDown();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), gate.seen);
            assertEquals(0, s.queueLength());
        }
    }

    @Test
    void blockWaitsThenRejects() throws Exception {
        Gate gate = new Gate();
        try (SedaGraph g = single(StageSettings.of("s").queue(1).whenFull(WhenFull.BLOCK, Duration.ofMillis(200)), gate)) {
            g.start();
            Stage<Integer> s = only(g);
            gate.occupy(s);
            assertTrue(s.offer(2));
            long t0 = System.nanoTime();
            assertFalse(s.offer(3));
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waitedMillis >= 150, "waited only " + waitedMillis + " ms");
            assertEquals(1, s.metrics().rejected());
            gate.release.countDown();
        }
    }

    @Test
    void blockSucceedsWhenRoomAppears() throws Exception {
        Gate gate = new Gate();
        try (SedaGraph g = single(StageSettings.of("s").queue(1).whenFull(WhenFull.BLOCK, Duration.ofSeconds(5)), gate)) {
            g.start();
            Stage<Integer> s = only(g);
            gate.occupy(s);
            assertTrue(s.offer(2));
            CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> s.offer(3));
            Thread.sleep(100);
            assertFalse(blocked.isDone(), "offer should wait while the queue is full");
            gate.release.countDown();
            assertTrue(blocked.get(5, TimeUnit.SECONDS));
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(List.of(1, 2, 3), gate.seen);
            assertEquals(0, s.metrics().rejected());
        }
    }

    @Test
    void dropOldestEvictsAndCounts() throws Exception {
        Gate gate = new Gate();
        try (SedaGraph g = single(StageSettings.of("s").queue(2).whenFull(WhenFull.DROP_OLDEST, Duration.ZERO), gate)) {
            g.start();
            Stage<Integer> s = only(g);
            gate.occupy(s);
            assertTrue(s.offer(2));
            assertTrue(s.offer(3));
            assertTrue(s.offer(4));  // evicts 2
            assertTrue(s.offer(5));  // evicts 3
            gate.release.countDown();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(List.of(1, 4, 5), gate.seen);
            StageMetrics m = s.metrics();
            assertEquals(5, m.admitted());
            assertEquals(2, m.dropped());
            assertEquals(0, m.rejected());
            assertEquals(3, m.handled());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void handlerExceptionsAreCountedAndWorkerCarriesOn(Execution how) throws Exception {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        EventHandler<Integer> h = e -> {
            threads.add(Thread.currentThread());
            if (e % 2 == 0) {
                throw new IllegalStateException("even " + e);
            }
            if (e == 5) {
                throw new AssertionError("an Error must not end the worker either");
            }
            seen.add(e);
        };
        try (SedaGraph g = single(StageSettings.of("s").execution(how), h)) {
            g.start();
            Stage<Integer> s = only(g);
            for (int i = 1; i <= 10; i++) {
                assertTrue(s.offer(i));
            }
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(List.of(1, 3, 7, 9), seen);
            assertEquals(4, s.metrics().handled());
            assertEquals(6, s.metrics().failed());
            if (how == Execution.OWN_THREADS) {
                assertEquals(1, threads.size(), "one worker handled everything");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Execution.class, names = {"OWN_THREADS", "SHARED"})
    void batchesHoldWhatIsQueuedUpToMax(Execution how) throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        SedaGraph.Builder b = SedaGraph.builder("t");
        Stage<Integer> s = b.stage(StageSettings.of("s").batch(2, 4).execution(how));
        b.batchHandler(s, events -> {
            batches.add(List.copyOf(events));
            holding.countDown();
            assertTrue(release.await(5, TimeUnit.SECONDS));
        });
        try (SedaGraph g = b.build()) {
            g.start();
            s.offer(0);
            assertTrue(holding.await(5, TimeUnit.SECONDS));
            for (int i = 1; i <= 9; i++) {
                assertTrue(s.offer(i));
            }
            release.countDown();
            assertTrue(g.stop(Duration.ofSeconds(5)));
        }
        assertEquals(List.of(1, 4, 4, 1), batches.stream().map(List::size).collect(Collectors.toList()));
        assertEquals(IntStream.range(0, 10).boxed().collect(Collectors.toList()),
                batches.stream().flatMap(List::stream).collect(Collectors.toList()));
        assertEquals(10, s.metrics().handled());
    }

    @Test
    void failedBatchCountsEveryEvent() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("t");
        Stage<Integer> s = b.stage(StageSettings.of("s").batch(1, 8));
        CountDownLatch release = new CountDownLatch(1);
        b.batchHandler(s, events -> {
            release.await();
            throw new RuntimeException("boom");
        });
        try (SedaGraph g = b.build()) {
            for (int i = 0; i < 5; i++) {
                s.offer(i);  // queued before start: one batch of 5
            }
            g.start();
            release.countDown();
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(5, s.metrics().failed());
            assertEquals(0, s.metrics().handled());
        }
    }

    @Test
    void workersAreNamedAndEndAtStop() throws Exception {
        Set<String> names = ConcurrentHashMap.newKeySet();
        CountDownLatch both = new CountDownLatch(2);
        SedaGraph g = single(StageSettings.of("parse").threads(2, 2), e -> {
            names.add(Thread.currentThread().getName());
            both.countDown();
            both.await(5, TimeUnit.SECONDS);  // so each worker takes one event
        });
        g.start();
        Stage<Integer> s = only(g);
        assertEquals(2, s.metrics().threads());
        s.offer(1);
        s.offer(2);
        assertTrue(both.await(5, TimeUnit.SECONDS));
        assertTrue(g.stop(Duration.ofSeconds(5)));
        assertEquals(Set.of("seda-t-parse-1", "seda-t-parse-2"), names);
        assertEquals(0, s.metrics().threads());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("seda-t-parse")));
    }

    @Test
    void builderRejectsMistakes() {
        SedaGraph.Builder b = SedaGraph.builder("t");
        Stage<Integer> a = b.stage(StageSettings.of("a"));
        assertThrows(IllegalArgumentException.class, () -> b.stage(StageSettings.of("a")));
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        b.handler(a, x -> { });
        assertThrows(IllegalStateException.class, () -> b.batchHandler(a, x -> { }));
        Stage<Integer> batching = b.stage(StageSettings.of("batching").batch(1, 4));
        assertThrows(IllegalArgumentException.class, () -> b.handler(batching, x -> { }));
        Stage<Integer> foreign = SedaGraph.builder("other").stage(StageSettings.of("f"));
        assertThrows(IllegalArgumentException.class, () -> b.handler(foreign, x -> { }));
        b.batchHandler(batching, x -> { });
        SedaGraph g = b.build();
        assertEquals(List.of("a", "batching"), g.stages().stream().map(Stage::name).collect(Collectors.toList()));
        assertEquals(a, g.stage("a"));
        assertThrows(IllegalArgumentException.class, () -> g.stage("nope"));
        assertThrows(IllegalStateException.class, b::build);
        g.close();
    }
}
