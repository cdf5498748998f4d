package dev.seda.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * How a stage is built: thread bounds, queue capacity, what happens when the queue is full, and
 * batch bounds. Validated on construction.
 *
 * @param name unique in its graph, not blank
 * @param minThreads lower bound for the thread-pool controller, at least 1
 * @param maxThreads upper bound, at least {@code minThreads}
 * @param queueCapacity events the queue holds, at least 1
 * @param whenFull what {@link Stage#offer} does when the queue is full
 * @param blockTimeout how long {@link WhenFull#BLOCK} waits for room, not negative
 * @param minBatch lower bound for the batching controller, at least 1
 * @param maxBatch most events per handler call, at least {@code minBatch}
 */
public record StageSettings(String name, int minThreads, int maxThreads, int queueCapacity,
                            WhenFull whenFull, Duration blockTimeout, int minBatch, int maxBatch) {

    public StageSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("stage name must not be blank, got '" + name + "'");
        }
        if (minThreads < 1 || maxThreads < minThreads) {
            throw new IllegalArgumentException("stage '" + name + "': threads must satisfy 1 <= min <= max, got "
                    + minThreads + ".." + maxThreads);
        }
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
    }

    /** Defaults: 1..1 threads, queue 1024, {@link WhenFull#REJECT}, 100 ms block timeout, batch 1..1. */
    public static StageSettings of(String name) {
        return new StageSettings(name, 1, 1, 1024, WhenFull.REJECT, Duration.ofMillis(100), 1, 1);
    }

    public StageSettings threads(int min, int max) {
        return new StageSettings(name, min, max, queueCapacity, whenFull, blockTimeout, minBatch, maxBatch);
    }

    public StageSettings queue(int capacity) {
        return new StageSettings(name, minThreads, maxThreads, capacity, whenFull, blockTimeout, minBatch, maxBatch);
    }

    public StageSettings whenFull(WhenFull policy, Duration blockTimeout) {
        Objects.requireNonNull(policy, "policy");
        return new StageSettings(name, minThreads, maxThreads, queueCapacity, policy, blockTimeout, minBatch, maxBatch);
    }

    public StageSettings batch(int min, int max) {
        return new StageSettings(name, minThreads, maxThreads, queueCapacity, whenFull, blockTimeout, min, max);
    }
}
