package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.TabularData;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TelemetryTest {

    @Test
    void eachStageIsAnMBeanWhileTheGraphRunsAndCanBeReconfiguredThroughIt() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        SedaGraph.Builder b = SedaGraph.builder("jmx-test");
        Stage<Integer> s = b.stage(StageSettings.of("parse").threads(1, 2)
                .admission(AdmissionPolicy.tokenBucket(1000, 10), AdmissionPolicy.queueThreshold(100),
                        AdmissionPolicy.maxQueueAge(Duration.ofSeconds(2)))
                .overload(OverloadControl.of(Duration.ofMillis(200), Duration.ofMillis(100))));
        b.handler(s, e -> { });
        SedaGraph g = b.build();
        ObjectName name = new ObjectName("dev.seda:type=Stage,graph=jmx-test,name=parse");
        assertFalse(server.isRegistered(name), "registered on start, not on build");
        g.start();
        try {
            assertTrue(server.isRegistered(name));
            for (int i = 0; i < 5; i++) {
                s.offer(i);
            }
            assertEquals(5L, server.getAttribute(name, "Arrivals"));
            assertEquals("parse", server.getAttribute(name, "Name"));
            assertEquals(RejectReason.values().length, ((TabularData) server.getAttribute(name, "RejectedByReason")).size(),
                    "every reason is listed");
            server.setAttribute(name, new Attribute("MaxThreads", 6));
            server.setAttribute(name, new Attribute("MinThreads", 3));
            assertEquals(3, s.metrics().threads(), "the new min starts threads at once");
            assertEquals(6, server.getAttribute(name, "MaxThreads"));
            server.setAttribute(name, new Attribute("GrowAbove", 40));
            assertEquals(40, s.growAbove());
            server.setAttribute(name, new Attribute("RejectAbove", 20));
            assertEquals(20, s.rejectAbove());
            assertEquals(20, server.getAttribute(name, "RejectAbove"));
            server.setAttribute(name, new Attribute("MaxQueueAgeMillis", 700L));
            assertEquals(Duration.ofMillis(700), s.maxQueueAge());
            assertEquals(2, ((double[]) server.getAttribute(name, "AdmissionRates")).length, "one rate per class");
            server.setAttribute(name, new Attribute("RateLimit", 50.0));
            assertEquals(50.0, s.rateLimit());
            server.setAttribute(name, new Attribute("ResponseTimeTargetMillis", 30L));
            assertArrayEquals(new long[] {200, 30}, (long[]) server.getAttribute(name, "ResponseTimeTargetsMillis"));
            server.setAttribute(name, new Attribute("ResponseTimeTargetsMillis", new long[] {500, 50}));
            assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(50)), s.responseTimeTargets());

            StageSettings before = s.settings();
            expectRejected(server, name, new Attribute("MinThreads", 7), IllegalArgumentException.class);
            expectRejected(server, name, new Attribute("MaxThreads", 0), IllegalArgumentException.class);
            expectRejected(server, name, new Attribute("GrowAbove", -1), IllegalArgumentException.class);
            expectRejected(server, name, new Attribute("RejectAbove", 0), IllegalArgumentException.class);
            expectRejected(server, name, new Attribute("RejectAbove", 1024), IllegalArgumentException.class);
            expectRejected(server, name, new Attribute("MaxQueueAgeMillis", 0L), IllegalArgumentException.class);
            expectRejected(server, name, new Attribute("RateLimit", -5.0), IllegalArgumentException.class);
            expectRejected(server, name, new Attribute("ResponseTimeTargetsMillis", new long[] {5}),
                    IllegalArgumentException.class);
            expectRejected(server, name, new Attribute("ResponseTimeTargetMillis", 0L), IllegalArgumentException.class);
            assertEquals(before, s.settings(), "a rejected value changes nothing");
            String[] decisions = (String[]) server.getAttribute(name, "RecentDecisions");
            assertTrue(decisions[0].contains("threads reconfigure"), decisions[0]);
            for (String change : List.of("grow-above threshold set", "reject-above threshold set",
                    "queue-age deadline set", "rate reconfigure", "overload reconfigure")) {
                assertTrue(Stream.of(decisions).anyMatch(d -> d.contains(change)), change + " in " + List.of(decisions));
            }
        } finally {
            assertTrue(g.stop(Duration.ofSeconds(5)));
        }
        assertFalse(server.isRegistered(name), "unregistered on stop");
    }

    private static void expectRejected(MBeanServer server, ObjectName name, Attribute a, Class<?> cause) {
        RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class, () -> server.setAttribute(name, a));
        assertInstanceOf(cause, e.getCause(), a.toString());
    }

    @Test
    void aSecondGraphOfTheSameNameRunsUnexported() {
        SedaGraph.Builder b1 = SedaGraph.builder("twin");
        b1.handler(b1.<Integer>stage(StageSettings.of("s")), e -> { });
        SedaGraph.Builder b2 = SedaGraph.builder("twin");
        Stage<Integer> s2 = b2.stage(StageSettings.of("s"));
        b2.handler(s2, e -> { });
        try (SedaGraph g1 = b1.build(); SedaGraph g2 = b2.build()) {
            g1.start();
            g2.start();
            assertTrue(s2.offer(1));
        }
    }

    @Test
    void flightRecorderGetsDecisionsAndPeriodicStageMetrics() throws Exception {
        List<RecordedEvent> decisions = new CopyOnWriteArrayList<>();
        List<RecordedEvent> metrics = new CopyOnWriteArrayList<>();
        CountDownLatch both = new CountDownLatch(2);
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("dev.seda.ControllerDecision");
            rs.enable("dev.seda.StageMetrics").withPeriod(Duration.ofMillis(100));
            rs.onEvent("dev.seda.ControllerDecision", e -> {
                decisions.add(e);
                both.countDown();
            });
            rs.onEvent("dev.seda.StageMetrics", e -> {
                if ("jfr-test".equals(e.getString("graph")) && e.getLong("handled") == 3) {
                    if (metrics.isEmpty()) {
                        both.countDown();
                    }
                    metrics.add(e);
                }
            });
            rs.startAsync();
            SedaGraph.Builder b = SedaGraph.builder("jfr-test").jmx(false);
            Stage<Integer> s = b.stage(StageSettings.of("s").admission(AdmissionPolicy.<Integer>predicate(e -> e != 99)));
            b.handler(s, e -> { });
            try (SedaGraph g = b.build()) {
                g.start();
                assertFalse(s.offer(99));  // before the others: every event that sees them handled counts it
                s.offer(1);
                s.offer(2);
                s.offer(3);
                s.setThreads(1, 2);  // a decision
                assertTrue(both.await(15, TimeUnit.SECONDS), "decisions " + decisions + ", metrics " + metrics);
            }
        }
        RecordedEvent d = decisions.stream().filter(e -> "jfr-test".equals(e.getString("graph"))).findFirst().orElseThrow();
        assertEquals("s", d.getString("stage"));
        assertEquals("threads", d.getString("controller"));
        assertEquals("reconfigure", d.getString("action"));
        assertEquals(2.0, d.getDouble("to"));
        RecordedEvent m = metrics.get(0);
        assertEquals("s", m.getString("stage"));
        assertEquals(4, m.getLong("arrivals"));
        assertEquals(1, m.getLong("rejected"));
        assertEquals(1, m.getLong("rejectedPredicate"), "rejections by reason");
        assertEquals(0, m.getLong("rejectedFull"));
        assertTrue(m.getDuration("responseTimeP99").compareTo(m.getDuration("responseTimeP50")) >= 0);
    }
}
