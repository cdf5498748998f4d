package dev.seda.runtime;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.Timespan;

/**
 * JMX and JFR for running graphs. Both are JDK modules, but a trimmed runtime may lack them: then
 * seda logs it once and runs without, instead of failing to start.
 */
final class Telemetry {
    private static final Logger LOG = System.getLogger(Telemetry.class.getName());

    private Telemetry() {}

    /** What a running graph registered; closed by its stop. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    static String objectName(String graph, String stage) {
        return "dev.seda:type=Stage,graph=" + quoteIfNeeded(graph) + ",name=" + quoteIfNeeded(stage);
    }

    private static String quoteIfNeeded(String value) {
        for (char c : value.toCharArray()) {
            if (",=:\"*?\n".indexOf(c) >= 0) {
                return ObjectName.quote(value);
            }
        }
        return value;
    }

    static Registration register(SedaGraph graph, boolean jmx) {
        List<ObjectName> names = jmx ? registerMBeans(graph) : List.of();
        boolean jfr;
        try {
            jfr = !jfrMissing && Jfr.add(graph);
        } catch (LinkageError e) {  // the Jfr class itself did not link
            jfrMissing = true;
            jfr = false;
        }
        boolean hooked = jfr;
        return () -> {
            if (hooked) {
                Jfr.remove(graph);
            }
            unregisterMBeans(names);
        };
    }

    private static List<ObjectName> registerMBeans(SedaGraph graph) {
        List<ObjectName> names = new ArrayList<>();
        MBeanServer server;
        try {
            server = ManagementFactory.getPlatformMBeanServer();
        } catch (LinkageError | RuntimeException e) {
            LOG.log(Level.WARNING, "graph ''{0}'': no JMX ({1}); stages are not exported", graph.name(), e.toString());
            return names;
        }
        for (Stage<?> s : graph.stages()) {
            try {
                ObjectName name = new ObjectName(objectName(graph.name(), s.name()));
                server.registerMBean(new StageMBean(s), name);
                names.add(name);
            } catch (JMException | RuntimeException e) {
                // Two running graphs of one name in a JVM, say: the second one runs unexported.
                LOG.log(Level.WARNING, "graph ''{0}'': stage ''{1}'' not exported to JMX: {2}", graph.name(), s.name(),
                        e.toString());
            }
        }
        return names;
    }

    private static void unregisterMBeans(List<ObjectName> names) {
        if (names.isEmpty()) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName n : names) {
            try {
                server.unregisterMBean(n);
            } catch (JMException e) {
                LOG.log(Level.DEBUG, "{0} was already unregistered", n);
            }
        }
    }

    private static volatile boolean jfrMissing;

    static void decision(String graph, ControllerDecision d) {
        if (jfrMissing) {
            return;
        }
        try {
            Jfr.decision(graph, d);
        } catch (LinkageError e) {
            jfrMissing = true;
        }
    }

    /** Kept apart so that a runtime without jdk.jfr fails to load only this class. */
    private static final class Jfr {
        private static final Set<SedaGraph> RUNNING = new CopyOnWriteArraySet<>();
        private static final Runnable HOOK = Jfr::emitMetrics;
        private static volatile boolean unavailable;
        private static boolean hooked;  // guarded by Jfr.class

        static synchronized boolean add(SedaGraph graph) {
            if (unavailable) {
                return false;
            }
            try {
                RUNNING.add(graph);
                if (!hooked) {
                    FlightRecorder.addPeriodicEvent(StageMetricsEvent.class, HOOK);
                    hooked = true;
                }
                return true;
            } catch (LinkageError | RuntimeException e) {
                disable(e);
                RUNNING.remove(graph);
                return false;
            }
        }

        static synchronized void remove(SedaGraph graph) {
            RUNNING.remove(graph);
            if (RUNNING.isEmpty() && hooked) {
                FlightRecorder.removePeriodicEvent(HOOK);
                hooked = false;
            }
        }

        private static void disable(Throwable e) {
            if (!unavailable) {
                unavailable = true;
                LOG.log(Level.INFO, "JDK Flight Recorder events are off: {0}", e.toString());
            }
        }

        static void decision(String graph, ControllerDecision d) {
            if (unavailable) {
                return;
            }
            try {
                DecisionEvent e = new DecisionEvent();
                if (!e.isEnabled()) {
                    return;
                }
                e.graph = graph;
                e.stage = d.stage();
                e.controller = d.controller();
                e.action = d.action();
                e.from = d.from();
                e.to = d.to();
                e.reason = d.reason();
                e.commit();
            } catch (LinkageError e) {
                disable(e);
            }
        }

        private static void emitMetrics() {
            for (SedaGraph g : RUNNING) {
                for (Stage<?> s : g.stages()) {
                    StageMetrics m = s.metrics();
                    StageMetricsEvent e = new StageMetricsEvent();
                    e.graph = g.name();
                    e.stage = s.name();
                    e.arrivals = m.arrivals();
                    e.admitted = m.admitted();
                    e.rejected = m.rejected();
                    e.rejectedFull = m.rejected(RejectReason.FULL);
                    e.rejectedThreshold = m.rejected(RejectReason.THRESHOLD);
                    e.rejectedRate = m.rejected(RejectReason.RATE);
                    e.rejectedOverload = m.rejected(RejectReason.OVERLOAD);
                    e.rejectedPredicate = m.rejected(RejectReason.PREDICATE);
                    e.rejectedClosed = m.rejected(RejectReason.CLOSED);
                    e.expired = m.rejected(RejectReason.EXPIRED);
                    e.droppedOldest = m.rejected(RejectReason.DROPPED_OLDEST);
                    e.dropped = m.dropped();
                    e.handled = m.handled();
                    e.failed = m.failed();
                    e.queueLength = m.queueLength();
                    e.threads = m.threads();
                    e.batchTarget = m.batchTarget();
                    e.queueingDelayP50 = m.queueingDelay().p50Nanos();
                    e.queueingDelayP90 = m.queueingDelay().p90Nanos();
                    e.queueingDelayP99 = m.queueingDelay().p99Nanos();
                    e.serviceTimeP50 = m.serviceTime().p50Nanos();
                    e.serviceTimeP90 = m.serviceTime().p90Nanos();
                    e.serviceTimeP99 = m.serviceTime().p99Nanos();
                    e.responseTimeP50 = m.responseTime().p50Nanos();
                    e.responseTimeP90 = m.responseTime().p90Nanos();
                    e.responseTimeP99 = m.responseTime().p99Nanos();
                    e.admissionRate = m.admissionRate();
                    e.overloaded = m.overloaded();
                    e.commit();
                }
            }
        }
    }

    @Name("dev.seda.ControllerDecision")
    @Label("SEDA Controller Decision")
    @Category("seda")
    @Description("A resource controller changed a stage's threads, batch target or admission rate")
    static final class DecisionEvent extends Event {
        @Label("Graph") String graph;
        @Label("Stage") String stage;
        @Label("Controller") String controller;
        @Label("Action") String action;
        @Label("From") double from;
        @Label("To") double to;
        @Label("Reason") String reason;
    }

    @Name("dev.seda.StageMetrics")
    @Label("SEDA Stage Metrics")
    @Category("seda")
    @Description("A stage's counters and latency percentiles, sampled periodically")
    @Period("1 s")
    static final class StageMetricsEvent extends Event {
        @Label("Graph") String graph;
        @Label("Stage") String stage;
        @Label("Arrivals") long arrivals;
        @Label("Admitted") long admitted;
        @Label("Rejected") long rejected;
        @Label("Rejected: Queue Full") long rejectedFull;
        @Label("Rejected: Queue Threshold") long rejectedThreshold;
        @Label("Rejected: Rate Limit") long rejectedRate;
        @Label("Rejected: Overload Controller") long rejectedOverload;
        @Label("Rejected: Predicate") long rejectedPredicate;
        @Label("Rejected: Closed") long rejectedClosed;
        @Label("Expired in the Queue") long expired;
        @Label("Dropped as Oldest") long droppedOldest;
        @Label("Dropped") long dropped;
        @Label("Handled") long handled;
        @Label("Failed") long failed;
        @Label("Queue Length") int queueLength;
        @Label("Threads") int threads;
        @Label("Batch Target") int batchTarget;
        @Label("Queueing Delay p50") @Timespan(Timespan.NANOSECONDS) long queueingDelayP50;
        @Label("Queueing Delay p90") @Timespan(Timespan.NANOSECONDS) long queueingDelayP90;
        @Label("Queueing Delay p99") @Timespan(Timespan.NANOSECONDS) long queueingDelayP99;
        @Label("Service Time p50") @Timespan(Timespan.NANOSECONDS) long serviceTimeP50;
        @Label("Service Time p90") @Timespan(Timespan.NANOSECONDS) long serviceTimeP90;
        @Label("Service Time p99") @Timespan(Timespan.NANOSECONDS) long serviceTimeP99;
        @Label("Response Time p50") @Timespan(Timespan.NANOSECONDS) long responseTimeP50;
        @Label("Response Time p90") @Timespan(Timespan.NANOSECONDS) long responseTimeP90;
        @Label("Response Time p99") @Timespan(Timespan.NANOSECONDS) long responseTimeP99;
        @Label("Admission Rate") double admissionRate;
        @Label("Overloaded") boolean overloaded;
    }
}
