package dev.seda.annotations;

/** Which threads run a stage's handler. */
public enum Pool {
    /** The graph's shared pool when it has one ({@link StageGraph#sharedThreads()}), else its own threads. */
    DEFAULT,
    /** Threads of its own, sized by the thread-pool controller between the stage's bounds: the paper's model. */
    OWN,
    /** The graph's shared pool, which saves context switches between stages. */
    SHARED
}
