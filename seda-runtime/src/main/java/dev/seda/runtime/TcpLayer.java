package dev.seda.runtime;

import dev.seda.runtime.internal.Waiters;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The network stages of one graph, run by selector threads ({@link Loop}s): TCP listen (accept),
 * read and write for accepted and outgoing connections, and UDP receive and send. Reads are offered
 * to the listening stage as {@link TcpPacket}s; writes are queued per connection and flushed in
 * order when the socket is writable.
 *
 * <p>The main loop accepts, and runs UDP sockets and outgoing connections; accepted connections are
 * dealt out in turn among all the loops ({@code ioThreads}, 1 by default), and each connection's I/O
 * and events happen on its own loop's thread only. The main thread starts with the graph when there
 * is a listener or a UDP socket, else with the first outgoing connection, so a graph without network
 * I/O has no selector thread; the others start with the listeners.
 */
final class TcpLayer {
    private static final Logger LOG = System.getLogger(TcpLayer.class.getName());
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    // Per wakeup, so one flooded UDP socket cannot starve the connections.
    private static final int DATAGRAMS_PER_WAKEUP = 64;
    // How soon a listener paused by its stage's backlog looks again; short, as the stage drains fast.
    private static final long ACCEPT_RECHECK_MILLIS = 10;

    /** A listen source: where to bind, which stage gets what is read, and how. */
    record Listener(Stage<TcpPacket> stage, String host, int port, ListenOptions options) {}

    /** A UDP source: where to bind and which stage gets the datagrams. */
    record Udp(Stage<UdpPacket> stage, String host, int port) {}

    /** Counters of one source (a listener, a UDP socket, the outgoing connections), summed for the graph. */
    static final class Counters {
        final LongAdder accepted = new LongAdder();
        final AtomicInteger open = new AtomicInteger();
        final LongAdder closed = new LongAdder();
        final LongAdder clogged = new LongAdder();
        final LongAdder overloaded = new LongAdder();
        final LongAdder bytesRead = new LongAdder();
        final LongAdder bytesWritten = new LongAdder();
        final LongAdder readPauses = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder connects = new LongAdder();
        final LongAdder connectFailures = new LongAdder();
        final LongAdder datagramsIn = new LongAdder();
        final LongAdder datagramsOut = new LongAdder();
        final LongAdder datagramsDropped = new LongAdder();
        final LongAdder acceptPauses = new LongAdder();
        final LongAdder backlogReadPauses = new LongAdder();

        static TcpMetrics sum(List<Counters> all) {
            long[] v = new long[15];
            int open = 0;
            for (Counters c : all) {
                open += c.open.get();
                v[0] += c.accepted.sum();
                v[1] += c.closed.sum();
                v[2] += c.clogged.sum();
                v[3] += c.overloaded.sum();
                v[4] += c.bytesRead.sum();
                v[5] += c.bytesWritten.sum();
                v[6] += c.readPauses.sum();
                v[7] += c.refused.sum();
                v[8] += c.connects.sum();
                v[9] += c.connectFailures.sum();
                v[10] += c.datagramsIn.sum();
                v[11] += c.datagramsOut.sum();
                v[12] += c.datagramsDropped.sum();
                v[13] += c.acceptPauses.sum();
                v[14] += c.backlogReadPauses.sum();
            }
            return new TcpMetrics(v[0], open, v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                    v[13], v[14]);
        }
    }

    /** A listener's run-time state. */
    static final class Bound {
        final Listener listener;
        final Counters counters = new Counters();
        volatile ServerSocketChannel server;  // set by start, read by listenAddress from any thread
        volatile boolean suspended;
        SelectionKey key;  // selector thread only
        boolean backlogged;  // selector thread only: paused because the stage's queue is too long

        Bound(Listener listener) {
            this.listener = listener;
        }
    }

    private final String graphName;
    private final List<Bound> bound = new ArrayList<>();
    private final List<UdpSocket> udpSockets = new ArrayList<>();
    private final Counters outgoing = new Counters();
    private final List<Counters> allCounters = new ArrayList<>();
    private final long clogThreshold;
    private final int ioPriority;

    private final Map<Long, TcpConnection> connections = new ConcurrentHashMap<>();
    private ByteBuffer datagramBuffer;  // main loop only; allocated with the first UDP socket's read
    private final AtomicLong nextId = new AtomicLong(1);
    // loops[0] is the main loop: listeners, UDP sockets, outgoing connections, and its share of the
    // accepted ones; the others read and write their share of the accepted connections.
    private final Loop[] loops;
    private final Loop main;
    private int nextLoop;  // main loop only: the loop the next accepted connection goes to
    private volatile boolean running;
    private volatile boolean closing;       // stop began: no new connections, nothing more read
    private volatile boolean stagesClosed;  // stop's last step: events can no longer be admitted

    /**
     * One selector thread and the state only it touches. Every connection belongs to one loop, whose
     * thread does all of its socket I/O, so its packets and events stay in order.
     */
    final class Loop {
        final int index;
        volatile Selector selector;
        volatile Thread thread;
        final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
        // Rate-limited connections waiting for their budget, soonest first.
        final PriorityQueue<TcpConnection> paused = new PriorityQueue<>(Comparator.comparingLong(c -> c.resumeAt));
        // Connections not read until their stage's queue is down to half its pauseReadingAbove.
        final ArrayDeque<TcpConnection> waitingForStage = new ArrayDeque<>();
        boolean reading = true;
        volatile boolean dead;  // its thread ended: no more connections for it

        Loop(int index) {
            this.index = index;
        }

        /** Runs the task on this loop's thread, soon. */
        void execute(Runnable task) {
            tasks.add(task);
            Selector s = selector;
            if (s != null) {
                s.wakeup();
            }
        }

        private void run() {
            try {
                while (running) {
                    runTasks();
                    // The consumer form, not selectedKeys(): that set is a HashSet whose table grows with
                    // the busiest moment and is then scanned in full on every select, which at thousands
                    // of connections cost more than the reads it found.
                    // Wake-ups this select's batch of keys gives are held back until the batch is done,
                    // so that a stage's consumer takes the whole batch at once instead of preempting
                    // this thread packet by packet on a busy core.
                    Waiters.deferWakeUps();
                    try {
                        selector.select(TcpLayer.this::handle, selectTimeoutMillis());
                    } finally {
                        Waiters.wakeDeferred();
                    }
                    resumeReading(this);
                    resumeReadingAfterBacklog(this);
                    if (this == main) {
                        resumeAccepting();
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "graph '" + graphName + "': TCP selector " + index + " failed; closing its"
                        + " connections", e);
            } finally {
                if (this == main) {
                    closeAll();
                } else {
                    closeLoop(this);
                }
            }
        }

        private void runTasks() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }

        private long selectTimeoutMillis() {
            long wait = 1000;
            TcpConnection next = paused.peek();
            if (next != null) {
                wait = TimeUnit.NANOSECONDS.toMillis(next.resumeAt - System.nanoTime());
            }
            if (this == main && anyBacklogged()) {
                wait = Math.min(wait, ACCEPT_RECHECK_MILLIS);
            }
            if (!waitingForStage.isEmpty()) {
                wait = 1;  // a stage drains its queue in microseconds to milliseconds: look again soon
            }
            return Math.max(1, Math.min(1000, wait));  // never 0: that would wait forever
        }
    }

    /**
     * @param ioThreads selector threads sharing the accepted connections (outgoing ones and UDP stay on the first)
     * @param ioPriority their Java priority
     */
    TcpLayer(String graphName, List<Listener> listeners, List<Udp> udps, long clogThreshold, int ioThreads,
             int ioPriority) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("graph '" + graphName + "' needs at least 1 I/O thread, got " + ioThreads);
        }
        this.graphName = graphName;
        this.clogThreshold = clogThreshold;
        this.ioPriority = ioPriority;
        this.loops = new Loop[ioThreads];
        for (int i = 0; i < ioThreads; i++) {
            loops[i] = new Loop(i);
        }
        this.main = loops[0];
        for (Listener l : listeners) {
            Bound b = new Bound(l);
            bound.add(b);
            allCounters.add(b.counters);
        }
        for (Udp u : udps) {
            UdpSocket s = new UdpSocket(this, u);
            udpSockets.add(s);
            allCounters.add(s.counters);
        }
        allCounters.add(outgoing);
    }

    long clogThreshold() {
        return clogThreshold;
    }

    /**
     * Binds every listener and UDP socket on the calling thread, so bind errors reach the caller,
     * then starts the selector thread if there is any.
     */
    void start() throws IOException {
        if (bound.isEmpty() && udpSockets.isEmpty()) {
            return;  // started by the first connect, if any
        }
        Selector s = Selector.open();
        main.selector = s;
        try {
            for (Bound b : bound) {
                Listener l = b.listener;
                ServerSocketChannel server = ServerSocketChannel.open();
                b.server = server;
                server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                if (l.options().receiveBufferBytes() > 0) {
                    // Set on the listening socket, before bind, so accepted ones inherit it from the start.
                    server.setOption(StandardSocketOptions.SO_RCVBUF, l.options().receiveBufferBytes());
                }
                try {
                    server.bind(new InetSocketAddress(l.host(), l.port()), l.options().backlog());
                } catch (IOException e) {
                    throw new IOException("stage '" + l.stage().name() + "' cannot listen on "
                            + l.host() + ":" + l.port() + ": " + e.getMessage(), e);
                }
                server.configureBlocking(false);
                b.key = server.register(s, b.suspended ? 0 : SelectionKey.OP_ACCEPT, b);
            }
            for (UdpSocket u : udpSockets) {
                Udp cfg = u.config;
                DatagramChannel ch = DatagramChannel.open();
                u.channel = ch;
                try {
                    ch.bind(new InetSocketAddress(cfg.host(), cfg.port()));
                } catch (IOException e) {
                    throw new IOException("stage '" + cfg.stage().name() + "' cannot bind UDP on "
                            + cfg.host() + ":" + cfg.port() + ": " + e.getMessage(), e);
                }
                ch.configureBlocking(false);
                u.key = ch.register(s, SelectionKey.OP_READ, u);
            }
            // The other loops only serve accepted connections.
            for (int i = 1; i < loops.length && !bound.isEmpty(); i++) {
                loops[i].selector = Selector.open();
            }
        } catch (IOException | RuntimeException e) {
            for (int i = 1; i < loops.length; i++) {
                if (loops[i].selector != null) {
                    closeQuietly(loops[i].selector);
                }
            }
            closeAll();
            throw e;
        }
        startThreads();
    }

    private synchronized void startThreads() {
        if (main.thread != null) {
            return;
        }
        running = true;
        for (Loop loop : loops) {
            if (loop.selector != null) {
                Thread t = new Thread(loop::run, "seda-" + graphName + "-tcp" + (loop.index == 0 ? "" : "-" + loop.index));
                t.setPriority(ioPriority);
                loop.thread = t;
                t.start();
            }
        }
    }

    /**
     * For the first outgoing connection of a graph without listeners.
     *
     * @return false once stop began: then no thread may start, since stop might not see it
     */
    private synchronized boolean ensureStarted() throws IOException {
        if (closing) {
            return false;
        }
        if (main.selector == null) {
            main.selector = Selector.open();
        }
        startThreads();
        return true;
    }

    private Bound boundOf(String stageName) {
        for (Bound b : bound) {
            if (b.listener.stage().name().equals(stageName)) {
                return b;
            }
        }
        return null;
    }

    UdpSocket udpSocket(String stageName) {
        for (UdpSocket u : udpSockets) {
            if (u.config.stage().name().equals(stageName)) {
                return u;
            }
        }
        return null;
    }

    /** The bound address of the listener feeding that stage, or null. */
    InetSocketAddress listenAddress(String stageName) {
        Bound b = boundOf(stageName);
        ServerSocketChannel server = b == null ? null : b.server;
        if (server == null) {
            return null;
        }
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            return null;  // closed by stop()
        }
    }

    boolean listens(String stageName) {
        return boundOf(stageName) != null;
    }

    TcpMetrics metrics() {
        return Counters.sum(allCounters);
    }

    /** The counters of the listener or UDP socket feeding that stage, or null. */
    TcpMetrics metrics(String stageName) {
        Bound b = boundOf(stageName);
        if (b != null) {
            return Counters.sum(List.of(b.counters));
        }
        UdpSocket u = udpSocket(stageName);
        return u == null ? null : Counters.sum(List.of(u.counters));
    }

    // ---- called from any thread ----

    /**
     * Stops or restarts accepting on the listener feeding that stage, and waits (a few seconds at
     * most) until the selector thread has done so. While suspended, new connections wait in the
     * kernel's backlog (and beyond it are refused or dropped by the kernel).
     *
     * @return false if no listener feeds that stage
     */
    boolean setAccepting(String stageName, boolean accept) {
        Bound b = boundOf(stageName);
        if (b == null) {
            return false;
        }
        b.suspended = !accept;
        Runnable apply = () -> setInterest(b.key, SelectionKey.OP_ACCEPT, !b.suspended);  // the latest call wins
        if (Thread.currentThread() == main.thread) {
            apply.run();  // from a BLOCK offer on the selector thread: waiting for itself would hang
        } else {
            runAndWait(main, apply, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        }
        return true;
    }

    boolean isAccepting(String stageName) {
        Bound b = boundOf(stageName);
        return b != null && !b.suspended;
    }

    /** Starts an outgoing connection; it completes (or fails) on the selector thread. */
    TcpConnection connect(InetSocketAddress remote, Stage<TcpPacket> replies, Stage<TcpEvent> events,
                          Object attachment) {
        SocketChannel ch;
        boolean started;
        try {
            started = ensureStarted();
            ch = SocketChannel.open();
            ch.configureBlocking(false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("graph '" + graphName + "' cannot open a socket: " + e.getMessage(), e);
        }
        TcpConnection c = new TcpConnection(this, nextId.getAndIncrement(), ch, remote, null, replies, events,
                outgoing, true, 0);
        c.attach(attachment);  // before anything can happen to it
        c.loop = main;
        outgoing.open.incrementAndGet();
        connections.put(c.id(), c);
        if (!started || closing) {  // after put, so stopReading sees it or we see closing
            c.close(TcpEvent.STOPPED);
            return c;
        }
        main.execute(() -> startConnect(c));
        return c;
    }

    void requestFlush(TcpConnection c) {
        if (!c.flushRequested.getAndSet(true)) {
            c.loop.execute(() -> {
                c.flushRequested.set(false);  // before flushing, so a later write schedules another
                flush(c);
            });
        }
    }

    void requestFlush(UdpSocket u) {
        if (!u.flushRequested.getAndSet(true)) {
            main.execute(() -> {
                u.flushRequested.set(false);
                flush(u);
            });
        }
    }

    void clogged(TcpConnection c, long waitingBytes) {
        c.counters.clogged.increment();
        LOG.log(Level.INFO, () -> "graph '" + graphName + "': closing " + c + ": " + waitingBytes
                + " bytes still waiting to be written, over the clog threshold of " + clogThreshold);
        c.close(TcpEvent.CLOGGED);
    }

    void sendFailed(UdpSocket u, InetSocketAddress to, IOException e) {
        LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': " + u + " dropped a datagram to " + to + ": " + e);
    }

    void closed(TcpConnection c, String reason) {
        if (connections.remove(c.id()) != null) {
            c.counters.closed.increment();
            c.counters.open.decrementAndGet();
        }
        if (c.outgoing && !c.connected && reason.startsWith(TcpEvent.CONNECT_FAILED)) {
            c.counters.connectFailures.increment();
        }
        Loop loop = c.loop;
        Thread t = loop == null ? null : loop.thread;
        if (c.events != null && (c.openedAdmitted || c.outgoing) && !stagesClosed) {
            // Offered from the connection's loop thread, so it follows every packet of the connection.
            TcpEvent e = new TcpEvent(c, TcpEvent.Kind.CLOSED, reason);
            if (t == null || Thread.currentThread() == t) {
                offerEvent(e);
            } else {
                loop.execute(() -> offerEvent(e));
            }
        }
        // A channel closed off its loop's thread is released at that loop's next select.
        Selector s = loop == null ? null : loop.selector;
        if (s != null && Thread.currentThread() != t) {
            s.wakeup();
        }
    }

    /** Step 1 of stop: close the listeners, give up connecting, and read nothing more. */
    boolean stopReading(long deadlineNanos) {
        synchronized (this) {
            closing = true;
        }
        boolean ok = runAndWait(main, () -> {
            for (Bound b : bound) {
                if (b.server != null) {
                    closeQuietly(b.server);
                }
            }
            for (UdpSocket u : udpSockets) {
                setInterest(u.key, SelectionKey.OP_READ, false);
            }
        }, deadlineNanos);
        for (Loop loop : loops) {
            ok &= runAndWait(loop, () -> {
                loop.reading = false;
                for (TcpConnection c : connections.values()) {
                    if (c.loop != loop) {
                        continue;
                    }
                    if (!c.connected) {
                        c.close(TcpEvent.STOPPED);
                    } else if (c.key != null) {
                        setInterest(c.key, SelectionKey.OP_READ, false);
                    }
                }
            }, deadlineNanos);
        }
        return ok;
    }

    /** Step 3 of stop: flush what is queued, close every connection and socket, end the selector thread. */
    boolean stop(long deadlineNanos) {
        Thread t;
        synchronized (this) {  // with ensureStarted: no thread starts after this
            closing = true;
            stagesClosed = true;
            t = main.thread;
        }
        if (t == null) {
            closeAll();
            return true;
        }
        for (TcpConnection c : connections.values()) {
            c.closeAfterWrites(TcpEvent.STOPPED);
        }
        for (UdpSocket u : udpSockets) {
            requestFlush(u);
        }
        while ((!connections.isEmpty() || udpSockets.stream().anyMatch(UdpSocket::hasPending))
                && System.nanoTime() - deadlineNanos < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        boolean flushed = connections.isEmpty() && udpSockets.stream().noneMatch(UdpSocket::hasPending);
        if (!flushed) {
            LOG.log(Level.WARNING, "graph ''{0}'': closing {1} connections with unflushed writes at the deadline",
                    graphName, connections.size());
        }
        running = false;
        for (Loop loop : loops) {
            Selector s = loop.selector;
            if (s != null) {
                s.wakeup();
            }
        }
        for (Loop loop : loops) {
            Thread lt = loop.thread;
            if (lt == null) {
                continue;
            }
            try {
                lt.join(Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (lt.isAlive()) {
                // Only if a stage offer blocks the selector thread (a BLOCK policy on a network stage).
                lt.interrupt();
            }
        }
        return flushed;
    }

    // ---- loop threads ----

    private boolean anyBacklogged() {
        for (Bound b : bound) {
            if (b.backlogged) {
                return true;
            }
        }
        return false;
    }

    /** Whether accepting should pause: the listening stage has more queued than it is allowed. */
    private static boolean overBacklog(Bound b) {
        int limit = b.listener.options().pauseAcceptingAbove();
        return limit > 0 && b.listener.stage().queueLength() > limit;
    }

    /** Accepts again on listeners whose stage has worked its queue down to half the limit. */
    private void resumeAccepting() {
        for (Bound b : bound) {
            if (b.backlogged && b.listener.stage().queueLength() <= b.listener.options().pauseAcceptingAbove() / 2) {
                b.backlogged = false;
                if (!b.suspended && !closing) {
                    setInterest(b.key, SelectionKey.OP_ACCEPT, true);
                }
            }
        }
    }

    private void handle(SelectionKey key) {
        Object a = key.attachment();
        if (a instanceof Bound b) {
            if (key.isValid() && key.isAcceptable()) {
                accept((ServerSocketChannel) key.channel(), b);
            }
            return;
        }
        if (a instanceof UdpSocket u) {
            try {
                if (key.isReadable()) {
                    receive(u);
                }
                if (key.isValid() && key.isWritable()) {
                    flush(u);
                }
            } catch (CancelledKeyException e) {
                // closed by stop meanwhile
            }
            return;
        }
        TcpConnection c = (TcpConnection) a;
        try {
            if (key.isConnectable()) {
                finishConnect(c);
                return;
            }
            if (key.isReadable()) {
                read(c);
            }
            if (key.isValid() && key.isWritable()) {
                flush(c);
            }
        } catch (CancelledKeyException e) {
            c.close(TcpEvent.RESET);  // closed from another thread meanwhile: the first reason stays
        } catch (RuntimeException e) {
            // A bug or an odd peer: affect only this connection.
            LOG.log(Level.WARNING, "graph '" + graphName + "': closing " + c + " after an unexpected error", e);
            c.close(TcpEvent.ERROR);
        }
    }

    private void accept(ServerSocketChannel server, Bound b) {
        Listener l = b.listener;
        // Checked per connection: a suspend from an OPENED handler takes effect within this batch.
        while (!b.suspended) {
            if (overBacklog(b)) {
                b.backlogged = true;
                b.counters.acceptPauses.increment();
                break;
            }
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
            TcpConnection c;
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
                Loop loop = nextLoop();
                c = new TcpConnection(this, nextId.getAndIncrement(), ch, remote, null, l.stage(),
                        l.options().events(), b.counters, false, l.options().readLimit());
                c.loop = loop;
                c.pauseReadingAbove = l.options().pauseReadingAbove();
                c.readBudget = budgetDepth(c);
                c.budgetRefilled = System.nanoTime();
                if (loop == main) {
                    c.key = ch.register(main.selector, main.reading ? SelectionKey.OP_READ : 0, c);
                }
                b.counters.open.incrementAndGet();
                connections.put(c.id(), c);
                b.counters.accepted.increment();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': dropping a connection during accept: " + e);
                closeQuietly(ch);
                continue;
            }
            if (c.loop == main) {
                opened(c);
            } else {
                TcpConnection accepted = c;
                c.loop.execute(() -> register(accepted));
            }
        }
        // Suspended or backlogged meanwhile: stop asking for accepts until resumed.
        setInterest(b.key, SelectionKey.OP_ACCEPT, false);
    }

    /** The loop the next accepted connection goes to: the next live one in turn, else the main loop. */
    private Loop nextLoop() {
        for (int i = 0; i < loops.length; i++) {
            Loop loop = loops[nextLoop];
            nextLoop = (nextLoop + 1) % loops.length;
            if (!loop.dead) {
                return loop;
            }
        }
        return main;
    }

    /** On the loop it was given to: from now on that loop reads it, after offering OPENED. */
    private void register(TcpConnection c) {
        if (!c.isOpen()) {
            return;  // closed before its loop got to it
        }
        Loop loop = c.loop;
        try {
            c.key = c.channel().register(loop.selector, loop.reading ? SelectionKey.OP_READ : 0, c);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': dropping " + c + " while registering it: " + e);
            c.close(TcpEvent.RESET);
            return;
        }
        opened(c);
        flush(c);  // anything written before it was registered
    }

    /** Offers OPENED; a connection the events stage does not admit is closed before anything is read. */
    private void opened(TcpConnection c) {
        if (c.events == null) {
            return;
        }
        if (c.events.offer(new TcpEvent(c, TcpEvent.Kind.OPENED, null))) {
            c.openedAdmitted = true;
            return;
        }
        if (c.outgoing) {
            c.counters.overloaded.increment();
        } else {
            c.counters.refused.increment();
        }
        LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': closing " + c + ": stage '" + c.events.name()
                + "' rejected its OPENED event (overload)");
        c.close(TcpEvent.OVERLOADED);
    }

    private void offerEvent(TcpEvent e) {
        if (!stagesClosed && !e.connection().events.offer(e)) {
            LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': stage '" + e.connection().events.name()
                    + "' rejected " + e);
        }
    }

    private void startConnect(TcpConnection c) {
        if (!c.isOpen()) {
            return;  // closed before the selector got to it
        }
        SocketChannel ch = c.channel();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.key = ch.register(main.selector, SelectionKey.OP_CONNECT, c);
            if (ch.connect(c.remoteAddress())) {
                finishConnect(c);
            }
        } catch (IOException | RuntimeException e) {
            connectFailed(c, e);
        }
    }

    private void finishConnect(TcpConnection c) {
        try {
            if (!c.channel().finishConnect()) {
                return;  // spurious wakeup: still connecting
            }
        } catch (IOException | RuntimeException e) {
            connectFailed(c, e);
            return;
        }
        c.connected = true;
        c.counters.connects.increment();
        c.key.interestOps(main.reading ? SelectionKey.OP_READ : 0);
        opened(c);
        flush(c);  // what was written while connecting
    }

    private void connectFailed(TcpConnection c, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': cannot connect " + c + ": " + e);
        c.close(TcpEvent.CONNECT_FAILED + why);
    }

    private static double budgetDepth(TcpConnection c) {
        return Math.max(1, c.readLimit / 10.0);
    }

    private void read(TcpConnection c) {
        int max = READ_BUFFER_BYTES;
        long now = 0;
        if (c.readLimit > 0) {
            now = System.nanoTime();
            refill(c, now);
            if (c.readBudget < 1) {
                pauseReading(c, now);
                return;
            }
            max = (int) Math.min(max, c.readBudget);
        }
        ByteBuffer readBuffer = c.loop.readBuffer;
        readBuffer.clear().limit(max);
        int n;
        try {
            n = c.channel().read(readBuffer);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': closing " + c + " after a read error: " + e);
            c.close(TcpEvent.RESET);
            return;
        }
        if (n < 0) {
            // Peer EOF: read no more, send what is already queued, then close.
            c.inputEnded = true;
            setInterest(c.key, SelectionKey.OP_READ, false);
            c.closeAfterWrites(TcpEvent.PEER_CLOSED);
            return;
        }
        if (n == 0) {
            return;
        }
        c.counters.bytesRead.add(n);
        byte[] bytes = new byte[n];
        readBuffer.flip().get(bytes);
        if (!c.readStage.offer(new TcpPacket(c, bytes))) {
            // Dropping bytes mid-stream would corrupt the protocol: shed the whole connection instead.
            c.counters.overloaded.increment();
            LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': closing " + c + ": stage '"
                    + c.readStage.name() + "' rejected its input (overload)");
            c.close(TcpEvent.OVERLOADED);
            return;
        }
        if (c.readLimit > 0) {
            c.readBudget -= n;
            if (c.readBudget < 1) {
                pauseReading(c, now);
            }
        }
        if (c.pauseReadingAbove > 0 && c.readStage.queueLength() > c.pauseReadingAbove) {
            // Admitted, but the stage is falling behind: leave the next bytes in the kernel, whose
            // full buffers stop the sender, rather than let the queue fill and reject (and close).
            setInterest(c.key, SelectionKey.OP_READ, false);
            c.waitingForStage = true;
            c.loop.waitingForStage.add(c);
            c.counters.backlogReadPauses.increment();
        }
    }

    /** Reads again from connections whose stage has worked its queue down to half their threshold. */
    private void resumeReadingAfterBacklog(Loop loop) {
        ArrayDeque<TcpConnection> waitingForStage = loop.waitingForStage;
        for (int i = waitingForStage.size(); i > 0; i--) {
            TcpConnection c = waitingForStage.poll();
            if (c.isOpen() && c.readStage.queueLength() > c.pauseReadingAbove / 2) {
                waitingForStage.add(c);  // still backlogged: look again next time
                continue;
            }
            c.waitingForStage = false;
            if (c.isOpen() && loop.reading && !c.inputEnded && !c.readPaused) {
                setInterest(c.key, SelectionKey.OP_READ, true);
            }
        }
    }

    private static void refill(TcpConnection c, long now) {
        long elapsed = now - c.budgetRefilled;
        if (elapsed > 0) {
            c.readBudget = Math.min(budgetDepth(c), c.readBudget + elapsed * (double) c.readLimit / 1e9);
            c.budgetRefilled = now;
        }
    }

    /** Stops reading until the budget holds a whole read's worth again, so TCP flow control slows the peer. */
    private void pauseReading(TcpConnection c, long now) {
        setInterest(c.key, SelectionKey.OP_READ, false);
        c.readPaused = true;
        // Wait for a tenth of the depth (at least one byte), so reads do not shrink to a byte each.
        double want = Math.max(1, budgetDepth(c) / 10) - c.readBudget;
        c.resumeAt = now + (long) Math.ceil(want * 1e9 / c.readLimit);
        c.loop.paused.add(c);
        c.counters.readPauses.increment();
    }

    private void resumeReading(Loop loop) {
        long now = System.nanoTime();
        TcpConnection c;
        while ((c = loop.paused.peek()) != null && c.resumeAt - now <= 0) {
            loop.paused.poll();
            c.readPaused = false;
            if (c.isOpen() && loop.reading && !c.inputEnded && !c.waitingForStage) {
                setInterest(c.key, SelectionKey.OP_READ, true);
            }
        }
    }

    private void receive(UdpSocket u) {
        if (datagramBuffer == null) {
            datagramBuffer = ByteBuffer.allocateDirect(UdpSocket.MAX_DATAGRAM_BYTES + 1);
        }
        for (int i = 0; i < DATAGRAMS_PER_WAKEUP && main.reading; i++) {
            datagramBuffer.clear();
            SocketAddress from;
            try {
                from = u.channel.receive(datagramBuffer);
            } catch (IOException e) {
                // An ICMP error from an earlier send, for example: nothing to deliver, keep receiving.
                LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': " + u + " receive failed: " + e);
                continue;
            }
            if (from == null) {
                return;
            }
            u.counters.datagramsIn.increment();
            byte[] bytes = new byte[datagramBuffer.flip().remaining()];
            datagramBuffer.get(bytes);
            // A rejected datagram is counted by the stage and lost, as UDP allows.
            u.config.stage().offer(new UdpPacket((InetSocketAddress) from, bytes, u));
        }
    }

    private void flush(TcpConnection c) {
        if (!c.isOpen() || !c.connected) {
            return;  // an outgoing connection flushes once connected
        }
        try {
            TcpConnection.Flushed flushed = c.flush();
            if (flushed == TcpConnection.Flushed.BUSY) {
                return;  // an application thread is writing; it asks again when done
            }
            SelectionKey key = c.key;
            if (key == null) {
                return;  // not registered with its loop yet: registering flushes
            }
            if (flushed == TcpConnection.Flushed.ALL) {
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                if (c.closeRequested()) {
                    c.close(c.closeAfterWritesReason());
                }
            } else {
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
        } catch (IOException | CancelledKeyException e) {
            LOG.log(Level.DEBUG, () -> "graph '" + graphName + "': closing " + c + " after a write error: " + e);
            c.close(TcpEvent.RESET);
        }
    }

    private void flush(UdpSocket u) {
        if (u.key == null || !u.key.isValid()) {
            return;
        }
        setInterest(u.key, SelectionKey.OP_WRITE, !u.flush());
    }

    private static void setInterest(SelectionKey key, int op, boolean on) {
        if (key == null) {
            return;
        }
        try {
            key.interestOps(on ? key.interestOps() | op : key.interestOps() & ~op);
        } catch (CancelledKeyException ignored) {
            // closed meanwhile
        }
    }

    /** Runs the task on the loop's thread and waits for it, until the deadline at most. */
    private boolean runAndWait(Loop loop, Runnable task, long deadlineNanos) {
        Thread t = loop.thread;
        if (t == null || !t.isAlive()) {
            return true;
        }
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
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
            if (b.server != null) {
                closeQuietly(b.server);
            }
        }
        for (UdpSocket u : udpSockets) {
            if (u.channel != null) {
                closeQuietly(u.channel);
            }
        }
        for (TcpConnection c : connections.values()) {
            c.close(TcpEvent.STOPPED);
        }
        Selector s = main.selector;
        if (s != null) {
            closeQuietly(s);
        }
    }

    /** When a loop other than the main one ends: its connections close, and its selector. */
    private void closeLoop(Loop loop) {
        loop.dead = true;  // before closing, so the main loop gives it nothing more (or this sees it)
        for (TcpConnection c : connections.values()) {
            if (c.loop == loop) {
                c.close(TcpEvent.STOPPED);
            }
        }
        closeQuietly(loop.selector);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
