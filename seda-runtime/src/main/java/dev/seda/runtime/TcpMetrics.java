package dev.seda.runtime;

/**
 * Snapshot of a graph's TCP and UDP counters, or of one listener's ({@link SedaGraph#tcpMetrics(String)}).
 *
 * @param accepted connections accepted so far
 * @param open connections open now, outgoing ones (connecting or connected) included
 * @param closed connections closed so far, for any reason
 * @param clogged connections closed because their write queue passed the clog threshold
 * @param overloaded connections closed because their stage rejected a packet read from them
 * @param bytesRead bytes read from connections
 * @param bytesWritten bytes written to connections
 * @param readPauses times the read-rate limit stopped reading a connection until its budget refilled
 * @param refused accepted connections closed at once because the events stage rejected their OPENED
 * @param connects outgoing connections established
 * @param connectFailures outgoing connections that could not be made
 * @param datagramsIn datagrams received
 * @param datagramsOut datagrams sent
 * @param datagramsDropped datagrams not sent: the socket's send queue was over the clog threshold,
 *     or the send failed
 * @param acceptPauses times a listener stopped accepting because its stage's queue was over
 *     {@link ListenOptions#pauseAcceptingAbove()}
 * @param backlogReadPauses times a connection stopped being read because its stage's queue was over
 *     {@link ListenOptions#pauseReadingAbove()}
 */
public record TcpMetrics(long accepted, int open, long closed, long clogged, long overloaded,
                         long bytesRead, long bytesWritten, long readPauses, long refused,
                         long connects, long connectFailures,
                         long datagramsIn, long datagramsOut, long datagramsDropped, long acceptPauses,
                         long backlogReadPauses) {

    /** The original five counters; the rest zero. */
    public TcpMetrics(long accepted, int open, long closed, long clogged, long overloaded) {
        this(accepted, open, closed, clogged, overloaded, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
