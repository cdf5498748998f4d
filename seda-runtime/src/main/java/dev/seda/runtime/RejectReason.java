package dev.seda.runtime;

/**
 * Why an event did not reach its handler. The first six are decided when the event is offered:
 * {@link Stage#offer} then returns {@code false} and the event counts as rejected. The last two
 * happen to events already admitted ({@code offer} returned {@code true}): they count as dropped.
 */
public enum RejectReason {
    /** The queue was full ({@link WhenFull#REJECT}, or {@link WhenFull#BLOCK} after its timeout). */
    FULL,
    /** The queue was at or above an {@link AdmissionPolicy#queueThreshold} length. */
    THRESHOLD,
    /** An {@link AdmissionPolicy#tokenBucket} had no token. */
    RATE,
    /** The response-time overload controller's admission rate for the event's class was used up. */
    OVERLOAD,
    /** An {@link AdmissionPolicy#predicate} said no. */
    PREDICATE,
    /** The stage was closed by the graph's stop. */
    CLOSED,
    /** Admitted, then found older than its {@link AdmissionPolicy#maxQueueAge} when dequeued. */
    EXPIRED,
    /** Admitted, then evicted by a newer event under {@link WhenFull#DROP_OLDEST}. */
    DROPPED_OLDEST;

    /** Whether {@link Stage#offer} reported this one as {@code false}; else the event was admitted first. */
    public boolean atOffer() {
        return this != EXPIRED && this != DROPPED_OLDEST;
    }
}
