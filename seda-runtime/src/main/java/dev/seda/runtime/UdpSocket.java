package dev.seda.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A graph's UDP socket, bound by {@link SedaGraph.Builder#udp}. Thread-safe: any thread may send;
 * the graph's selector thread receives and does the actual sending.
 */
public final class UdpSocket {
    /** The largest UDP payload over IPv4. */
    public static final int MAX_DATAGRAM_BYTES = 65_507;

    private record Datagram(InetSocketAddress to, ByteBuffer bytes) {}

    private final TcpLayer layer;
    final TcpLayer.Udp config;
    final TcpLayer.Counters counters = new TcpLayer.Counters();
    volatile DatagramChannel channel;  // set by start
    SelectionKey key;  // selector thread only

    private final Queue<Datagram> sendQueue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    final AtomicBoolean flushRequested = new AtomicBoolean();

    UdpSocket(TcpLayer layer, TcpLayer.Udp config) {
        this.layer = layer;
        this.config = config;
    }

    /**
     * Queues one datagram to be sent by the selector thread. The bytes between the buffer's
     * position and limit are referenced, not copied, and the buffer itself is left untouched.
     *
     * @return {@code false} if the socket is closed, or if more than the graph's clog threshold is
     *     already waiting to be sent: the datagram is dropped (and counted), as UDP may
     * @throws IllegalArgumentException if the datagram is over {@value #MAX_DATAGRAM_BYTES} bytes
     */
    public boolean send(InetSocketAddress to, ByteBuffer data) {
        Objects.requireNonNull(to, "to");
        ByteBuffer own = data.slice();
        if (own.remaining() > MAX_DATAGRAM_BYTES) {
            throw new IllegalArgumentException("a datagram holds at most " + MAX_DATAGRAM_BYTES + " bytes, got "
                    + own.remaining());
        }
        DatagramChannel ch = channel;
        if (ch == null || !ch.isOpen()) {
            return false;
        }
        if (pendingBytes.get() > layer.clogThreshold()) {
            counters.datagramsDropped.increment();
            return false;
        }
        pendingBytes.addAndGet(own.remaining());
        sendQueue.add(new Datagram(to, own));
        layer.requestFlush(this);
        return true;
    }

    /** Like {@link #send(InetSocketAddress, ByteBuffer)}; the array is referenced, not copied. */
    public boolean send(InetSocketAddress to, byte[] data) {
        return send(to, ByteBuffer.wrap(data));
    }

    /** The bound address (with port 0, the port picked), or {@code null} when not bound or closed. */
    public InetSocketAddress localAddress() {
        DatagramChannel ch = channel;
        try {
            return ch == null ? null : (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            return null;  // closed
        }
    }

    @Override
    public String toString() {
        return "UdpSocket[" + config.stage().name() + " " + localAddress() + "]";
    }

    // ---- selector thread only ----

    boolean hasPending() {
        return !sendQueue.isEmpty();
    }

    /**
     * Sends what the socket takes now; a datagram the OS refuses is dropped, not retried.
     *
     * @return whether everything queued was sent
     */
    boolean flush() {
        Datagram head;
        while ((head = sendQueue.peek()) != null) {
            int size = head.bytes().remaining();
            try {
                if (channel.send(head.bytes().duplicate(), head.to()) == 0 && size > 0) {
                    return false;  // socket buffer full: wait for OP_WRITE
                }
                counters.datagramsOut.increment();
            } catch (IOException e) {
                layer.sendFailed(this, head.to(), e);
                counters.datagramsDropped.increment();  // dropped: go on with the next one
            }
            sendQueue.poll();
            pendingBytes.addAndGet(-size);
        }
        return true;
    }
}
