package dev.seda.runtime;

import java.util.Objects;

/**
 * A connection opened or closed, for the stage a listener or {@link SedaGraph#connect} names for
 * events.
 *
 * <p>Order: a connection's OPENED is offered before its first packet, and its CLOSED after its
 * last packet, both from the graph's selector thread. That is offer order; the events stage and
 * the packets stage are different stages with their own threads, so a handler may still see a
 * packet of a connection whose CLOSED was already handled (its writes then return {@code false}),
 * or the first packet before OPENED is handled.
 *
 * <p>CLOSED is offered only for a connection whose OPENED was admitted, and for every outgoing
 * connection (a failed connect is a CLOSED without OPENED). Connections still open when
 * {@link SedaGraph#stop} reaches its last step are closed after the stages have drained, so their
 * CLOSED is not offered; {@link TcpConnection#closeReason()} says {@value #STOPPED} then. During
 * stop's drain, a CLOSED for a connection the application closes is offered but rejected (and
 * counted) if the events stage has already drained.
 *
 * <p>Events are offered from the selector thread, like packets: prefer REJECT for the events stage,
 * since a BLOCK wait stalls all of the graph's network I/O. A rejected CLOSED is counted by the
 * stage and otherwise lost; a rejected OPENED closes that connection.
 *
 * @param connection the connection
 * @param kind opened or closed
 * @param reason why it closed, one of the constants here or {@code "connect failed: <message>"};
 *     {@code null} for OPENED
 */
public record TcpEvent(TcpConnection connection, Kind kind, String reason) implements Sourced {
    /** The peer closed its side (EOF); what was queued was flushed first. */
    public static final String PEER_CLOSED = "peer closed";
    /** A read or write failed: the peer reset the connection, or the network did. */
    public static final String RESET = "reset";
    /** Its write queue passed the clog threshold: the peer does not read fast enough. */
    public static final String CLOGGED = "clogged";
    /** The stage receiving its packets (or its OPENED) rejected one: the connection was shed. */
    public static final String OVERLOADED = "overloaded";
    /** The graph stopped. */
    public static final String STOPPED = "stopped";
    /** {@link TcpConnection#close()} or {@link TcpConnection#closeAfterWrites()}. */
    public static final String CLOSED_BY_APPLICATION = "closed by application";
    /** Prefix of the reason of an outgoing connection that could not be made. */
    public static final String CONNECT_FAILED = "connect failed: ";
    /** An unexpected error in the I/O layer (logged as a warning). */
    public static final String ERROR = "error";

    public enum Kind { OPENED, CLOSED }

    public TcpEvent {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.CLOSED) {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Its connection's, as for {@link TcpPacket#source()}. */
    @Override
    public long source() {
        return connection.id();
    }
}
