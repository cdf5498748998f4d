package dev.seda.runtime;

/** What {@link Stage#offer} does when the stage's queue is full. Every outcome is counted. */
public enum WhenFull {
    /** Return {@code false} at once: SEDA's explicit overload signal. */
    REJECT,
    /** Wait up to the stage's block timeout for room, then return {@code false}. */
    BLOCK,
    /** Evict the oldest queued event (counted as dropped) and admit the new one. */
    DROP_OLDEST
}
