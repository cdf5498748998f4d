package dev.seda.runtime;

/**
 * Snapshot of a graph's TCP counters.
 *
 * @param accepted connections accepted so far
 * @param open connections open now
 * @param closed connections closed so far, for any reason
 * @param clogged connections closed because their write queue passed the clog threshold
 * @param overloaded connections closed because their stage rejected a packet read from them
 */
public record TcpMetrics(long accepted, int open, long closed, long clogged, long overloaded) {}
