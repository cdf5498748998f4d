package dev.seda.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The TCP listen, read and write stages of one graph, run by a single selector thread. Reads are
 * offered to the listening stage as {@link TcpPacket}s; writes are queued per connection and
 * flushed in order when the socket is writable.
 */
final class TcpLayer {
    private static final Logger LOG = System.getLogger(TcpLayer.class.getName());
    private static final int READ_BUFFER_BYTES = 16 * 1024;

    /** A listen source: where to bind and which stage gets what is read. */
    record Listener(Stage<TcpPacket> stage, String host, int port) {}

    private record Bound(Listener listener, ServerSocketChannel server) {}

    private final String graphName;
    private final List<Listener> listeners;
    private final long clogThreshold;

    // Written by start(), read by listenAddress() from any thread.
    private final List<Bound> bound = new CopyOnWriteArrayList<>();
    private final Map<Long, TcpConnection> connections = new ConcurrentHashMap<>();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final AtomicLong nextId = new AtomicLong(1);
    private Selector selector;
    private Thread thread;
    private volatile boolean running;
    private boolean reading = true;  // selector thread only

    private final LongAdder accepted = new LongAdder();
    private final LongAdder closedCount = new LongAdder();
    private final LongAdder clogged = new LongAdder();
    private final LongAdder overloaded = new LongAdder();

    TcpLayer(String graphName, List<Listener> listeners, long clogThreshold) {
        this.graphName = graphName;
        this.listeners = List.copyOf(listeners);
        this.clogThreshold = clogThreshold;
    }

    long clogThreshold() {
        return clogThreshold;
    }

    /** Binds every listener on the calling thread, so bind errors reach the caller, then starts the selector thread. */
    void start() throws IOException {
        selector = Selector.open();
        try {
            for (Listener l : listeners) {
                ServerSocketChannel server = ServerSocketChannel.open();
                bound.add(new Bound(l, server));
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                try {
                    server.bind(new InetSocketAddress(l.host(), l.port()), 1024);
                } catch (IOException e) {
                    throw new IOException("stage '" + l.stage().name() + "' cannot listen on "
                            + l.host() + ":" + l.port() + ": " + e.getMessage(), e);
                }
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_ACCEPT, l);
            }
        } catch (IOException | RuntimeException e) {
            closeAll();
            throw e;
        }
        running = true;
        thread = new Thread(this::run, "seda-" + graphName + "-tcp");
        thread.start();
    }

    /** The bound address of the listener feeding that stage, or null. */
    InetSocketAddress listenAddress(String stageName) {
        for (Bound b : bound) {
            if (b.listener().stage().name().equals(stageName)) {
                try {
                    return (InetSocketAddress) b.server().getLocalAddress();
                } catch (IOException e) {
                    return null;  // closed by stop()
                }
            }
        }
        return null;
    }

    boolean listens(String stageName) {
        return listeners.stream().anyMatch(l -> l.stage().name().equals(stageName));
    }

    TcpMetrics metrics() {
        return new TcpMetrics(accepted.sum(), connections.size(), closedCount.sum(), clogged.sum(), overloaded.sum());
    }

    // ---- called from any thread ----

    void requestFlush(TcpConnection c) {
        if (!c.flushRequested.getAndSet(true)) {
            runOnSelector(() -> {
                c.flushRequested.set(false);  // before flushing, so a later write schedules another
                flush(c);
            });
        }
    }

    void clogged(TcpConnection c, long waitingBytes) {
        clogged.increment();
        LOG.log(Level.INFO, () -> "graph '" + graphName + "': closing " + c + ": " + waitingBytes
                + " bytes still waiting to be written, over the clog threshold of " + clogThreshold);
        c.close();
    }

    void closed(TcpConnection c) {
        if (connections.remove(c.id()) != null) {
            closedCount.increment();
        }
        // A channel closed off the selector thread is released at the next select.
        Selector s = selector;
        if (s != null && Thread.currentThread() != thread) {
            s.wakeup();
        }
    }

    /** Step 1 of stop: close the listeners and read nothing more. */
    boolean stopReading(long deadlineNanos) {
        return runOnSelectorAndWait(() -> {
            reading = false;
            for (Bound b : bound) {
                closeQuietly(b.server());
            }
            for (TcpConnection c : connections.values()) {
                try {
                    c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_READ);
                } catch (CancelledKeyException ignored) {
                    // closed meanwhile
                }
            }
        }, deadlineNanos);
    }

    /** Step 3 of stop: flush what is queued, close every connection, end the selector thread. */
    boolean stop(long deadlineNanos) {
        if (thread == null) {
            closeAll();
            return true;
        }
        for (TcpConnection c : connections.values()) {
            c.closeAfterWrites();
        }
        while (!connections.isEmpty() && System.nanoTime() - deadlineNanos < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        boolean flushed = connections.isEmpty();
        if (!flushed) {
            LOG.log(Level.WARNING, "graph ''{0}'': closing {1} connections with unflushed writes at the deadline",
                    graphName, connections.size());
        }
        running = false;
        selector.wakeup();
        try {
            thread.join(Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // Only if a stage offer blocks the selector thread (a BLOCK policy on the listening stage).
            thread.interrupt();
        }
        return flushed;
    }

    // ---- selector thread ----

    private void run() {
        try {
            while (running) {
                runTasks();
                selector.select(1000);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    handle(key);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "graph '" + graphName + "': TCP selector failed; closing all connections", e);
        } finally {
            closeAll();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private void handle(SelectionKey key) {
        if (key.attachment() instanceof Listener l) {
            if (key.isValid() && key.isAcceptable()) {
                accept((ServerSocketChannel) key.channel(), l);
            }
            return;
        }
        TcpConnection c = (TcpConnection) key.attachment();
        try {
            if (key.isReadable()) {
                read(c);
            }
            if (key.isValid() && key.isWritable()) {
                flush(c);
            }
        } catch (CancelledKeyException e) {
            c.close();  // closed from another thread meanwhile
        } catch (RuntimeException e) {
            // A bug or an odd peer: affect only this connection.
            LOG.log(Level.WARNING, "graph '" + graphName + "': closing " + c + " after an unexpected error", e);
            c.close();
        }
    }

    private void accept(ServerSocketChannel server, Listener l) {
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "graph '" + graphName + "': accept failed on stage '" + l.stage().name() + "'", e);
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
                SelectionKey key = ch.register(selector, reading ? SelectionKey.OP_READ : 0);
                TcpConnection c = new TcpConnection(this, nextId.getAndIncrement(), ch, remote, key, l.stage());
                key.attach(c);
                connections.put(c.id(), c);
                accepted.increment();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': dropping a connection during accept: " + e);
                closeQuietly(ch);
            }
        }
    }

    private void read(TcpConnection c) {
        readBuffer.clear();
        int n;
        try {
            n = c.channel().read(readBuffer);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': closing " + c + " after a read error: " + e);
            c.close();
            return;
        }
        if (n < 0) {
            // Peer EOF: read no more, send what is already queued, then close.
            c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_READ);
            c.closeAfterWrites();
            return;
        }
        if (n == 0) {
            return;
        }
        byte[] bytes = new byte[n];
        readBuffer.flip().get(bytes);
        if (!c.readStage.offer(new TcpPacket(c, bytes))) {
            // Dropping bytes mid-stream would corrupt the protocol: shed the whole connection instead.
            overloaded.increment();
            LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': closing " + c + ": stage '"
                    + c.readStage.name() + "' rejected its input (overload)");
            c.close();
        }
    }

    private void flush(TcpConnection c) {
        if (!c.isOpen()) {
            return;
        }
        try {
            boolean done = c.flush();
            SelectionKey key = c.key;
            if (done) {
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                if (c.closeRequested()) {
                    c.close();
                }
            } else {
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
        } catch (IOException | CancelledKeyException e) {
            LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': closing " + c + " after a write error: " + e);
            c.close();
        }
    }

    private void runOnSelector(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private boolean runOnSelectorAndWait(Runnable task, long deadlineNanos) {
        if (thread == null || !thread.isAlive()) {
            return true;
        }
        CountDownLatch done = new CountDownLatch(1);
        runOnSelector(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        try {
            return done.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void closeAll() {
        for (Bound b : bound) {
            closeQuietly(b.server());
        }
        for (TcpConnection c : connections.values()) {
            c.close();
        }
        if (selector != null) {
            closeQuietly(selector);
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
