package dev.seda.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link StageMXBean} over a stage; each getter reads the stage now. */
final class StageMBean implements StageMXBean {
    private final Stage<?> stage;

    StageMBean(Stage<?> stage) {
        this.stage = stage;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    @Override public String getGraph() { return stage.graphName(); }
    @Override public String getName() { return stage.name(); }
    @Override public int getQueueLength() { return stage.queueLength(); }
    @Override public int getQueueCapacity() { return stage.settings().queueCapacity(); }
    @Override public long getArrivals() { return stage.metrics().arrivals(); }
    @Override public long getAdmitted() { return stage.metrics().admitted(); }
    @Override public long getRejected() { return stage.metrics().rejected(); }
    @Override public long getDropped() { return stage.metrics().dropped(); }
    @Override public long getHandled() { return stage.metrics().handled(); }
    @Override public long getFailed() { return stage.metrics().failed(); }

    @Override
    public Map<String, Long> getRejectedByReason() {
        Map<String, Long> m = new LinkedHashMap<>();
        stage.metrics().rejectedBy().forEach((r, n) -> m.put(r.name(), n));
        return m;
    }

    @Override public int getThreads() { return stage.metrics().threads(); }
    @Override public int getMinThreads() { return stage.settings().minThreads(); }
    @Override public void setMinThreads(int min) { stage.setThreads(min, stage.settings().maxThreads()); }
    @Override public int getMaxThreads() { return stage.settings().maxThreads(); }
    @Override public void setMaxThreads(int max) { stage.setThreads(stage.settings().minThreads(), max); }
    @Override public int getGrowAbove() { return stage.growAbove(); }
    @Override public void setGrowAbove(int events) { stage.setGrowAbove(events); }
    @Override public int getRejectAbove() { return stage.rejectAbove(); }
    @Override public void setRejectAbove(int events) { stage.setRejectAbove(events); }
    @Override public int getBatchTarget() { return stage.batchTarget(); }
    @Override public double getQueueingDelayP50Millis() { return millis(stage.metrics().queueingDelay().p50Nanos()); }
    @Override public double getQueueingDelayP90Millis() { return millis(stage.metrics().queueingDelay().p90Nanos()); }
    @Override public double getQueueingDelayP99Millis() { return millis(stage.metrics().queueingDelay().p99Nanos()); }
    @Override public double getServiceTimeP50Millis() { return millis(stage.metrics().serviceTime().p50Nanos()); }
    @Override public double getServiceTimeP90Millis() { return millis(stage.metrics().serviceTime().p90Nanos()); }
    @Override public double getServiceTimeP99Millis() { return millis(stage.metrics().serviceTime().p99Nanos()); }
    @Override public double getResponseTimeP50Millis() { return millis(stage.metrics().responseTime().p50Nanos()); }
    @Override public double getResponseTimeP90Millis() { return millis(stage.metrics().responseTime().p90Nanos()); }
    @Override public double getResponseTimeP99Millis() { return millis(stage.metrics().responseTime().p99Nanos()); }
    @Override public double getAdmissionRate() { return stage.metrics().admissionRate(); }
    @Override public double[] getAdmissionRates() { return stage.admissionRates(); }

    @Override
    public long getMaxQueueAgeMillis() {
        Duration deadline = stage.maxQueueAge();
        return deadline == null ? 0 : deadline.toMillis();
    }

    @Override
    public void setMaxQueueAgeMillis(long millis) {
        stage.setMaxQueueAge(Duration.ofMillis(millis));
    }

    @Override
    public long getResponseTimeTargetMillis() {
        List<Duration> t = stage.responseTimeTargets();
        return t.isEmpty() ? 0 : t.get(t.size() - 1).toMillis();
    }

    @Override
    public void setResponseTimeTargetMillis(long millis) {
        Duration[] t = stage.responseTimeTargets().toArray(new Duration[0]);
        if (t.length == 0) {
            stage.setResponseTimeTargets(Duration.ofMillis(millis));  // throws the stage's own message
        }
        t[t.length - 1] = Duration.ofMillis(millis);
        stage.setResponseTimeTargets(t);
    }

    @Override
    public long[] getResponseTimeTargetsMillis() {
        return stage.responseTimeTargets().stream().mapToLong(Duration::toMillis).toArray();
    }

    @Override
    public void setResponseTimeTargetsMillis(long[] millis) {
        Duration[] t = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            t[i] = Duration.ofMillis(millis[i]);
        }
        stage.setResponseTimeTargets(t);
    }

    @Override public double getRateLimit() { return stage.rateLimit(); }
    @Override public void setRateLimit(double eventsPerSecond) { stage.setRateLimit(eventsPerSecond); }
    @Override public boolean isOverloaded() { return stage.overloaded(); }
    @Override public long getDecisionCount() { return stage.metrics().decisionCount(); }

    @Override
    public String[] getRecentDecisions() {
        return stage.metrics().decisions().stream()
                .map(d -> d.at() + " " + d.controller() + " " + d.action() + " " + d.from() + " -> " + d.to() + ": " + d.reason())
                .toArray(String[]::new);
    }
}
