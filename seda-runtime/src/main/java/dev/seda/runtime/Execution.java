package dev.seda.runtime;

/** Which threads run a stage's handler. */
public enum Execution {
    /** The graph's choice: {@link #SHARED} if the builder was given a {@code sharedPool}, else {@link #OWN_THREADS}. */
    DEFAULT,
    /**
     * The stage has its own workers (the SEDA paper), between its min and max threads, sized by
     * the thread-pool controller.
     */
    OWN_THREADS,
    /**
     * The stage's events are run by the graph's shared worker pool (Welsh's retrospective;
     * Cassandra's SharedExecutorPool): fewer threads and context switches across many stages. The
     * stage's max threads caps how many of its events run at once, so a stage of one thread is
     * never run concurrently. Without {@code sharedPool(n)} on the builder, the pool has as many
     * workers as processors (at least 2). A worker that emits with {@link WhenFull#BLOCK} into a
     * full stage of its own pool runs that stage's events while it waits, so blocking emits cannot
     * leave the pool without a worker to make room.
     */
    SHARED
}
