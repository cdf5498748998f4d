package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The response-time overload controller with real threads, under several times its capacity. */
@Timeout(30)
class OverloadControllerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** What a producer saw: its own count of outcomes, and how long rejections took. */
    static final class Offered {
        long admitted;
        long rejected;
        long slowRejections;  // took more than 10 ms: a rejection must be immediate
        final long[] admittedByClass = new long[2];
        final long[] offeredByClass = new long[2];
    }

    /** Offers {@code perSecond} events for {@code seconds}, paced against the start. */
    static Offered drive(Stage<Long> s, int perSecond, double seconds, boolean twoClasses) throws InterruptedException {
        Offered o = new Offered();
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        long sent = 0;
        for (long now = t0; now < end; now = System.nanoTime()) {
            long due = (now - t0) * perSecond / 1_000_000_000L;
            for (; sent < due; sent++) {
                int cls = twoClasses ? (int) (sent % 2) : 0;
                long before = System.nanoTime();
                boolean ok = s.offer(before, cls);
                long took = System.nanoTime() - before;
                o.offeredByClass[cls]++;
                if (ok) {
                    o.admitted++;
                    o.admittedByClass[cls]++;
                } else {
                    o.rejected++;
                    if (took > 10 * MS) {
                        o.slowRejections++;
                    }
                }
            }
            Thread.sleep(1);
        }
        return o;
    }

    @Test
    void admittedEventsKeepABoundedP90AndTheRestAreRejectedAtOnce() throws Exception {
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(2500);
        List<Long> lateResponses = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sawOverloaded = new AtomicBoolean();
        AtomicLong handled = new AtomicLong();
        SedaGraph.Builder b = SedaGraph.builder("overload").jmx(false);
        // One thread at ~2 ms an event: ~450 events/s. Its queue alone would allow ~270 ms waits.
        Stage<Long> s = b.stage(StageSettings.of("work").queue(128)
                .overload(OverloadControl.target(Duration.ofMillis(50))));
        b.handler(s, offeredAt -> {
            if (s.overloaded()) {
                sawOverloaded.set(true);  // where a real handler would degrade its answer
            }
            Thread.sleep(2);
            handled.incrementAndGet();
            if (offeredAt > measureFrom) {
                lateResponses.add(System.nanoTime() - offeredAt);
            }
        });
        SedaGraph g = b.build();
        g.start();
        Offered o;
        try {
            o = drive(s, 2500, 4, false);  // ~5x capacity
        } finally {
            assertTrue(g.stop(Duration.ofSeconds(10)));
        }
        StageMetrics m = s.metrics();
        long[] late = lateResponses.stream().mapToLong(Long::longValue).sorted().toArray();
        String report = "p90 of late responses " + (late.length == 0 ? "-" : Reservoir.percentile(late, 0.9) / MS)
                + " ms over " + late.length + "; offered " + (o.admitted + o.rejected) + ", admitted " + o.admitted
                + ", slow rejections " + o.slowRejections + "; rate " + m.admissionRate() + "; " + m.rejectedBy()
                + "; decisions " + m.decisions();
        assertTrue(late.length > 50, report);
        assertTrue(Reservoir.percentile(late, 0.9) < 150 * MS, report);
        assertTrue(o.rejected > o.admitted, report);
        assertTrue(m.rejected(RejectReason.OVERLOAD) > m.rejected(RejectReason.FULL), report);
        assertTrue(o.slowRejections <= o.rejected / 100, report);
        assertTrue(sawOverloaded.get());
        assertTrue(Double.isFinite(m.admissionRate()), report);
        // Nothing lost uncounted: the producer's count, the stage's and the handler's agree.
        assertEquals(o.admitted + o.rejected, m.arrivals(), report);
        assertEquals(o.admitted, m.admitted(), report);
        assertEquals(o.rejected, m.rejected(), report);
        assertEquals(m.admitted(), m.handled() + m.failed() + m.dropped(), report);
        assertEquals(handled.get(), m.handled(), report);
        AdmissionTest.assertAccounted(m);
    }

    @Test
    void theLowerClassIsShedFirst() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("classes").jmx(false);
        Stage<Long> s = b.stage(StageSettings.of("work").queue(128)
                .overload(OverloadControl.of(Duration.ofMillis(50), Duration.ofMillis(50))));
        b.handler(s, offeredAt -> Thread.sleep(2));
        SedaGraph g = b.build();
        g.start();
        Offered o;
        try {
            o = drive(s, 1500, 3, true);  // ~3x capacity, half of it each class
        } finally {
            assertTrue(g.stop(Duration.ofSeconds(10)));
        }
        double low = (double) o.admittedByClass[0] / o.offeredByClass[0];
        double high = (double) o.admittedByClass[1] / o.offeredByClass[1];
        StageMetrics m = s.metrics();
        String report = "admitted fraction: class 0 " + low + ", class 1 " + high + "; decisions " + m.decisions();
        assertTrue(high > 2 * low, report);
        // Shed by the AIMD's shed-lower step, or by the wait guard's tighter limit for class 0.
        assertTrue(m.decisions().stream().anyMatch(d -> d.action().equals("shed-lower")
                || d.action().equals("limit") && d.reason().startsWith("class 0")), report);
        AdmissionTest.assertAccounted(m);
    }

    record Order(int requestClass) implements Classified {}

    @Test
    void aClassifiedEventNamesItsOwnClass() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("classified").jmx(false);
        Stage<Order> s = b.stage(StageSettings.of("work")
                .overload(OverloadControl.of(Duration.ofMillis(50), Duration.ofMillis(50))));
        b.handler(s, order -> { });
        SedaGraph g = b.build();
        g.start();
        try {
            assertTrue(s.offer(new Order(1)));
            assertTrue(s.offer(new Order(0)));
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> s.offer(new Order(2)), "the class comes from the event, and is checked");
            assertTrue(e.getMessage().contains("0..1"), e.getMessage());
        } finally {
            assertTrue(g.stop(Duration.ofSeconds(10)));
        }
    }
}
