package dev.seda.runtime;

import dev.seda.runtime.internal.BoundedMpmcQueue;
import dev.seda.runtime.internal.PaddedCounter;
import dev.seda.runtime.internal.Waiters;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A stage: a bounded queue, admission policies, an optional response-time overload controller, and
 * the threads running the handler (its own pool, sized by the thread-pool controller, or the graph's
 * shared pool). Created by {@link SedaGraph.Builder#stage}; started and stopped by its {@link SedaGraph}.
 *
 * <p>Events offered before the graph starts wait in the queue. Once the graph's stop reaches this
 * stage and closes it, every offer is rejected (and counted).
 *
 * <p>Accounting: every offer is an arrival, and ends up admitted or rejected (by a {@link RejectReason}
 * decided at offer time). Every admitted event is, once the stage drained, handled, failed or dropped
 * (expired, or evicted by {@link WhenFull#DROP_OLDEST}).
 *
 * <p>Latencies (queueing delay, service and response time) are measured for every event, except
 * while the stage is busy (its last {@value #RATE_WINDOW} events were handled in under 100 ms, over
 * about 10k events/s): then for one event in 8 at that rate, and one in twice as many each time the
 * rate doubles (up to one in {@value #MAX_SAMPLE_STRIDE}), spread as if at random (a hash of the
 * event's place in the queue). So 1.3k to 2.6k events a second are timed from 10k up to 1.3M
 * events/s, and the reservoirs' last 1024 samples span about half a second, instead of a fraction of
 * a millisecond on a fast stage. Reading the clock costs as much as the handoff itself: a ring of a
 * hundred stages at 80k events/s each, every event timed, made 8.4 M hops/s on 2 cores, and 14.8 M
 * sampled (BENCHMARKS.md, run 7). Stages with a queue-age deadline, a token bucket or the overload
 * controller time every event.
 */
public final class Stage<E> implements Sink<E> {
    private static final Logger LOG = System.getLogger(Stage.class.getName());
    private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long RECENT_REJECTION_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int DECISIONS_KEPT = 32;
    private static final RejectReason[] REASONS = RejectReason.values();
    // An idle worker without a thread-pool controller wakes this often; shutdown signals it anyway.
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    // Latency sampling on a busy stage: every RATE_WINDOW events handled, a worker reads the clock
    // once; if the window took less than BUSY_WINDOW_NANOS (over about 10k events/s) sampling is on
    // for the next window, else off. While it is on, one event in sampleStride(window) (see sampled)
    // is timed; the others carry no timestamp and no wrapper.
    static final int RATE_WINDOW = 1024;
    static final long BUSY_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final int MIN_SAMPLE_STRIDE = 8;
    static final int MAX_SAMPLE_STRIDE = RATE_WINDOW;  // at least one timed event per window
    // A worker that caught up with its producers (its last take got fewer events than it asked
    // for) while they are still at work (more arrived meanwhile) yields this often before it looks
    // again. Taking each event the moment it is published makes the two threads trade the slot's
    // cache lines for every event, and the handoff runs at half its speed or less; after a slip the
    // worker takes the next events a run at a time. Yield rather than spin, so that a producer
    // sharing the core runs meanwhile. About 1.2 us on an idle core, about what a producer takes to
    // publish a run of RUN events (BENCHMARKS.md, run 7).
    static final int SLIP_YIELDS = 4;
    // A single-threaded stage's worker (own thread or shared, EventHandler, not DROP_OLDEST) claims up
    // to this many events with one CAS and handles them one by one; each stays counted in the queue's
    // length and against its capacity until its handler call starts, exactly like an event still queued.
    static final int RUN = 32;

    private final String graphName;
    private final LongSupplier clock = System::nanoTime;
    // The hot path: a lock-free array queue; waiting is in the two Waiters (see their javadoc for the
    // protocol: change the queue, then signal; a waiter registers before its last check).
    // Holds an Envelope for a timed event (request classes above 0 imply timeEvery), else the bare event.
    private final BoundedMpmcQueue<Object> queue;
    private final Waiters notEmpty = new Waiters();  // own threads' idle workers
    private final Waiters notFull = new Waiters();   // producers waiting under WhenFull.BLOCK
    private final BooleanSupplier workOrShutdown = this::workOrShutdown;
    private final BooleanSupplier hasRoom = this::hasRoom;
    private volatile StageSettings settings;  // the current settings: run-time changes replace it

    private EventHandler<E> handler;
    private BatchHandler<E> batchHandler;

    // Compiled admission policies, each with its own state.
    private final Gate[] gates;
    private final Bucket rateLimit;        // the first token-bucket policy, reconfigurable; or null
    // The first queue-length threshold policy's length, reconfigurable; 0 without one.
    private volatile int rejectAbove;
    private volatile long maxQueueAgeNanos;  // the tightest queue-age deadline, reconfigurable; 0 for none
    private final ResponseTimeController overload;  // or null
    private final BatchController batching;         // or null: the target stays maxBatch
    private volatile ThreadPoolController poolControl;  // own threads with the controller on; else null

    private volatile int minThreads;
    private volatile int maxThreads;

    // Per event, producers write only the queue's index, and a worker one counter (handled) per run
    // of events, each on a cache line of its own; the rest are derived or count rarer outcomes:
    //   admitted = queue.added(), arrivals = admitted + rejected,
    //   pending (queued or running) = admitted - handled - failed - dropped.
    private final PaddedCounter handled = new PaddedCounter();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder[] byReason = new LongAdder[REASONS.length];
    private volatile long lastRejection = System.nanoTime() - 2 * RECENT_REJECTION_NANOS;

    private final Reservoir queueingDelay = new Reservoir();
    private final Reservoir serviceTime = new Reservoir();
    private final Reservoir responseTime = new Reservoir();
    private final ArrayDeque<ControllerDecision> decisions = new ArrayDeque<>();  // guarded by itself
    private final LongAdder decisionCount = new LongAdder();

    private volatile boolean closed;
    private volatile boolean shutdown;

    // Own threads: every worker started and not yet joined (ended ones are pruned on the next start).
    private final Object poolLock = new Object();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger liveWorkers = new AtomicInteger();
    private int workerSeq;  // guarded by poolLock
    // Shared pool: set when the graph runs this stage there; running counts its events in flight.
    private SharedPool shared;
    private final AtomicInteger running = new AtomicInteger();

    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - 2 * FAILURE_LOG_INTERVAL_NANOS);
    private final AtomicLong unloggedFailures = new AtomicLong();

    private record Envelope<E>(E event, long enqueued, int requestClass) {}

    // Whether every event must carry its enqueue time: a queue-age deadline, the overload
    // controller and token buckets need it for each event, not a sample.
    private final boolean timeEvery;
    private final WhenFull whenFull;  // fixed for the stage's life: read on the offer path, not from settings
    // One less than the sampling stride while the stage is busy (see RATE_WINDOW), 0 while every
    // event is timed; written only when it changes.
    private volatile int sampleMask;
    private volatile long windowStart;  // when the current RATE_WINDOW of handled events began

    /** One compiled admission check: null to admit, else the reason. */
    private interface Gate {
        RejectReason check(Object event, long now);
    }

    Stage(String graphName, StageSettings settings) {
        this.graphName = graphName;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.queue = new BoundedMpmcQueue<>(settings.queueCapacity());
        this.windowStart = clock.getAsLong();
        this.minThreads = settings.minThreads();
        this.maxThreads = settings.maxThreads();
        for (int i = 0; i < byReason.length; i++) {
            byReason[i] = new LongAdder();
        }
        long now = clock.getAsLong();
        List<Gate> compiled = new ArrayList<>();
        Bucket firstBucket = null;
        long age = 0;
        for (AdmissionPolicy p : settings.admission()) {
            if (p instanceof AdmissionPolicy.QueueThreshold t) {
                StageSettings.checkRejectAbove(name(), t.length(), settings.queueCapacity());
                if (rejectAbove == 0) {  // the first one can be changed at run time
                    rejectAbove = t.length();
                    compiled.add((e, n) -> queue.size() >= rejectAbove ? RejectReason.THRESHOLD : null);
                } else {
                    int length = t.length();
                    compiled.add((e, n) -> queue.size() >= length ? RejectReason.THRESHOLD : null);
                }
            } else if (p instanceof AdmissionPolicy.TokenBucket t) {
                Bucket b = new Bucket(t.eventsPerSecond(), t.burst(), now);
                firstBucket = firstBucket == null ? b : firstBucket;
                compiled.add((e, n) -> b.tryAcquire(n) ? null : RejectReason.RATE);
            } else if (p instanceof AdmissionPolicy.Test t) {
                compiled.add((e, n) -> t.test().test(e) ? null : RejectReason.PREDICATE);
            } else if (p instanceof AdmissionPolicy.QueueAge a) {
                long d = a.deadline().toNanos();
                age = age == 0 ? d : Math.min(age, d);
            }
        }
        this.gates = compiled.toArray(new Gate[0]);
        this.rateLimit = firstBucket;
        this.maxQueueAgeNanos = age;
        this.overload = settings.overload() == null ? null : new ResponseTimeController(settings.overload(), clock);
        this.batching = settings.batchControl().enabled() && settings.minBatch() < settings.maxBatch()
                ? new BatchController(settings.minBatch(), settings.maxBatch(), settings.batchControl(), clock) : null;
        this.poolControl = settings.threadControl().enabled()
                ? new ThreadPoolController(settings.threadControl(), clock) : null;
        this.timeEvery = maxQueueAgeNanos > 0 || overload != null || firstBucket != null;
        this.whenFull = settings.whenFull();
    }

    public String name() {
        return settings.name();
    }

    /** The current settings, including run-time changes (threads, thresholds, targets, rate). */
    public StageSettings settings() {
        return settings;
    }

    /**
     * Offers an event, as request class 0, or the one the overload controller's classifier gives, or
     * (with several classes and no classifier) the one a {@link Classified} event names.
     * It goes through the admission policies in order, then the overload controller, then the
     * queue: when full, {@link WhenFull#REJECT} returns {@code false} at once; {@link WhenFull#BLOCK}
     * waits up to the block timeout, then returns {@code false}; {@link WhenFull#DROP_OLDEST} evicts
     * the oldest event (counted as dropped) and returns {@code true}. A closed stage returns
     * {@code false}. Every {@code false} is counted as rejected, with its reason.
     */
    @Override
    public boolean offer(E event) {
        Objects.requireNonNull(event, "event");
        return admit(event, overload == null ? 0 : requestClassOf(event));
    }

    /** The request class of an event offered without one: the classifier's, or a Classified's own. */
    private int requestClassOf(E event) {
        OverloadControl oc = settings.overload();
        if (oc.classifier() != null) {
            return checkClass(oc.classifier().applyAsInt(event));
        }
        return overload.classes() > 1 && event instanceof Classified c ? checkClass(c.requestClass()) : 0;
    }

    /**
     * Offers an event of the given request class (0 = least important) to the overload controller.
     *
     * @throws IllegalArgumentException if the class is not one of the controller's (only class 0
     *     exists without a controller)
     */
    public boolean offer(E event, int requestClass) {
        Objects.requireNonNull(event, "event");
        return admit(event, checkClass(requestClass));
    }

    private int checkClass(int cls) {
        int classes = overload == null ? 1 : overload.classes();
        if (cls < 0 || cls >= classes) {
            throw new IllegalArgumentException("stage '" + name() + "' has request classes 0.." + (classes - 1)
                    + ", got " + cls);
        }
        return cls;
    }

    private boolean admit(E event, int cls) {
        if (closed) {
            return reject(RejectReason.CLOSED);
        }
        boolean timed = timesNextEvent();
        long now = timed ? clock.getAsLong() : 0;  // gates use it only for token buckets: timeEvery
        for (Gate g : gates) {
            RejectReason no = g.check(event, now);
            if (no != null) {
                return reject(no);
            }
        }
        if (overload != null && !overload.tryAdmit(cls, queue.size(), threads(), event)) {
            return reject(RejectReason.OVERLOAD);
        }
        return enqueue(timed ? new Envelope<>(event, now, cls) : event, false);
    }

    /**
     * Puts an event that passed admission in the queue, which counts it as added (admitted) before a
     * worker can take it; a full queue is the stage's WhenFull's to handle, or (admitted work, see
     * {@link #offerAdmittedWork}) waited on. Counts a refusal, and wakes a worker on success.
     */
    private boolean enqueue(Object item, boolean admittedWork) {
        boolean ok;
        try {
            ok = queue.offer(item) || (admittedWork && whenFull != WhenFull.DROP_OLDEST
                    ? waitForRoom(item, Long.MAX_VALUE / 4) : enqueueWhenFull(item));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        if (!ok) {
            // Closing closes the queue too (see drainAndClose): an offer racing it ends up here.
            return reject(queue.isClosed() ? RejectReason.CLOSED : RejectReason.FULL);
        }
        SharedPool pool = shared;
        if (pool != null) {
            pool.signal();
        } else {
            notEmpty.signal();  // one volatile read while every worker is busy
        }
        return true;
    }

    /**
     * Whether the event about to be enqueued carries its enqueue time. nanoTime costs 30-45 ns here,
     * as much as the whole handoff: on a busy stage only a sample of events is timed (every event
     * otherwise, so light traffic is measured in full).
     */
    private boolean timesNextEvent() {
        int mask = sampleMask;
        return timeEvery || mask == 0 || sampled(queue.added(), mask);
    }

    /**
     * Whether the event offered at {@code position} in the queue is timed, one position in
     * {@code mask + 1}: a multiplicative (Fibonacci) hash spreads the timed positions like a random
     * pick would, so no period in the traffic lines up with them. A random draw per offer cost two
     * producers 12% of their rate, this 6% (BENCHMARKS.md, handoff run 10); a flag the worker sets
     * once per stride cost nothing but timed the first event after each lull (reverted).
     */
    static boolean sampled(long position, int mask) {
        return ((int) ((position * 0x9E3779B97F4A7C15L) >>> 32) & mask) == 0;
    }

    private boolean reject(RejectReason why) {
        rejected.increment();
        byReason[why.ordinal()].increment();
        lastRejection = clock.getAsLong();
        return false;
    }

    /**
     * Enqueues what continues work the graph has already admitted: the completion of a file request
     * ({@link AsyncFiles} delivers through this when the completions go to a stage). It skips the
     * admission policies and the overload controller, which judged the request when it was made:
     * refusing its completion would leave that request unanswered for good. A full queue is waited
     * on, whatever the stage's {@link WhenFull}, until there is room, the stage closes or the thread
     * is interrupted (DROP_OLDEST evicts as usual); so a slow stage holds back the file threads, which
     * holds back new file requests (their own admission limit), instead of losing finished work.
     *
     * @return false only if the stage is closed or the wait was interrupted (counted as rejected)
     */
    boolean offerAdmittedWork(E event) {
        Objects.requireNonNull(event, "event");
        if (closed) {
            return reject(RejectReason.CLOSED);
        }
        int cls = overload == null ? 0 : requestClassOf(event);
        return enqueue(timesNextEvent() ? new Envelope<>(event, clock.getAsLong(), cls) : event, true);
    }

    /** A full queue: wait for room, as a pool worker by helping (see offerHelping), at most timeoutNanos. */
    private boolean waitForRoom(Object envelope, long timeoutNanos) throws InterruptedException {
        SharedPool pool = shared;
        if (pool != null && pool.isWorker()) {
            return offerHelping(envelope, timeoutNanos);
        }
        return offerWaiting(envelope, timeoutNanos);
    }

    /** The queue refused {@code envelope}: full (or closed). What happens next is the stage's WhenFull. */
    private boolean enqueueWhenFull(Object envelope) throws InterruptedException {
        switch (whenFull) {
            case REJECT:
                return false;
            case BLOCK:
                return waitForRoom(envelope, settings.blockTimeout().toNanos());
            case DROP_OLDEST:
                do {
                    if (queue.isClosed()) {
                        return false;
                    }
                    if (queue.poll() != null) {
                        discard(RejectReason.DROPPED_OLDEST);
                    }
                } while (!queue.offer(envelope));
                return true;
            default:
                throw new AssertionError(whenFull);
        }
    }

    // Waiters' ready checks: volatile reads of the queue's indices (and of shutdown).
    private boolean workOrShutdown() {
        return shutdown || !queue.isEmpty();
    }

    private boolean hasRoom() {
        return !queue.isFull() || queue.isClosed();
    }

    /** BLOCK, queue full: park on notFull (whoever takes events signals it) until room or the timeout. */
    private boolean offerWaiting(Object envelope, long timeoutNanos) throws InterruptedException {
        Waiters.wakeDeferred();  // the consumer we would wait for may be one of them
        long deadline = clock.getAsLong() + timeoutNanos;
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long left = deadline - clock.getAsLong();
            if (left <= 0) {
                return false;
            }
            notFull.await(hasRoom, Waiters.SPINS, Waiters.BLOCK_YIELDS, left);
            // Another producer may have taken the room we were woken for: then wait again.
            if (queue.offer(envelope)) {
                return true;
            }
            if (queue.isClosed()) {
                return false;
            }
        }
    }

    /**
     * BLOCK from a worker of the pool this stage runs on: instead of sleeping while the queue is
     * full, the worker runs this stage's events itself. Sleeping could deadlock the pool: with
     * every worker blocked upstream, no worker would be left to make room here.
     */
    private boolean offerHelping(Object envelope, long timeoutNanos) throws InterruptedException {
        long deadline = clock.getAsLong() + timeoutNanos;
        while (!queue.offer(envelope)) {
            if (clock.getAsLong() - deadline >= 0 || queue.isClosed()) {
                return false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (runShared(null) == 0) {
                LockSupport.parkNanos(100_000);  // at its cap: another worker is draining it
            }
        }
        return true;
    }

    private void discard(RejectReason why) {
        byReason[why.ordinal()].increment();
        dropped.increment();  // counted last: this is when the event stops being pending
    }

    /** Events timed so far (see {@link #sampleStride}): for tests. */
    long timedEvents() {
        return serviceTime.recorded();
    }

    public int queueLength() {
        return queue.size();
    }

    /**
     * Whether the stage is shedding load, so that a handler can degrade its service (a smaller
     * page, a cached answer) instead of failing: the overload controller's last measurement was
     * over a class's target, or the stage rejected an event in the last second.
     */
    public boolean overloaded() {
        return (overload != null && overload.overloaded())
                || clock.getAsLong() - lastRejection < RECENT_REJECTION_NANOS;
    }

    public StageMetrics metrics() {
        Map<RejectReason, Long> reasons = new EnumMap<>(RejectReason.class);
        for (RejectReason r : REASONS) {
            reasons.put(r, byReason[r.ordinal()].sum());
        }
        double rate = overload == null ? Double.NaN : minOf(overload.rates());
        List<ControllerDecision> recent;
        synchronized (decisions) {
            recent = List.copyOf(decisions);
        }
        // Outcomes first, then what led to them: a snapshot taken while events flow never shows more
        // handled than admitted.
        long handledNow = handled.get();
        long failedNow = failed.sum();
        long droppedNow = dropped.sum();
        long rejectedNow = rejected.sum();
        long admittedNow = queue.added();
        return new StageMetrics(name(), admittedNow + rejectedNow, admittedNow, rejectedNow, droppedNow,
                handledNow, failedNow, queue.size(), threads(),
                Collections.unmodifiableMap(reasons), queueingDelay.summary(), serviceTime.summary(),
                responseTime.summary(), minThreads, maxThreads, batchTarget(), rate, overloaded(),
                decisionCount.sum(), recent);
    }

    private static double minOf(double[] values) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    /** Own threads: live workers. Shared pool: this stage's events being handled right now. */
    private int threads() {
        return shared != null ? running.get() : liveWorkers.get();
    }

    int batchTarget() {
        return batching == null ? settings.maxBatch() : batching.target();
    }

    @Override
    public String toString() {
        return "Stage[" + name() + "]";
    }

    // ---- run-time reconfiguration; the same checks serve code and JMX ----

    /**
     * New thread bounds, effective at once: with its own threads, the stage starts threads up to the
     * new floor (min with the controller on, else max) and workers above the new max end after
     * their current run of events (at most {@link #RUN}). On the shared pool, max caps this stage's concurrent events.
     *
     * @throws IllegalArgumentException unless 1 <= min <= max; nothing changes then
     */
    public void setThreads(int min, int max) {
        StageSettings.checkThreads(name(), min, max);
        synchronized (poolLock) {
            int oldMin = minThreads;
            int oldMax = maxThreads;
            // Max first when growing, min first when shrinking: min <= max holds for readers throughout.
            if (min > oldMax) {
                maxThreads = max;
                minThreads = min;
            } else {
                minThreads = min;
                maxThreads = max;
            }
            settings = settings.threads(min, max);
            if (oldMin != min || oldMax != max) {
                decide("threads", "reconfigure", oldMax, max, "threads set to " + min + ".." + max
                        + " (were " + oldMin + ".." + oldMax + ")");
            }
            ensureWorkers();
        }
    }

    /**
     * The thread-pool controller's queue threshold ({@code @Stage(growAbove)}): the backlog above
     * which it considers adding a thread.
     */
    public int growAbove() {
        ThreadPoolController pc = poolControl;
        return pc == null ? settings.threadControl().queueThreshold() : pc.threshold();
    }

    /**
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if the stage has no thread-pool controller (it is off, or the
     *     stage runs on the shared pool)
     */
    public void setGrowAbove(int events) {
        ThreadPoolControl.checkQueueThreshold(events);
        ThreadPoolController pc = poolControl;
        if (pc == null) {
            throw new IllegalStateException("stage '" + name() + "' has no thread-pool controller");
        }
        synchronized (poolLock) {
            int before = pc.threshold();
            pc.setThreshold(events);
            settings = settings.threadControl(settings.threadControl().withQueueThreshold(events));
            decide("threads", "reconfigure", before, events, "grow-above threshold set");
        }
    }

    /**
     * The queue length at which the first queue-threshold admission policy ({@code @Stage(rejectAbove)})
     * rejects, or 0 without one.
     */
    public int rejectAbove() {
        return rejectAbove;
    }

    /**
     * Sets the first queue-threshold admission policy's length; offers from now on are judged by it.
     *
     * @throws IllegalArgumentException unless 1 <= events < the queue's capacity (at the capacity
     *     the queue itself refuses, as full)
     * @throws IllegalStateException if the stage has no queue-threshold admission policy
     */
    public void setRejectAbove(int events) {
        StageSettings.checkRejectAbove(name(), events, queue.capacity());
        if (rejectAbove == 0) {
            throw new IllegalStateException("stage '" + name() + "' has no queue-threshold admission policy");
        }
        synchronized (poolLock) {
            int before = rejectAbove;
            rejectAbove = events;
            settings = settings.withPolicy(AdmissionPolicy.queueThreshold(events), false);
            decide("admission", "reconfigure", before, events, "reject-above threshold set");
        }
    }

    /** The overload controller's targets, lowest class first; empty without one. */
    public List<Duration> responseTimeTargets() {
        return overload == null ? List.of() : List.of(overload.targets());
    }

    /**
     * New 90th-percentile targets, one per request class, lowest first; used from the next adjustment.
     *
     * @throws IllegalArgumentException if the count differs from the classes or a target is not positive
     * @throws IllegalStateException if the stage has no overload controller
     */
    public void setResponseTimeTargets(Duration... perClass) {
        if (overload == null) {
            throw new IllegalStateException("stage '" + name() + "' has no response-time overload controller");
        }
        if (perClass.length != overload.classes()) {
            throw new IllegalArgumentException("stage '" + name() + "' has " + overload.classes()
                    + " request classes, got " + perClass.length + " targets");
        }
        for (Duration d : perClass) {
            ThreadPoolControl.checkPositive(d, "response-time target");
        }
        synchronized (poolLock) {
            Duration[] before = overload.targets();
            overload.setTargets(perClass);
            decide("overload", "reconfigure", before[before.length - 1].toMillis(),
                    perClass[perClass.length - 1].toMillis(), "response-time targets set to "
                    + Arrays.stream(perClass).map(d -> d.toMillis() + " ms").toList() + " (least important first)");
            OverloadControl o = settings.overload();
            settings = settings.overload(new OverloadControl(List.of(perClass), o.classifier(), o.samples(),
                    o.window(), o.initialRate(), o.minRate(), o.maxRate(), o.increase(), o.decrease(),
                    o.lowerClassDecrease()));
        }
    }

    /** The queue-age deadline ({@code @Stage(maxQueueAgeMillis)}; the tightest of several), or null without one. */
    public Duration maxQueueAge() {
        long nanos = maxQueueAgeNanos;
        return nanos == 0 ? null : Duration.ofNanos(nanos);
    }

    /**
     * A new queue-age deadline, for the events dequeued from now on; the stage's queue-age policies
     * become this one.
     *
     * @throws IllegalArgumentException unless positive
     * @throws IllegalStateException if the stage has no queue-age deadline (without one its events
     *     carry no enqueue time to judge)
     */
    public void setMaxQueueAge(Duration deadline) {
        ThreadPoolControl.checkPositive(deadline, "queue age deadline");
        if (maxQueueAgeNanos == 0) {
            throw new IllegalStateException("stage '" + name() + "' has no queue-age deadline");
        }
        synchronized (poolLock) {
            long before = maxQueueAgeNanos;
            maxQueueAgeNanos = deadline.toNanos();
            settings = settings.withPolicy(AdmissionPolicy.maxQueueAge(deadline), true);  // the tightest ruled
            decide("admission", "reconfigure", before / 1e6, deadline.toNanos() / 1e6, "queue-age deadline set");
        }
    }

    /** The overload controller's rate of each request class in events/s, lowest class first; empty without one. */
    double[] admissionRates() {
        return overload == null ? new double[0] : overload.rates();
    }

    /** The rate of the first token-bucket admission policy in events/s, or NaN without one. */
    public double rateLimit() {
        return rateLimit == null ? Double.NaN : rateLimit.rate();
    }

    /**
     * @throws IllegalArgumentException unless 0 < rate < infinity
     * @throws IllegalStateException if the stage has no token-bucket admission policy
     */
    public void setRateLimit(double eventsPerSecond) {
        AdmissionPolicy.checkRate(eventsPerSecond);
        if (rateLimit == null) {
            throw new IllegalStateException("stage '" + name() + "' has no token-bucket admission policy");
        }
        synchronized (poolLock) {
            double before = rateLimit.rate();
            rateLimit.setRate(eventsPerSecond, clock.getAsLong());
            int burst = settings.admission().stream().filter(p -> p instanceof AdmissionPolicy.TokenBucket)
                    .map(p -> ((AdmissionPolicy.TokenBucket) p).burst()).findFirst().orElseThrow();
            settings = settings.withPolicy(AdmissionPolicy.tokenBucket(eventsPerSecond, burst), false);
            decide("rate", "reconfigure", before, eventsPerSecond, "rate limit set");
        }
    }

    // ---- wiring and lifecycle, driven by SedaGraph ----

    void setHandler(EventHandler<E> h) {
        checkNoHandler();
        handler = Objects.requireNonNull(h, "handler");
    }

    void setBatchHandler(BatchHandler<E> h) {
        checkNoHandler();
        batchHandler = Objects.requireNonNull(h, "batchHandler");
    }

    private void checkNoHandler() {
        if (handler != null || batchHandler != null) {
            throw new IllegalStateException("stage '" + name() + "' already has a handler");
        }
    }

    boolean hasHandler() {
        return handler != null || batchHandler != null;
    }

    String graphName() {
        return graphName;
    }

    /** Before start: the graph runs this stage on its shared pool. */
    void runOn(SharedPool pool) {
        shared = pool;
        poolControl = null;  // the pool's size is the graph's; max threads only caps concurrency
    }

    boolean isShared() {
        return shared != null;
    }

    /** Whether the graph's control thread has anything to do for this stage. */
    boolean needsControl() {
        return poolControl != null || overload != null;
    }

    /** The shortest period this stage's controllers want to be looked at. */
    long controlPeriodNanos() {
        long p = Long.MAX_VALUE;
        if (poolControl != null) {
            p = settings.threadControl().sampleInterval().toNanos();
        }
        if (overload != null) {
            p = Math.min(p, settings.overload().window().toNanos());
        }
        return p;
    }

    /**
     * Starts the workers of a stage with its own threads: minThreads with the thread-pool
     * controller on, else maxThreads. On the shared pool there is nothing to start.
     */
    void start() {
        synchronized (poolLock) {
            ensureWorkers();
        }
    }

    private void ensureWorkers() {
        if (shared != null || shutdown) {
            return;
        }
        int floor = poolControl != null ? minThreads : maxThreads;
        while (liveWorkers.get() < floor) {
            spawnWorker();
        }
    }

    private void spawnWorker() {
        assert Thread.holdsLock(poolLock);
        workers.removeIf(w -> !w.isAlive());
        Thread t = new Thread(this::runWorker, "seda-" + graphName + "-" + name() + "-" + (++workerSeq));
        liveWorkers.incrementAndGet();  // counted here so metrics never under-report a started pool
        workers.add(t);
        t.start();
    }

    /** Called by the graph's control thread: samples for the controllers that need a clock. */
    void controlTick() {
        ThreadPoolController pc = poolControl;
        if (pc != null && !shutdown) {
            int length = queue.size();
            int live = liveWorkers.get();
            if (pc.sample(length, live, minThreads, maxThreads, handled.get())) {
                boolean added = false;
                synchronized (poolLock) {
                    if (!shutdown && liveWorkers.get() < maxThreads) {
                        spawnWorker();
                        added = true;
                        decide("threads", "add", live, live + 1, "queue length " + length + " over threshold "
                                + pc.threshold() + " and not shrinking");
                    }
                }
                if (!added) {
                    pc.notAdded();  // nothing to judge at the next sample
                }
            }
        }
        if (overload != null) {
            recordDrafts(overload.tick());
        }
    }

    private void runWorker() {
        boolean retired = false;
        List<Object> taken = new ArrayList<>();
        Consumer<Object> take = taken::add;
        Object[] run = new Object[RUN];
        try {
            while (!shutdown) {
                ThreadPoolController control = poolControl;
                int cap = control == null ? maxThreads : Math.max(minThreads, Math.min(maxThreads, control.ceiling()));
                int was = tryRetire(cap);
                if (was > 0) {
                    retired = true;
                    notEmpty.signal();  // we may have been woken for an event: pass that on
                    decide("threads", "retire", was, was - 1, cap < maxThreads
                            ? "the last thread added did not raise throughput by " + (int) (100 * ThreadPoolController.MIN_GAIN) + "%"
                            : "above max threads " + maxThreads);
                    return;
                }
                int n = takeAndProcess(taken, take, run);
                if (n > 0) {
                    if (caughtUp(n, run) && !queue.isEmpty()) {
                        slip();  // a producer is at work right now: let it get a run ahead
                    }
                    continue;
                }
                // Nothing queued. Waiters' protocol: we took until empty, so we may wait now.
                beforeIdle();
                ThreadPoolController pc = poolControl;
                long idleNanos = pc != null ? settings.threadControl().idleTimeout().toNanos() : IDLE_NANOS;
                if (notEmpty.await(workOrShutdown, Waiters.SPINS, Waiters.IDLE_YIELDS, idleNanos)) {
                    continue;
                }
                if (Thread.interrupted()) {
                    continue;  // stop() interrupts after setting shutdown; else a handler left it set
                }
                int before = pc != null ? tryRetire(minThreads) : 0;
                if (before > 0) {
                    retired = true;
                    decide("threads", "retire", before, before - 1, "idle for "
                            + settings.threadControl().idleTimeout().toMillis() + " ms");
                    return;
                }
            }
        } finally {
            if (!retired) {
                liveWorkers.decrementAndGet();
            }
        }
    }

    /**
     * Takes one event, or for a batch handler up to the batch target, and handles it; signals
     * producers waiting for room first.
     *
     * @return how many events were taken, 0 if nothing was queued
     */
    private int takeAndProcess(List<Object> taken, Consumer<Object> take, Object[] run) {
        if (batchHandler == null) {
            if (run != null && claimsRuns()) {
                return claimAndProcess(run);
            }
            Object e = queue.poll();
            if (e == null) {
                return 0;
            }
            notFull.signal();
            wakeHelper();
            if (handleOne(e)) {
                finish(1, null);
            }
            return 1;
        }
        // Never waits to fill a batch: as many as are queued, up to the target.
        int n = queue.drain(take, batchTarget());
        if (n == 0) {
            return 0;
        }
        notFull.signal(n);
        wakeHelper();
        try {
            handleBatch(taken);
        } finally {
            taken.clear();
        }
        return n;
    }

    /**
     * Claims a run of events and handles them in order. Only for a stage with one worker (its own
     * thread, or one shared worker at a time): with more, a run held by one would leave the others
     * idle. Not under DROP_OLDEST: a producer evicts only from the queue, so claimed events would
     * make it wait instead of evicting. Each claimed event is released (stops counting as queued,
     * frees its place) just before its handler call, the moment poll() would have taken it; the
     * run's handled events are counted together when it ends.
     */
    private int claimAndProcess(Object[] run) {
        int n = queue.claim(run, RUN);
        int i = 0;
        int ok = 0;  // handled: counted once for the run, when it ends
        try {
            while (i < n) {
                if (stopping()) {
                    // Stopped past its deadline: like events still in the queue, the rest stay
                    // unhandled, pending and counted in the queue's length (never released).
                    Arrays.fill(run, i, n, null);
                    return n;
                }
                Object e = run[i];
                run[i++] = null;
                queue.release(1);
                notFull.signal();
                if (handleOne(e)) {
                    ok++;
                }
            }
        } finally {
            if (ok > 0) {
                finish(ok, null);
            }
            if (i < n && run[i] != null) {
                // Only if something around the handler calls threw (handleOne counts its own
                // failures): the rest must not hold capacity or stay pending for ever. They are
                // counted as failed.
                int rest = n - i;
                Arrays.fill(run, i, n, null);
                queue.release(rest);
                notFull.signal(rest);
                failed.add(rest);
            }
        }
        return n;
    }

    /** Whether this stage's worker takes a run of events at once: see {@link #claimAndProcess}. */
    private boolean claimsRuns() {
        return maxThreads == 1 && whenFull != WhenFull.DROP_OLDEST;
    }

    /**
     * Whether a take of {@code n} events got fewer than it asked for, so the worker caught up with
     * its producers: a batch, or a run claimed into {@code run}. A worker polling one event at a
     * time (several workers, or no array) never knows it.
     */
    private boolean caughtUp(int n, Object[] run) {
        return batchHandler != null ? n < batchTarget() : run != null && claimsRuns() && n < RUN;
    }

    /** Lets producers get a run ahead of a worker that caught up with them (see {@link #SLIP_YIELDS}). */
    static void slip() {
        for (int i = 0; i < SLIP_YIELDS; i++) {
            Thread.yield();
        }
    }

    /** On the shared pool: more work here, so let an idle worker take it in parallel. */
    private void wakeHelper() {
        SharedPool pool = shared;
        if (pool != null && !queue.isEmpty()) {
            pool.signal();
        }
    }

    /**
     * Leaves the pool if more than {@code keep} workers live; the count drops at once.
     *
     * @return the count before leaving, or 0 if this worker stays
     */
    private int tryRetire(int keep) {
        for (;;) {
            int live = liveWorkers.get();
            if (live <= keep) {
                return 0;
            }
            if (liveWorkers.compareAndSet(live, live - 1)) {
                return live;
            }
        }
    }

    /**
     * Called by a shared-pool worker: runs a turn of this stage if an event is queued and the stage
     * is below its concurrency cap: one batch of a batch stage, else up to {@link #RUN} events (with
     * {@code run}, the worker's own array, a single-threaded stage's events a run at a time, see
     * {@link #claimAndProcess}), ending early once a take caught up with the producers. If they are
     * still at work and no other stage of the pool has any, slips before it gives up its place.
     *
     * @return how many events the turn took, 0 if none
     */
    int runShared(Object[] run) {
        if (shutdown) {
            return 0;  // stopped past its deadline: what is left stays queued and pending
        }
        for (;;) {
            int r = running.get();
            if (r >= maxThreads || queue.isEmpty()) {
                return 0;
            }
            if (running.compareAndSet(r, r + 1)) {
                break;
            }
        }
        try {
            int n;
            boolean caughtUp;
            if (batchHandler != null) {
                List<Object> taken = new ArrayList<>();
                n = takeAndProcess(taken, taken::add, null);
                caughtUp = caughtUp(n, null);
            } else {
                // A turn is up to RUN events whichever way they are taken, so that stages of one
                // thread (a claimed run) and of several (one poll at a time) get the same share of a
                // worker.
                n = takeAndProcess(null, null, run);
                int more = n;
                caughtUp = caughtUp(more, run);
                while (more > 0 && n < RUN && !caughtUp && !stopping()) {
                    more = takeAndProcess(null, null, run);
                    n += more;
                    caughtUp = caughtUp(more, run);
                }
            }
            if (caughtUp && n > 0 && !queue.isEmpty() && !shared.hasWorkBesides(this)) {
                slip();  // keeping our place: another pool worker would take the next events at once
            }
            return n;
        } finally {
            running.decrementAndGet();
            wakeHelper();  // a worker turned away at the cap may be idle now
        }
    }

    /**
     * Between two events of one turn: clears an interrupt a handler left set, then says whether the
     * stage stopped past its deadline. Stop interrupts only after setting shutdown, so clearing
     * first and checking next loses none of stop's interrupts.
     */
    private boolean stopping() {
        Thread.interrupted();
        return shutdown;
    }

    /** Whether a shared-pool worker could run something of this stage now. */
    boolean hasRunnableWork() {
        return !queue.isEmpty() && running.get() < maxThreads;
    }

    private boolean expired(Envelope<E> e, long now) {
        if (maxQueueAgeNanos > 0 && now - e.enqueued() > maxQueueAgeNanos) {
            if (overload != null) {
                // Waiting past its deadline is the clearest overload signal there is.
                recordDrafts(overload.record(e.requestClass(), now - e.enqueued(), now));
            }
            discard(RejectReason.EXPIRED);
            return true;
        }
        return false;
    }

    /**
     * Runs the handler on one event. A failure is counted here; a success is left to the caller to
     * count (with {@link #finish}), so that a run of events is counted with one write.
     *
     * @return whether the handler ran and succeeded
     */
    @SuppressWarnings("unchecked")
    private boolean handleOne(Object item) {
        if (!(item instanceof Envelope)) {
            return handleUntimed((E) item);
        }
        Envelope<E> e = (Envelope<E>) item;
        long start = clock.getAsLong();
        try {
            if (expired(e, start)) {
                return false;
            }
        } catch (RuntimeException | Error t) {  // never: but the event must still be counted
            onFailure(1, t);
            return false;
        }
        queueingDelay.record(start - e.enqueued());
        Throwable failure = null;
        try {
            handler.handle(e.event());
        } catch (Throwable t) {  // a failing handler must never end its worker
            failure = t;
        }
        try {
            long end = clock.getAsLong();
            serviceTime.record(end - start);
            responseTime.record(end - e.enqueued());
            if (overload != null) {
                overload.serviceTime(end - start, 1);
                recordDrafts(overload.record(e.requestClass(), end - e.enqueued(), end));
            }
        } catch (RuntimeException | Error t) {  // never: but the event must still be counted
            if (failure == null) {
                failure = t;
            }
        }
        if (failure != null) {
            onFailure(1, failure);
            return false;
        }
        return true;
    }

    /** An event that was not sampled (see {@link #sampleMask}): handled without reading the clock. */
    private boolean handleUntimed(E event) {
        try {
            handler.handle(event);
            return true;
        } catch (Throwable t) {
            onFailure(1, t);
            return false;
        }
    }

    /**
     * Counts events as handled or failed: the moment they stop being pending, so it comes after
     * everything else done for them (latencies, controllers), and stop() finds them complete.
     */
    private void finish(int events, Throwable failure) {
        if (failure == null) {
            long before = handled.getAndAdd(events);
            if ((before ^ (before + events)) >= RATE_WINDOW) {  // crossed into a new window
                measureRate();
            }
        } else {
            onFailure(events, failure);
        }
    }

    /**
     * A worker found nothing to do: a busy window that has already lasted BUSY_WINDOW_NANOS cannot
     * end busy, so sampling stops now, and light traffic after a burst is measured in full.
     */
    void beforeIdle() {
        if (sampleMask != 0 && clock.getAsLong() - windowStart >= BUSY_WINDOW_NANOS) {
            sampleMask = 0;
        }
    }

    /** Sets the sampling stride for the next window from how long the last RATE_WINDOW events took. */
    private void measureRate() {
        long now = clock.getAsLong();
        int mask = sampleStride(now - windowStart) - 1;
        windowStart = now;
        if (mask != sampleMask) {
            sampleMask = mask;
        }
    }

    /**
     * One event in how many to time, after a window of RATE_WINDOW events took {@code windowNanos}:
     * 1 (all) from BUSY_WINDOW_NANOS on, else MIN_SAMPLE_STRIDE, doubled each time the rate doubles
     * (a power of two), at most MAX_SAMPLE_STRIDE.
     */
    static int sampleStride(long windowNanos) {
        if (windowNanos >= BUSY_WINDOW_NANOS) {
            return 1;
        }
        long speedUp = Long.highestOneBit(BUSY_WINDOW_NANOS / Math.max(1, windowNanos));
        return (int) Math.min(MAX_SAMPLE_STRIDE, MIN_SAMPLE_STRIDE * speedUp);
    }

    @SuppressWarnings("unchecked")
    private void handleBatch(List<Object> taken) {
        long start = clock.getAsLong();
        List<E> batch = new ArrayList<>(taken.size());
        List<Envelope<E>> live = new ArrayList<>(taken.size());
        for (Object item : taken) {
            if (!(item instanceof Envelope)) {
                batch.add((E) item);
                continue;
            }
            Envelope<E> e = (Envelope<E>) item;
            if (!expired(e, start)) {
                queueingDelay.record(start - e.enqueued());
                batch.add(e.event());
                live.add(e);
            }
        }
        int n = batch.size();
        if (n == 0) {
            return;
        }
        Throwable failure = null;
        try {
            batchHandler.handle(batch);
        } catch (Throwable t) {
            failure = t;
        }
        try {
            long end = clock.getAsLong();
            serviceTime.record(end - start);
            if (overload != null) {
                overload.serviceTime(end - start, live.size());
            }
            for (Envelope<E> e : live) {
                responseTime.record(end - e.enqueued());
                if (overload != null) {
                    recordDrafts(overload.record(e.requestClass(), end - e.enqueued(), end));
                }
            }
            if (batching != null) {
                BatchController.Change c = batching.onBatch(n);
                if (c != null) {
                    decide("batch", c.action(), c.from(), c.to(), c.reason());
                }
            }
        } finally {
            finish(n, failure);
        }
    }

    private void recordDrafts(List<ResponseTimeController.ControllerDecisionDraft> drafts) {
        for (ResponseTimeController.ControllerDecisionDraft d : drafts) {
            decide("overload", d.action(), d.from(), d.to(), d.reason());
        }
    }

    private void decide(String controller, String action, double from, double to, String reason) {
        ControllerDecision d = new ControllerDecision(Instant.now(), name(), controller, action, from, to, reason);
        synchronized (decisions) {
            if (decisions.size() == DECISIONS_KEPT) {
                decisions.removeFirst();
            }
            decisions.addLast(d);
        }
        decisionCount.increment();
        Telemetry.decision(graphName, d);
        LOG.log(Level.DEBUG, () -> "graph '" + graphName + "' stage '" + name() + "': " + controller + " " + action
                + " " + from + " -> " + to + ": " + reason);
    }

    private void onFailure(int events, Throwable t) {
        // Rate-limited so a handler failing on every event cannot flood the log; always counted.
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLog.compareAndSet(last, now)) {
            long unlogged = unloggedFailures.getAndSet(0);
            LOG.log(Level.WARNING, () -> "stage '" + name() + "' of graph '" + graphName + "': handler failed"
                    + (unlogged > 0 ? " (" + unlogged + " earlier failures not logged)" : ""), t);
        } else {
            unloggedFailures.incrementAndGet();
        }
        failed.add(events);  // last: this is when the events stop being pending
    }

    /** Waits until no admitted event is queued or running. */
    boolean awaitIdle(long deadlineNanos) {
        return awaitZero(this::idle, deadlineNanos);
    }

    /**
     * Drains and closes: waits until idle, rejects further offers, handles what slipped in while
     * closing, then ends the workers. Past the deadline the workers are interrupted regardless (on
     * the shared pool, the pool's stop does that).
     *
     * @return whether every admitted event was handled in time
     */
    boolean drainAndClose(long deadlineNanos) {
        boolean drained = awaitIdle(deadlineNanos);
        closed = true;
        // An offer that passed the closed check before we set it may still be on its way in: from
        // now on the queue refuses it, and whatever it added before is pending, so awaitIdle sees it.
        queue.close();
        notFull.signalAll();  // producers blocked on a full queue see it closed
        drained &= awaitIdle(deadlineNanos);
        synchronized (poolLock) {
            shutdown = true;  // under the lock: the control thread cannot add a worker after this
        }
        notEmpty.signalAll();  // parked workers see shutdown
        for (Thread t : workers) {
            t.interrupt();
        }
        return drained;
    }

    /** Waits for the workers to end, at least briefly even when the deadline passed. */
    void joinWorkers(long deadlineNanos) {
        for (Thread t : List.copyOf(workers)) {
            long millis = Math.max(20, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                LOG.log(Level.WARNING, "{0} is still running after stop: its handler ignores interrupts", t.getName());
            }
        }
    }

    /** Admitted events not yet handled: queued plus running. */
    long pendingEvents() {
        long out = left();
        return queue.added() - out;
    }

    /** Admitted events done with: handled, failed or dropped. */
    private long left() {
        return handled.get() + failed.sum() + dropped.sum();
    }

    /**
     * Whether no admitted event is queued or running. Exact although the sums are not atomic: every
     * counter only grows, and an event leaves after it was added, so reading the leaving side first
     * gives {@code left <= added},
     * with equality only if, when the last of them was read, nothing was pending.
     */
    private boolean idle() {
        long out = left();
        return queue.added() == out;
    }

    /** Closes without draining, for a graph that never started. */
    void closeUnstarted() {
        closed = true;
        queue.close();
        notFull.signalAll();  // producers blocked on a full queue see it closed
        shutdown = true;
    }

    private static boolean awaitZero(BooleanSupplier done, long deadlineNanos) {
        // Polling is fine here: it runs only during stop and costs a wake-up per half millisecond.
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadlineNanos >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(500_000);
        }
        return true;
    }
}
