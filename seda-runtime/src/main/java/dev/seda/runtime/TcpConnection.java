package dev.seda.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One TCP connection, accepted by a listener or made by {@link SedaGraph#connect}. Thread-safe: any
 * thread may write or close; the graph's selector thread does the actual socket I/O.
 *
 * <p>When the peer closes its side (EOF), what is already queued is flushed and the connection
 * closes; later writes return {@code false}. Half-closed connections are not kept open.
 *
 * <p>An outgoing connection is returned while it is still connecting: writes are queued and sent
 * once it is connected, and if it cannot be made it closes with a reason starting
 * {@value TcpEvent#CONNECT_FAILED}.
 */
public final class TcpConnection implements Sourced {
    private final TcpLayer layer;
    private final long id;
    private final SocketChannel channel;
    private final InetSocketAddress remoteAddress;
    SelectionKey key;  // its loop's thread only; set when registered with the loop's selector
    TcpLayer.Loop loop;  // the selector thread that does its I/O; set before it is published
    final Stage<TcpPacket> readStage;
    final Stage<TcpEvent> events;  // or null
    final TcpLayer.Counters counters;
    final boolean outgoing;
    final long readLimit;  // bytes per second, 0 for none

    // Selector thread only: the read-rate budget, and whether reading waits for it or has ended.
    double readBudget;
    long budgetRefilled;
    long resumeAt;
    boolean readPaused;
    boolean inputEnded;
    // Selector thread only: ListenOptions.pauseReadingAbove (0 for off), and whether reading waits for
    // the stage's queue to drain.
    int pauseReadingAbove;
    boolean waitingForStage;
    volatile boolean connected;
    volatile boolean openedAdmitted;

    private final Queue<ByteBuffer> writeQueue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    // Set while a flush request is queued for the selector thread, so writes don't pile up requests.
    final AtomicBoolean flushRequested = new AtomicBoolean();
    // Held by whichever thread is writing queued bytes to the socket: one at a time keeps them in order.
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final AtomicBoolean open = new AtomicBoolean(true);
    private volatile boolean closeRequested;
    private volatile String closeAfterWritesReason;
    // Set once, by the first close: it decides who closes and says why.
    private final AtomicReference<String> closeReason = new AtomicReference<>();
    private volatile Object attachment;

    TcpConnection(TcpLayer layer, long id, SocketChannel channel, InetSocketAddress remoteAddress, SelectionKey key,
                  Stage<TcpPacket> readStage) {
        this(layer, id, channel, remoteAddress, key, readStage, null, new TcpLayer.Counters(), false, 0);
    }

    TcpConnection(TcpLayer layer, long id, SocketChannel channel, InetSocketAddress remoteAddress, SelectionKey key,
                  Stage<TcpPacket> readStage, Stage<TcpEvent> events, TcpLayer.Counters counters, boolean outgoing,
                  long readLimit) {
        this.layer = layer;
        this.id = id;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.key = key;
        this.readStage = readStage;
        this.events = events;
        this.counters = counters;
        this.outgoing = outgoing;
        this.readLimit = readLimit;
        this.connected = !outgoing;
    }

    public long id() {
        return id;
    }

    /** Its {@link #id()}: a stage that sheds load sheds each connection's requests in the same share. */
    @Override
    public long source() {
        return id;
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /**
     * Queues the bytes between the buffer's position and limit, to be written in order. When nothing
     * else is being written, this thread writes what the socket takes at once (without blocking);
     * the selector thread writes the rest as the peer reads. The bytes are referenced, not copied, and the caller's buffer (position,
     * limit) is left untouched, so one read-only buffer may be written to many connections; do not
     * change those bytes afterwards.
     *
     * @return {@code false} if the connection is closed or closing, or if it is clogged: more than
     *     the graph's clog threshold was still waiting to be written, so the connection cannot keep
     *     up and is closed now
     */
    public boolean write(ByteBuffer data) {
        ByteBuffer own = data.slice();
        if (!open.get() || closeRequested) {
            return false;
        }
        if (!own.hasRemaining()) {
            return true;
        }
        // Judged on what is already waiting, so one large response to an idle peer is fine.
        long waiting = pendingBytes.getAndAdd(own.remaining());
        if (waiting > layer.clogThreshold()) {
            layer.clogged(this, waiting);
            return false;
        }
        writeQueue.add(own);
        if (!connected || !flushing.compareAndSet(false, true)) {
            layer.requestFlush(this);  // someone is flushing: the selector thread takes it from there
            return true;
        }
        // Nobody is writing to this socket: write from this thread, and spare the selector thread
        // a wake-up for the common case of a response that fits in the socket buffer.
        boolean done;
        try {
            done = flushQueue();
        } catch (IOException e) {
            flushing.set(false);
            close(TcpEvent.RESET);
            return false;
        }
        flushing.set(false);
        if (!done || !writeQueue.isEmpty() || closeRequested) {
            // The rest waits for OP_WRITE, or another write or a close came meanwhile.
            layer.requestFlush(this);
        }
        return true;
    }

    /** Like {@link #write(ByteBuffer)}; the array is referenced, not copied. */
    public boolean write(byte[] data) {
        return write(ByteBuffer.wrap(data));
    }

    /** Closes once every queued write is flushed; later writes return {@code false}. */
    public void closeAfterWrites() {
        closeAfterWrites(TcpEvent.CLOSED_BY_APPLICATION);
    }

    /** Closes now; queued writes are discarded. */
    public void close() {
        close(TcpEvent.CLOSED_BY_APPLICATION);
    }

    public boolean isOpen() {
        return open.get();
    }

    /** Whether this connection was made by {@link SedaGraph#connect} rather than accepted. */
    public boolean isOutgoing() {
        return outgoing;
    }

    /** Why it closed (see the constants of {@link TcpEvent}), or {@code null} while open. */
    public String closeReason() {
        return closeReason.get();
    }

    void closeAfterWrites(String reason) {
        if (!open.get()) {
            return;  // nothing to flush; the selector thread may be gone
        }
        if (closeAfterWritesReason == null) {
            closeAfterWritesReason = reason;  // the first request says why
        }
        closeRequested = true;
        layer.requestFlush(this);
    }

    /** Closes now for that reason, unless already closed (the first reason stays). */
    void close(String reason) {
        if (closeReason.compareAndSet(null, reason)) {
            open.set(false);
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing to do: the socket is gone either way.
            }
            writeQueue.clear();
            pendingBytes.set(0);
            layer.closed(this, reason);
        }
    }

    String closeAfterWritesReason() {
        String r = closeAfterWritesReason;
        return r == null ? TcpEvent.CLOSED_BY_APPLICATION : r;
    }

    /** Per-connection state for the application, such as a protocol parser. */
    public void attach(Object value) {
        attachment = value;
    }

    public Object attachment() {
        return attachment;
    }

    @Override
    public String toString() {
        return "TcpConnection[" + id + (outgoing ? " to " : " ") + remoteAddress + (isOpen() ? "" : " closed") + "]";
    }

    // ---- selector thread only ----

    SocketChannel channel() {
        return channel;
    }

    /** What {@link #flush()} did. */
    enum Flushed { ALL, PARTLY, BUSY }

    /**
     * Writes what the socket takes now, unless an application thread is writing to it this moment:
     * that thread asks for another flush when it is done, if anything is left or a close waits.
     */
    Flushed flush() throws IOException {
        if (!flushing.compareAndSet(false, true)) {
            return Flushed.BUSY;
        }
        try {
            return flushQueue() ? Flushed.ALL : Flushed.PARTLY;
        } finally {
            flushing.set(false);
        }
    }

    /** Writes what the socket takes now; the caller holds {@link #flushing}. */
    private boolean flushQueue() throws IOException {
        ByteBuffer head;
        while ((head = writeQueue.peek()) != null) {
            int n = channel.write(head);
            pendingBytes.addAndGet(-n);
            counters.bytesWritten.add(n);
            if (head.hasRemaining()) {
                return false;  // socket buffer full: wait for OP_WRITE
            }
            writeQueue.poll();
        }
        return true;
    }

    boolean closeRequested() {
        return closeRequested;
    }
}
