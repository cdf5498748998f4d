package dev.seda.runtime;

import java.time.Instant;

/**
 * One change a resource controller made to its stage, kept in {@link StageMetrics#decisions()},
 * logged at DEBUG and recorded as a {@code dev.seda.ControllerDecision} JFR event.
 *
 * @param controller {@code "threads"}, {@code "batch"} or {@code "overload"}
 * @param action e.g. {@code "add"}, {@code "retire"}, {@code "shrink"}, {@code "grow"},
 *     {@code "reset"}, {@code "decrease"}, {@code "increase"}, {@code "shed-lower"}, {@code "reconfigure"}
 * @param from the value before (threads, batch target, or admission rate in events/s)
 * @param to the value after
 * @param reason the measurement behind it, for people
 */
public record ControllerDecision(Instant at, String stage, String controller, String action,
                                 double from, double to, String reason) {}
