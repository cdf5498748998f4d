package dev.seda.runtime;

import java.util.List;
import java.util.Map;

/**
 * Snapshot of a stage's counters and measurements. {@code arrivals} counts every offer; each
 * arrival ends up either admitted or rejected. Admitted events are later handled, failed or dropped
 * (expired, or evicted by {@link WhenFull#DROP_OLDEST}). The counters are read one after another,
 * not atomically together.
 *
 * <p>The first nine components are the original ones, in their original order.
 *
 * @param threads own threads: live workers; shared pool: this stage's events being handled now
 * @param rejectedBy per reason, every reason present; the {@link RejectReason#atOffer()} ones sum to
 *     {@code rejected}, the others to {@code dropped}
 * @param queueingDelay from admission to the handler taking the event
 * @param serviceTime one handler call (a whole batch for batch stages)
 * @param responseTime queueing delay plus service time: what the overload controller measures
 * @param batchTarget most events the next handler call gets
 * @param admissionRate the overload controller's rate for its least important class in events/s
 *     (infinite while unlimited); NaN without a controller
 * @param overloaded {@link Stage#overloaded()}
 * @param decisionCount controller decisions since the start
 * @param decisions the most recent controller decisions (up to 32), oldest first
 */
public record StageMetrics(String stage, long arrivals, long admitted, long rejected, long dropped,
                           long handled, long failed, int queueLength, int threads,
                           Map<RejectReason, Long> rejectedBy, LatencySummary queueingDelay,
                           LatencySummary serviceTime, LatencySummary responseTime,
                           int minThreads, int maxThreads, int batchTarget, double admissionRate,
                           boolean overloaded, long decisionCount, List<ControllerDecision> decisions) {

    /** The original counters only; the rest empty. */
    public StageMetrics(String stage, long arrivals, long admitted, long rejected, long dropped,
                        long handled, long failed, int queueLength, int threads) {
        this(stage, arrivals, admitted, rejected, dropped, handled, failed, queueLength, threads, Map.of(),
                LatencySummary.EMPTY, LatencySummary.EMPTY, LatencySummary.EMPTY, 0, 0, 0, Double.NaN, false,
                0, List.of());
    }

    /** Rejections and drops for one reason. */
    public long rejected(RejectReason reason) {
        return rejectedBy.getOrDefault(reason, 0L);
    }

    /** Only the original nine components: handy to compare counters in tests. */
    public StageMetrics counters() {
        return new StageMetrics(stage, arrivals, admitted, rejected, dropped, handled, failed, queueLength, threads);
    }
}
