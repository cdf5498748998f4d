package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimersTest {
    private final Timers timers = new Timers("test");

    @AfterEach
    void close() {
        timers.close();
    }

    @Test
    void firesOnceAfterTheDelayInDeadlineOrderAndSchedulingOrderForTies() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        Sink<String> sink = got::add;
        long start = System.nanoTime();
        timers.after(Duration.ofMillis(120), sink, "c");
        timers.after(Duration.ofMillis(60), sink, "a1");
        timers.after(Duration.ofMillis(60), sink, "a2");
        timers.after(Duration.ofMillis(90), sink, "b");
        waitFor(() -> got.size() == 4);
        assertEquals(List.of("a1", "a2", "b", "c"), got);
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(120), "not before its delay");
        assertEquals(new Timers.Metrics(4, 4, 0, 0, 0), timers.metrics());
    }

    @Test
    void aCancelledTimerNeverFires() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Timers.Timer cancelled = timers.after(Duration.ofMillis(50), got::add, "cancelled");
        timers.after(Duration.ofMillis(100), got::add, "kept");
        assertTrue(cancelled.cancel());
        assertFalse(cancelled.cancel(), "only once");
        assertEquals("kept", got.poll(5, TimeUnit.SECONDS));
        assertEquals(null, got.poll(100, TimeUnit.MILLISECONDS));
        assertEquals(1, timers.metrics().cancelled());
    }

    @Test
    void aPeriodicTimerRepeatsUntilCancelled() throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        BlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        Timers.Timer timer = timers.every(Duration.ofMillis(20), got::add, ticks::incrementAndGet);
        for (int expected = 1; expected <= 3; expected++) {
            assertEquals(expected, got.poll(5, TimeUnit.SECONDS));
        }
        assertTrue(timer.cancel());
        got.clear();
        Thread.sleep(100);
        assertTrue(got.size() <= 1, "at most one firing raced with cancel: " + got);
        int after = ticks.get();
        Thread.sleep(100);
        assertEquals(after, ticks.get(), "no firing after cancel");
    }

    @Test
    void anEventTheTargetRefusesIsCountedAsRejected() throws Exception {
        timers.after(Duration.ZERO, event -> false, "refused");
        waitFor(() -> timers.metrics().rejected() == 1);
        assertEquals(0, timers.metrics().fired());
    }

    @Test
    void rejectsBadArgumentsAndUseAfterClose() {
        assertThrows(IllegalArgumentException.class, () -> timers.every(Duration.ZERO, e -> true, () -> "x"));
        assertThrows(IllegalArgumentException.class, () -> timers.after(Duration.ofMillis(-1), e -> true, "x"));
        timers.close();
        assertThrows(IllegalStateException.class, () -> timers.after(Duration.ZERO, e -> true, "x"));
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(5);
        }
    }
}
