package dev.seda.runtime;

/**
 * An event that names where it came from (a connection, a client, a user), for a stage with a
 * response-time overload controller: while the controller sheds, it admits the same share of every
 * source's events, in turn, instead of drawing each event at random, so no source is shed more than
 * another by chance. A {@link TcpConnection} is a source, and so are its {@link TcpPacket}s and
 * {@link TcpEvent}s; when a stage's event has several parameters, the generated event record is
 * sourced by its first parameter that implements this.
 */
public interface Sourced {
    /** Equal for events of the same source; sources are told apart by this number alone. */
    long source();
}
