package dev.seda.runtime;

import java.util.Map;

/**
 * A running stage in JMX, registered as {@code dev.seda:type=Stage,graph=<graph>,name=<stage>}
 * while its graph runs. The setters reconfigure the stage at once, with the checks of the
 * matching {@link Stage} methods: a bad value throws {@link IllegalArgumentException} (one that
 * does not apply to the stage, {@link IllegalStateException}) and changes nothing. Times are in
 * milliseconds.
 */
public interface StageMXBean {
    String getGraph();

    String getName();

    int getQueueLength();

    int getQueueCapacity();

    long getArrivals();

    long getAdmitted();

    long getRejected();

    long getDropped();

    long getHandled();

    long getFailed();

    /** Every {@link RejectReason} by name. */
    Map<String, Long> getRejectedByReason();

    int getThreads();

    int getMinThreads();

    void setMinThreads(int min);

    int getMaxThreads();

    void setMaxThreads(int max);

    /** The thread-pool controller's queue threshold ({@code @Stage(growAbove)}). */
    int getGrowAbove();

    void setGrowAbove(int events);

    /** The queue-threshold admission policy's length ({@code @Stage(rejectAbove)}); 0 without one. */
    int getRejectAbove();

    void setRejectAbove(int events);

    int getBatchTarget();

    double getQueueingDelayP50Millis();

    double getQueueingDelayP90Millis();

    double getQueueingDelayP99Millis();

    double getServiceTimeP50Millis();

    double getServiceTimeP90Millis();

    double getServiceTimeP99Millis();

    double getResponseTimeP50Millis();

    double getResponseTimeP90Millis();

    double getResponseTimeP99Millis();

    /** The overload controller's rate for its least important class, events/s; NaN without one. */
    double getAdmissionRate();

    /** The overload controller's rate for each request class, least important first; empty without one. */
    double[] getAdmissionRates();

    /** The queue-age deadline; 0 without one. */
    long getMaxQueueAgeMillis();

    void setMaxQueueAgeMillis(long millis);

    /** The overload controller's target for its most important class; 0 without one. */
    long getResponseTimeTargetMillis();

    /** Sets the most important class's target; the others keep theirs. */
    void setResponseTimeTargetMillis(long millis);

    /** One target per request class, least important first; empty without an overload controller. */
    long[] getResponseTimeTargetsMillis();

    void setResponseTimeTargetsMillis(long[] millis);

    /** The first token-bucket admission policy's rate, events/s; NaN without one. */
    double getRateLimit();

    void setRateLimit(double eventsPerSecond);

    boolean isOverloaded();

    long getDecisionCount();

    /** The most recent controller decisions, oldest first, one line each. */
    String[] getRecentDecisions();
}
