package dev.seda.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A built graph of stages and network sources (TCP listeners, UDP sockets, outgoing connections);
 * owns their lifecycle.
 *
 * <p>{@link #start()} starts the stages in creation order, then opens the listeners and UDP
 * sockets, so no input arrives before its stage runs. {@link #stop(Duration)} closes the sources
 * first (listeners closed, nothing more read or received, connects in progress abandoned), then
 * drains each stage in creation order (the generator creates them in topological order from the
 * sources), then flushes and closes the connections and UDP sockets: a clean shutdown loses no
 * admitted event.
 */
public final class SedaGraph implements AutoCloseable {
    /** Pending write bytes above which a connection counts as clogged and is closed: 1 MiB. */
    public static final long DEFAULT_CLOG_THRESHOLD = 1L << 20;

    private static final Logger LOG = System.getLogger(SedaGraph.class.getName());

    private enum State { NEW, RUNNING, STOPPED }

    private final String name;
    private final List<Stage<?>> stages;
    private final Map<String, Stage<?>> byName;
    private final TcpLayer tcp;  // its thread starts only with a listener, a UDP socket or a connect
    private final SharedPool shared;  // null when no stage runs on it
    private final boolean jmx;
    private ScheduledExecutorService control;  // null when no controller needs a clock
    private Thread controlThread;
    private Telemetry.Registration telemetry;

    private final List<TimerSpec> timerSpecs;
    private final AsyncFiles files;  // null when no stage asked for file requests
    private Timers timers;

    private final Object lifecycle = new Object();
    private volatile State state = State.NEW;  // written under lifecycle; read by connect without it
    private boolean stopResult;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private SedaGraph(String name, List<Stage<?>> stages, List<TcpLayer.Listener> listeners, List<TcpLayer.Udp> udps,
                      long clogThreshold, int ioThreads, int ioPriority, SharedPool shared, boolean jmx,
                      List<TimerSpec> timerSpecs, AsyncFiles files) {
        this.name = name;
        this.timerSpecs = List.copyOf(timerSpecs);
        this.files = files;
        this.shared = shared;
        this.jmx = jmx;
        this.stages = List.copyOf(stages);
        Map<String, Stage<?>> map = new LinkedHashMap<>();
        for (Stage<?> s : stages) {
            map.put(s.name(), s);
        }
        this.byName = map;
        this.tcp = new TcpLayer(name, listeners, udps, clogThreshold, ioThreads, ioPriority);
    }

    public static Builder builder(String graphName) {
        return new Builder(graphName);
    }

    public String name() {
        return name;
    }

    /**
     * Starts every stage's workers in creation order, then binds the TCP listeners and UDP sockets
     * (sources last).
     *
     * @throws IllegalStateException if already started or stopped
     * @throws UncheckedIOException if a listener or UDP socket cannot bind; the graph is then stopped
     */
    public void start() {
        synchronized (lifecycle) {
            if (state != State.NEW) {
                throw new IllegalStateException("graph '" + name + "' was already " + state.name().toLowerCase());
            }
            state = State.RUNNING;
            for (Stage<?> s : stages) {
                s.start();
            }
            if (shared != null) {
                shared.start();
                shared.signal();  // events offered before start are waiting
            }
            startControl();
            telemetry = Telemetry.register(this, jmx);
            if (!timerSpecs.isEmpty()) {
                timers = new Timers(name);
                for (TimerSpec t : timerSpecs) {
                    AtomicLong sequence = new AtomicLong();
                    timers.every(t.period(), t.stage(), () -> new Tick(sequence.incrementAndGet(), System.nanoTime()));
                }
            }
            try {
                tcp.start();
            } catch (IOException e) {
                stop(Duration.ofSeconds(1));
                throw new UncheckedIOException("graph '" + name + "' cannot start: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Stops the graph: 1) closes the listeners, stops reading and receiving, and abandons connects
     * still in progress (their CLOSED event says {@value TcpEvent#STOPPED}); 2) for each stage in creation
     * order, waits until its queue is empty and no handler runs (upstream stages, already drained,
     * no longer emit into it), then closes it and ends its workers; 3) flushes pending writes and
     * closes the connections, sends queued datagrams and closes the UDP sockets. Everything is
     * bounded by the one deadline; past it, workers are
     * interrupted and the stages that still held events are logged.
     *
     * <p>Idempotent and safe from a shutdown hook: later calls wait for the first and return its result.
     *
     * @return whether every admitted event was handled and every write flushed in time
     */
    public boolean stop(Duration drainDeadline) {
        Objects.requireNonNull(drainDeadline, "drainDeadline");
        synchronized (lifecycle) {
            if (state == State.STOPPED) {
                return stopResult;
            }
            long deadline = System.nanoTime() + clampNanos(drainDeadline);
            boolean wasRunning = state == State.RUNNING;
            state = State.STOPPED;
            boolean ok = true;
            if (timers != null) {
                timers.close(); // a source: no tick after stop begins
            }
            if (wasRunning) {
                ok &= tcp.stopReading(deadline);
            }
            List<String> leftovers = new ArrayList<>();
            for (Stage<?> s : stages) {
                if (wasRunning) {
                    if (files != null) {
                        // File requests made upstream complete into this stage or later ones: let them land.
                        ok &= files.awaitIdle(deadline);
                    }
                    ok &= s.drainAndClose(deadline);
                    s.joinWorkers(deadline);
                } else {
                    s.closeUnstarted();
                }
                long left = s.pendingEvents();
                if (left > 0) {
                    ok = false;
                    leftovers.add(s.name() + "=" + left);
                }
            }
            if (shared != null && wasRunning) {
                shared.stop(deadline);
            }
            stopControl();
            if (telemetry != null) {
                telemetry.close();
            }
            if (files != null) {
                ok &= files.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
            ok &= tcp.stop(deadline);
            if (!leftovers.isEmpty()) {
                LOG.log(Level.WARNING, "graph ''{0}'' stopped without handling every admitted event within {1};"
                        + " events left per stage: {2}", name, drainDeadline, String.join(", ", leftovers));
            } else if (!ok) {
                LOG.log(Level.WARNING, "graph ''{0}'' did not stop cleanly within {1}", name, drainDeadline);
            }
            stopResult = ok;
            stopped.countDown();
            return ok;
        }
    }

    /**
     * One daemon thread per graph samples for the controllers that need a clock (thread-pool
     * sizing, the overload controller's window), at a tenth of the shortest period they asked for.
     */
    private void startControl() {
        long period = Long.MAX_VALUE;
        for (Stage<?> s : stages) {
            if (s.needsControl()) {
                period = Math.min(period, s.controlPeriodNanos());
            }
        }
        if (period == Long.MAX_VALUE) {
            return;
        }
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(TimeUnit.MILLISECONDS.toNanos(200), period / 10));
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "seda-" + name + "-control");
            t.setDaemon(true);  // never keeps a JVM alive on its own
            controlThread = t;
            return t;
        });
        ex.prestartCoreThread();
        ex.scheduleWithFixedDelay(() -> {
            for (Stage<?> s : stages) {
                try {
                    s.controlTick();
                } catch (RuntimeException e) {  // one stage's trouble must not stop the others' control
                    LOG.log(Level.WARNING, "graph '" + name + "': controller of stage '" + s.name() + "' failed", e);
                }
            }
        }, tick, tick, TimeUnit.NANOSECONDS);
        control = ex;
    }

    private void stopControl() {
        if (control == null) {
            return;
        }
        control.shutdownNow();
        try {
            // Terminated is not yet ended: join, so that no seda thread outlives stop().
            if (control.awaitTermination(1, TimeUnit.SECONDS) && controlThread != null) {
                controlThread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long clampNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        // Far enough for anyone, and nanoTime() + it cannot overflow.
        return d.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : d.toNanos();
    }

    /** {@code stop(Duration.ofSeconds(10))}. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /** The stages, in creation order. */
    public List<Stage<?>> stages() {
        return stages;
    }

    /** @throws IllegalArgumentException if the graph has no such stage */
    public Stage<?> stage(String stageName) {
        Stage<?> s = byName.get(stageName);
        if (s == null) {
            throw new IllegalArgumentException("graph '" + name + "' has no stage '" + stageName
                    + "'; stages: " + byName.keySet());
        }
        return s;
    }

    /**
     * The address the listener feeding that stage is bound to; with port 0, the port picked.
     *
     * @throws IllegalArgumentException if the stage is unknown or has no listener
     * @throws IllegalStateException if the graph has not been started or has been stopped
     */
    public InetSocketAddress listenAddress(String stageName) {
        stage(stageName);
        InetSocketAddress address = tcp.listenAddress(stageName);
        if (address == null) {
            if (!tcp.listens(stageName)) {
                throw new IllegalArgumentException("stage '" + stageName + "' of graph '" + name + "' has no listener");
            }
            throw new IllegalStateException("graph '" + name + "' is not running, so stage '" + stageName
                    + "' is not listening");
        }
        return address;
    }

    /** Snapshot of the network counters of the whole graph: listeners, outgoing connections, UDP. */
    public TcpMetrics tcpMetrics() {
        return tcp.metrics();
    }

    /**
     * Snapshot of the counters of the listener or UDP socket feeding that stage alone.
     *
     * @throws IllegalArgumentException if the stage is unknown or has neither
     */
    public TcpMetrics tcpMetrics(String stageName) {
        stage(stageName);
        TcpMetrics m = tcp.metrics(stageName);
        if (m == null) {
            throw new IllegalArgumentException("stage '" + stageName + "' of graph '" + name
                    + "' has no listener or UDP socket");
        }
        return m;
    }

    /**
     * Stops accepting connections on the listener feeding that stage, the listen stage's overload
     * lever: new connections wait in the kernel's backlog, unaccepted, until {@link #resumeAccepting}
     * (past the backlog, the kernel refuses or drops them). Open connections are not affected.
     * Returns once the selector thread has stopped accepting (waiting at most a few seconds); may
     * be called before start, and then the listener starts suspended. A connection already
     * accepted in the same batch is still delivered.
     *
     * @throws IllegalArgumentException if the stage is unknown or has no listener
     */
    public void suspendAccepting(String stageName) {
        setAccepting(stageName, false);
    }

    /** Accepts again, starting with the connections waiting in the backlog; see {@link #suspendAccepting}. */
    public void resumeAccepting(String stageName) {
        setAccepting(stageName, true);
    }

    /** @throws IllegalArgumentException if the stage is unknown or has no listener */
    public boolean isAccepting(String stageName) {
        checkListens(stageName);
        return tcp.isAccepting(stageName);
    }

    private void setAccepting(String stageName, boolean accept) {
        checkListens(stageName);
        tcp.setAccepting(stageName, accept);
    }

    private void checkListens(String stageName) {
        stage(stageName);
        if (!tcp.listens(stageName)) {
            throw new IllegalArgumentException("stage '" + stageName + "' of graph '" + name + "' has no listener");
        }
    }

    /** {@code connect(remote, replies, null)}: without connection events. */
    public TcpConnection connect(InetSocketAddress remote, Stage<TcpPacket> replies) {
        return connect(remote, replies, null);
    }

    /**
     * Opens an outgoing TCP connection through the graph's selector thread, without blocking. The
     * connection is returned at once, still connecting: writes are queued and sent once it is
     * connected. When it is, {@code events} gets OPENED and what the peer sends reaches
     * {@code replies} as {@link TcpPacket}s, exactly as for an accepted connection; if it cannot be
     * made, {@code events} gets CLOSED with a reason starting {@value TcpEvent#CONNECT_FAILED}
     * (connection refused, no route, ...). There is no connect timeout of our own: an unanswered
     * connect fails when the OS gives up.
     *
     * @param events stage for OPENED and CLOSED, or {@code null}
     * @throws IllegalStateException unless the graph is running
     * @throws IllegalArgumentException if a stage is not one of this graph's
     * @throws UncheckedIOException if no socket can be opened (out of file descriptors, say)
     */
    public TcpConnection connect(InetSocketAddress remote, Stage<TcpPacket> replies, Stage<TcpEvent> events) {
        return connect(remote, replies, events, null);
    }

    /**
     * As {@link #connect(InetSocketAddress, Stage, Stage)}, with the connection's
     * {@link TcpConnection#attachment()} set before connecting starts: its events and replies, even a
     * connect that fails at once, always find it.
     */
    public TcpConnection connect(InetSocketAddress remote, Stage<TcpPacket> replies, Stage<TcpEvent> events,
                                 Object attachment) {
        Objects.requireNonNull(remote, "remote");
        checkMine(replies);
        if (events != null) {
            checkMine(events);
        }
        if (remote.isUnresolved()) {
            throw new IllegalArgumentException("cannot connect to unresolved " + remote
                    + ": resolve it first (name lookups block)");
        }
        if (state != State.RUNNING) {
            throw new IllegalStateException("graph '" + name + "' is " + state.name().toLowerCase()
                    + ": connect only while it runs");
        }
        return tcp.connect(remote, replies, events, attachment);
    }

    private void checkMine(Stage<?> s) {
        Objects.requireNonNull(s, "stage");
        if (byName.get(s.name()) != s) {
            throw new IllegalArgumentException(s + " is not a stage of graph '" + name + "'");
        }
    }

    /**
     * The UDP socket feeding that stage, to send datagrams that answer none (to reply to one, use
     * {@link UdpPacket#socket()}). Its {@link UdpSocket#localAddress()} is null until start.
     *
     * @throws IllegalArgumentException if the stage is unknown or has no UDP socket
     */
    public UdpSocket udpSocket(String stageName) {
        stage(stageName);
        UdpSocket u = tcp.udpSocket(stageName);
        if (u == null) {
            throw new IllegalArgumentException("stage '" + stageName + "' of graph '" + name + "' has no UDP socket");
        }
        return u;
    }

    /**
     * For generated mains: starts, prints one line per listener to {@code System.out}, installs a
     * shutdown hook that calls {@link #stop(Duration)}, and blocks until the graph is stopped.
     *
     * @throws InterruptedException if interrupted while waiting; the graph is stopped first
     */
    public void runUntilShutdown(Duration drainDeadline) throws InterruptedException {
        start();
        boolean any = false;
        for (Stage<?> s : stages) {
            InetSocketAddress a = tcp.listenAddress(s.name());
            if (a != null) {
                System.out.println("seda graph " + name + " started; " + s.name() + " listening on "
                        + a.getAddress().getHostAddress() + ":" + a.getPort());
                any = true;
            }
        }
        if (!any) {
            System.out.println("seda graph " + name + " started");
        }
        Thread hook = new Thread(() -> {
            boolean drained = stop(drainDeadline);
            System.out.println("seda graph " + name + (drained ? " stopped; every admitted event was handled"
                    : " stopped at its " + drainDeadline.toSeconds() + " s deadline; see the warnings above"));
        }, "seda-" + name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            stop(drainDeadline);
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running or has run: nothing to remove
            }
        }
    }

    @Override
    public String toString() {
        return "SedaGraph[" + name + " " + byName.keySet() + "]";
    }

    /** A periodic timer source feeding a stage. */
    private record TimerSpec(Stage<Tick> stage, Duration period) {}

    /** Builds a graph: stages in topological order from the sources, one handler each, listeners. */
    public static final class Builder {
        private final String graphName;
        private final List<Stage<?>> stages = new ArrayList<>();
        private final List<TcpLayer.Listener> listeners = new ArrayList<>();
        private final List<TcpLayer.Udp> udps = new ArrayList<>();
        private long clogThreshold = DEFAULT_CLOG_THRESHOLD;
        private int sharedPoolThreads;  // 0: stages run their own threads unless they ask otherwise
        private int ioThreads = 1;
        private int ioPriority = Thread.NORM_PRIORITY;
        private boolean jmx = true;
        private boolean built;
        private Config overrides = Config.empty();
        private final List<TimerSpec> timerSpecs = new ArrayList<>();
        private final List<TcpConnector> connectors = new ArrayList<>();
        private AsyncFiles files;

        private Builder(String graphName) {
            if (graphName == null || graphName.isBlank()) {
                throw new IllegalArgumentException("graph name must not be blank, got '" + graphName + "'");
            }
            this.graphName = graphName;
        }

        /**
         * Applies start-up overrides from the command line to the stages created after this call:
         * {@code --<stage>.threads}, {@code .grow-above}, {@code .sample-ms}, {@code .idle-ms},
         * {@code .batch}, {@code .queue}, {@code .when-full}, {@code .block-ms},
         * {@code .response-target-ms}, {@code .max-rate}, {@code .reject-above}, {@code .max-age-ms},
         * {@code .pool} (see {@code StageOverrides}); {@code --shared-threads} for the graph's shared
         * pool, and {@code --io-threads} and {@code --io-priority} for its selector threads.
         *
         * @throws IllegalArgumentException for a malformed value, naming the option
         */
        public Builder overrides(Config config) {
            checkNotBuilt();
            this.overrides = Objects.requireNonNull(config, "config");
            if (config.get("shared-threads").isPresent()) {
                sharedPool(config.integer("shared-threads", 0));
            }
            if (config.get("io-threads").isPresent()) {
                ioThreads(config.integer("io-threads", 1));
            }
            if (config.get("io-priority").isPresent()) {
                ioPriority(config.integer("io-priority", Thread.NORM_PRIORITY));
            }
            return this;
        }

        /**
         * A connector for outgoing connections whose packets go to {@code replies} and whose
         * OPENED/CLOSED events go to {@code events} ({@code null} for none). It works once the
         * graph runs.
         */
        public TcpConnector connector(Stage<TcpPacket> replies, Stage<TcpEvent> events) {
            checkOwn(replies);
            if (events != null) {
                checkOwn(events);
            }
            TcpConnector connector = new TcpConnector(replies, events);
            connectors.add(connector);
            return connector;
        }

        /** Feeds {@code stage} a {@link Tick} every {@code period} while the graph runs: a timer source. */
        public Builder every(Stage<Tick> stage, Duration period) {
            checkOwn(stage);
            if (period == null || period.isZero() || period.isNegative()) {
                throw new IllegalArgumentException("stage '" + stage.name() + "': timer period must be positive, got "
                        + period);
            }
            timerSpecs.add(new TimerSpec(stage, period));
            return this;
        }

        /**
         * The graph's asynchronous file stage, created on first use: {@code --file-threads} threads
         * (default 4) perform the blocking calls, at most {@code --file-queue} requests (default 1024)
         * wait. It drains and closes with the graph.
         */
        public AsyncFiles files() {
            checkNotBuilt();
            if (files == null) {
                files = new AsyncFiles(graphName, overrides.integer("file-threads", 4),
                        overrides.integer("file-queue", 1024));
            }
            return files;
        }

        /** @throws IllegalArgumentException if the graph already has a stage of that name */
        public <E> Stage<E> stage(StageSettings settings) {
            checkNotBuilt();
            Objects.requireNonNull(settings, "settings");
            settings = StageOverrides.apply(settings, overrides);
            for (Stage<?> s : stages) {
                if (s.name().equals(settings.name())) {
                    throw new IllegalArgumentException("graph '" + graphName + "' already has a stage '"
                            + settings.name() + "'");
                }
            }
            Stage<E> stage = new Stage<>(graphName, settings);
            stages.add(stage);
            return stage;
        }

        /** @throws IllegalArgumentException if the stage batches (maxBatch > 1): use batchHandler */
        public <E> Builder handler(Stage<E> stage, EventHandler<E> handler) {
            checkOwn(stage);
            if (stage.settings().maxBatch() > 1) {
                throw new IllegalArgumentException("stage '" + stage.name() + "' takes batches of up to "
                        + stage.settings().maxBatch() + " events: give it a batchHandler");
            }
            stage.setHandler(handler);
            return this;
        }

        /**
         * Each call gets the events queued at that moment, at least 1 and at most the current batch
         * target. The target is maxBatch until the batching controller moves it between minBatch and
         * maxBatch; a worker never waits for minBatch events to arrive.
         */
        public <E> Builder batchHandler(Stage<E> stage, BatchHandler<E> handler) {
            checkOwn(stage);
            stage.setBatchHandler(handler);
            return this;
        }

        /**
         * A TCP listen/read source feeding {@code stage}; port 0 picks a free port. Every read is
         * offered from the graph's one selector thread: if the stage rejects it, that connection is
         * closed. Prefer REJECT for a listening stage, since a BLOCK wait stalls all of the graph's
         * TCP I/O for up to the block timeout. A connection's packets are offered in read order;
         * with more than one thread, the stage may handle two of them at once.
         */
        public Builder listen(Stage<TcpPacket> stage, String host, int port) {
            return listen(stage, host, port, ListenOptions.defaults());
        }

        /**
         * A listener whose connections' OPENED and CLOSED events go to {@code events}; see
         * {@link TcpEvent} for their order. If {@code events} rejects an OPENED, that connection is
         * closed before anything is read from it (counted as refused).
         */
        public Builder listen(Stage<TcpPacket> stage, String host, int port, Stage<TcpEvent> events) {
            Objects.requireNonNull(events, "events");
            return listen(stage, host, port, ListenOptions.defaults().events(events));
        }

        /** A listener with events, a read-rate limit or a backlog: see {@link ListenOptions}. */
        public Builder listen(Stage<TcpPacket> stage, String host, int port, ListenOptions options) {
            checkOwn(stage);
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(options, "options");
            if (options.events() != null) {
                checkOwn(options.events());
            }
            checkPort(stage, port);
            for (TcpLayer.Listener l : listeners) {
                if (l.stage() == stage) {
                    throw new IllegalArgumentException("stage '" + stage.name() + "' already has a listener");
                }
            }
            listeners.add(new TcpLayer.Listener(stage, host, port, options));
            return this;
        }

        /**
         * A UDP socket bound to host and port (0 picks a free port) whose datagrams are offered to
         * {@code stage} from the graph's selector thread; one the stage rejects is lost (and
         * counted), as UDP allows. Answer with {@link UdpPacket#socket()}.
         */
        public Builder udp(Stage<UdpPacket> stage, String host, int port) {
            checkOwn(stage);
            Objects.requireNonNull(host, "host");
            checkPort(stage, port);
            for (TcpLayer.Udp u : udps) {
                if (u.stage() == stage) {
                    throw new IllegalArgumentException("stage '" + stage.name() + "' already has a UDP socket");
                }
            }
            udps.add(new TcpLayer.Udp(stage, host, port));
            return this;
        }

        private static void checkPort(Stage<?> stage, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("stage '" + stage.name() + "': port must be 0..65535, got " + port);
            }
        }

        /**
         * Selector threads for the graph's network I/O; default 1. Accepted connections are dealt out
         * among them in turn, each read and written by its own thread only (so its bytes and events
         * stay in order); outgoing connections and UDP sockets stay on the first. More than one pays
         * where one thread's reads are the bottleneck: many connections streaming bulk data on a
         * machine with cores to spare.
         */
        public Builder ioThreads(int threads) {
            checkNotBuilt();
            if (threads < 1) {
                throw new IllegalArgumentException("graph '" + graphName + "': needs at least 1 I/O thread, got "
                        + threads);
            }
            ioThreads = threads;
            return this;
        }

        /**
         * The Java priority of the selector threads, {@link Thread#MIN_PRIORITY} to
         * {@link Thread#MAX_PRIORITY}; default {@link Thread#NORM_PRIORITY}. Below normal, a selector
         * woken by arriving bytes no longer preempts a worker that shares its core, so a saturated
         * core handles each batch of requests to the end instead of switching threads per packet.
         * On Linux the JVM applies Java priorities only with {@code -XX:ThreadPriorityPolicy=1}
         * (lowering needs no privileges): {@code MIN_PRIORITY} is nice 4.
         */
        public Builder ioPriority(int priority) {
            checkNotBuilt();
            if (priority < Thread.MIN_PRIORITY || priority > Thread.MAX_PRIORITY) {
                throw new IllegalArgumentException("graph '" + graphName + "': I/O thread priority must be "
                        + Thread.MIN_PRIORITY + ".." + Thread.MAX_PRIORITY + ", got " + priority);
            }
            ioPriority = priority;
            return this;
        }

        /** Pending write bytes above which a connection is closed as clogged; default 1 MiB. */
        public Builder clogThreshold(long bytes) {
            checkNotBuilt();
            if (bytes < 1) {
                throw new IllegalArgumentException("clog threshold must be at least 1 byte, got " + bytes);
            }
            clogThreshold = bytes;
            return this;
        }

        /**
         * Runs every stage whose settings say {@link Execution#DEFAULT} (and every
         * {@link Execution#SHARED} one) on one pool of {@code threads} shared workers.
         */
        public Builder sharedPool(int threads) {
            checkNotBuilt();
            if (threads < 1) {
                throw new IllegalArgumentException("graph '" + graphName + "': shared pool needs at least 1 thread, got "
                        + threads);
            }
            sharedPoolThreads = threads;
            return this;
        }

        /**
         * Whether to register a JMX MBean per stage while the graph runs; default {@code true}.
         * The names are {@code dev.seda:type=Stage,graph=<graph>,name=<stage>}.
         */
        public Builder jmx(boolean register) {
            checkNotBuilt();
            jmx = register;
            return this;
        }

        /** @throws IllegalStateException if a stage has no handler */
        public SedaGraph build() {
            checkNotBuilt();
            for (Stage<?> s : stages) {
                if (!s.hasHandler()) {
                    throw new IllegalStateException("stage '" + s.name() + "' of graph '" + graphName
                            + "' has no handler: call handler() or batchHandler() for it");
                }
            }
            built = true;
            SharedPool pool = new SharedPool(graphName, sharedPoolThreads > 0 ? sharedPoolThreads
                    : Math.max(2, Runtime.getRuntime().availableProcessors()));
            for (Stage<?> s : stages) {
                Execution e = s.settings().execution();
                if (e == Execution.SHARED || (e == Execution.DEFAULT && sharedPoolThreads > 0)) {
                    pool.add(s);
                }
            }
            SedaGraph graph = new SedaGraph(graphName, stages, listeners, udps, clogThreshold, ioThreads, ioPriority,
                    pool.isEmpty() ? null : pool, jmx, timerSpecs, files);
            connectors.forEach(c -> c.attach(graph));
            return graph;
        }

        private void checkOwn(Stage<?> stage) {
            checkNotBuilt();
            Objects.requireNonNull(stage, "stage");
            if (!stages.contains(stage)) {
                throw new IllegalArgumentException(stage + " was not created by this builder");
            }
        }

        private void checkNotBuilt() {
            if (built) {
                throw new IllegalStateException("graph '" + graphName + "' is already built");
            }
        }
    }
}
