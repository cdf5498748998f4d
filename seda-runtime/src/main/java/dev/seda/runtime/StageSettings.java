package dev.seda.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a stage is built: thread bounds, queue capacity, what happens when the queue is full, batch
 * bounds, admission policies, controllers and execution. Validated on construction.
 *
 * @param name unique in its graph, not blank
 * @param minThreads lower bound for the thread-pool controller, at least 1
 * @param maxThreads upper bound, at least {@code minThreads}
 * @param queueCapacity events the queue holds, at least 1
 * @param whenFull what {@link Stage#offer} does when the queue is full
 * @param blockTimeout how long {@link WhenFull#BLOCK} waits for room, not negative
 * @param minBatch lower bound for the batching controller, at least 1
 * @param maxBatch most events per handler call, at least {@code minBatch}
 * @param admission checks applied in order before the queue; default none
 * @param threadControl the thread-pool controller; default {@link ThreadPoolControl#DEFAULT}
 * @param batchControl the batching controller; default {@link BatchControl#DEFAULT}
 * @param overload the response-time overload controller, or {@code null} (the default) for none
 * @param execution own threads or the graph's shared pool; default {@link Execution#DEFAULT}
 */
public record StageSettings(String name, int minThreads, int maxThreads, int queueCapacity,
                            WhenFull whenFull, Duration blockTimeout, int minBatch, int maxBatch,
                            List<AdmissionPolicy> admission, ThreadPoolControl threadControl,
                            BatchControl batchControl, OverloadControl overload, Execution execution) {

    public StageSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("stage name must not be blank, got '" + name + "'");
        }
        checkThreads(name, minThreads, maxThreads);
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("stage '" + name + "': queue capacity must be at least 1, got "
                    + queueCapacity);
        }
        if (whenFull == null) {
            throw new IllegalArgumentException("stage '" + name + "': whenFull must be given");
        }
        if (blockTimeout == null || blockTimeout.isNegative()) {
            throw new IllegalArgumentException("stage '" + name + "': block timeout must not be negative, got "
                    + blockTimeout);
        }
        if (minBatch < 1 || maxBatch < minBatch) {
            throw new IllegalArgumentException("stage '" + name + "': batch must satisfy 1 <= min <= max, got "
                    + minBatch + ".." + maxBatch);
        }
        if (admission == null || threadControl == null || batchControl == null || execution == null) {
            throw new IllegalArgumentException("stage '" + name + "': admission, threadControl, batchControl and"
                    + " execution must be given");
        }
        admission = List.copyOf(admission);
    }

    /** The original eight settings, with the defaults for the rest. */
    public StageSettings(String name, int minThreads, int maxThreads, int queueCapacity,
                         WhenFull whenFull, Duration blockTimeout, int minBatch, int maxBatch) {
        this(name, minThreads, maxThreads, queueCapacity, whenFull, blockTimeout, minBatch, maxBatch,
                List.of(), ThreadPoolControl.DEFAULT, BatchControl.DEFAULT, null, Execution.DEFAULT);
    }

    /**
     * A queue threshold must lie below the queue's capacity: at the capacity the queue itself
     * refuses (as full), so a threshold there would never act. Checked where the two meet, when a
     * stage is built or its threshold changed, so that settings can be written in any order.
     */
    static void checkRejectAbove(String name, int length, int capacity) {
        if (length < 1 || length >= capacity) {
            throw new IllegalArgumentException("stage '" + name + "': reject-above must be at least 1 and below"
                    + " the queue capacity " + capacity + ", got " + length);
        }
    }

    static void checkThreads(String name, int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("stage '" + name + "': threads must satisfy 1 <= min <= max, got "
                    + min + ".." + max);
        }
    }

    /**
     * Defaults: 1..1 threads, queue 1024, {@link WhenFull#REJECT}, 100 ms block timeout, batch 1..1,
     * no admission policy, thread-pool and batching controllers on (they act only on ranges), no
     * overload controller, the graph's default execution.
     */
    public static StageSettings of(String name) {
        return new StageSettings(name, 1, 1, 1024, WhenFull.REJECT, Duration.ofMillis(100), 1, 1);
    }

    public StageSettings threads(int min, int max) {
        return new StageSettings(name, min, max, queueCapacity, whenFull, blockTimeout, minBatch, maxBatch,
                admission, threadControl, batchControl, overload, execution);
    }

    public StageSettings queue(int capacity) {
        return new StageSettings(name, minThreads, maxThreads, capacity, whenFull, blockTimeout, minBatch, maxBatch,
                admission, threadControl, batchControl, overload, execution);
    }

    public StageSettings whenFull(WhenFull policy, Duration blockTimeout) {
        Objects.requireNonNull(policy, "policy");
        return new StageSettings(name, minThreads, maxThreads, queueCapacity, policy, blockTimeout, minBatch, maxBatch,
                admission, threadControl, batchControl, overload, execution);
    }

    public StageSettings batch(int min, int max) {
        return new StageSettings(name, minThreads, maxThreads, queueCapacity, whenFull, blockTimeout, min, max,
                admission, threadControl, batchControl, overload, execution);
    }

    /** Replaces the admission policies; they apply in this order. */
    public StageSettings admission(AdmissionPolicy... policies) {
        return new StageSettings(name, minThreads, maxThreads, queueCapacity, whenFull, blockTimeout, minBatch, maxBatch,
                List.of(policies), threadControl, batchControl, overload, execution);
    }

    /**
     * These settings with {@code policy} in the place of the first admission policy of its kind, or
     * last if there is none: the order decides the reason a rejection is counted under, so a new
     * value keeps the old one's place. With {@code everyOfItsKind}, the others of its kind go too.
     */
    StageSettings withPolicy(AdmissionPolicy policy, boolean everyOfItsKind) {
        List<AdmissionPolicy> policies = new ArrayList<>();
        boolean placed = false;
        for (AdmissionPolicy p : admission) {
            if (p.getClass() != policy.getClass() || placed && !everyOfItsKind) {
                policies.add(p);
            } else if (!placed) {
                policies.add(policy);
                placed = true;
            }
        }
        if (!placed) {
            policies.add(policy);
        }
        return admission(policies.toArray(new AdmissionPolicy[0]));
    }

    public StageSettings threadControl(ThreadPoolControl control) {
        return new StageSettings(name, minThreads, maxThreads, queueCapacity, whenFull, blockTimeout, minBatch, maxBatch,
                admission, control, batchControl, overload, execution);
    }

    /** Pins the pool at max threads: the thread-pool controller stays off. */
    public StageSettings fixedThreads() {
        return threadControl(threadControl.withEnabled(false));
    }

    public StageSettings batchControl(BatchControl control) {
        return new StageSettings(name, minThreads, maxThreads, queueCapacity, whenFull, blockTimeout, minBatch, maxBatch,
                admission, threadControl, control, overload, execution);
    }

    /** The response-time overload controller, or {@code null} for none. */
    public StageSettings overload(OverloadControl control) {
        return new StageSettings(name, minThreads, maxThreads, queueCapacity, whenFull, blockTimeout, minBatch, maxBatch,
                admission, threadControl, batchControl, control, execution);
    }

    public StageSettings execution(Execution how) {
        return new StageSettings(name, minThreads, maxThreads, queueCapacity, whenFull, blockTimeout, minBatch, maxBatch,
                admission, threadControl, batchControl, overload, how);
    }
}
