package dev.seda.runtime;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Opens outgoing TCP connections whose replies go to one stage (and their OPENED/CLOSED events to
 * another, if given): what an emitter offers for a {@code @TcpClient} stage, e.g.
 * {@code out.backend().connect(upstream)}. Made by {@link SedaGraph.Builder#connector} before the
 * graph exists, usable once it runs.
 */
public final class TcpConnector {
    private final Stage<TcpPacket> replies;
    private final Stage<TcpEvent> events;
    private volatile SedaGraph graph;

    TcpConnector(Stage<TcpPacket> replies, Stage<TcpEvent> events) {
        this.replies = Objects.requireNonNull(replies, "replies");
        this.events = events;
    }

    void attach(SedaGraph graph) {
        this.graph = graph;
    }

    /**
     * Starts connecting and returns at once; bytes written before the connection is open are sent
     * once it is. A failure arrives as a CLOSED event ("connect failed: ...") when there is an
     * events stage, and closes the connection either way.
     *
     * @throws IllegalStateException unless the graph is running
     */
    public TcpConnection connect(InetSocketAddress remote) {
        return connect(remote, null);
    }

    /**
     * As {@link #connect(InetSocketAddress)}, with the connection's attachment set before connecting
     * starts, so that its events (even a connect that fails at once) always find it.
     */
    public TcpConnection connect(InetSocketAddress remote, Object attachment) {
        SedaGraph running = graph;
        if (running == null) {
            throw new IllegalStateException("stage '" + replies.name() + "': the graph is not built yet");
        }
        return running.connect(remote, replies, events, attachment);
    }

    /** {@code connect(new InetSocketAddress(host, port))}. */
    public TcpConnection connect(String host, int port) {
        return connect(new InetSocketAddress(host, port));
    }
}
