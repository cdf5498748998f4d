package dev.seda.runtime;

/**
 * The event a periodic timer stage receives ({@code @Every}).
 *
 * @param sequence 1 for the first firing, then 2, 3, ...
 * @param nanoTime {@link System#nanoTime()} when the timer fired, for measuring lateness
 */
public record Tick(long sequence, long nanoTime) {}
