package dev.seda.annotations;

/** What an emit does when the target stage's queue is full. Every outcome is counted. */
public enum QueueFull {
    /** The emit returns {@code false} at once: SEDA's explicit overload signal. */
    REJECT,
    /** The emit waits up to {@link Stage#blockMillis()} for room, then returns {@code false}. */
    BLOCK,
    /** The oldest queued event is dropped to make room; the emit returns {@code true}. */
    DROP_OLDEST
}
