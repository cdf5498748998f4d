package dev.seda.benchmarks.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An HTTP/1.1 load generator on non-blocking sockets: a few selector threads, one keep-alive
 * connection per client, GET requests for one path.
 *
 * <p><b>Open loop</b> ({@link Mode#OPEN}): every client has a constant intended send schedule
 * ({@code ratePerClient} requests per second, with a random phase), whatever the server does. A
 * request's latency is measured from its <em>intended</em> send time, so a server that stalls is
 * charged for every request that should have been sent meanwhile (no coordinated omission, as in
 * wrk2). A client that is behind pipelines its requests on its connection (up to
 * {@code maxPipeline} on the wire, the rest queued in the client, still timed from their intended
 * time); past {@code maxQueuedPerClient} waiting requests it drops new ones and counts them.
 * {@link Plan#withPoisson} makes the gaps exponential (same mean rate) instead of constant.
 *
 * <p><b>Closed loop</b> ({@link Mode#CLOSED}): each client sends its next request when the previous
 * response arrived, after {@code think} (zero for maximum throughput). Latency is from the actual
 * send.
 *
 * <p>Counting: a request belongs to the measurement when its intended send time falls in
 * [warm-up end, warm-up end + measure); its answer is waited for up to {@code drain} after that, and
 * unanswered ones are counted as timeouts. Goodput is the number of 2xx responses <em>arriving</em> in
 * the window per second, and so are the per-client counts of Jain's fairness index. A response
 * with {@code Connection: close} (or the server closing) makes the client reconnect at once and
 * resend what was not answered; each such close is counted. Sockets are closed with SO_LINGER 0.
 */
public final class HttpLoad {
    public enum Mode { OPEN, CLOSED }

    /** Clients that start together, {@code startAfter} after the run's start, at one rate. */
    public record Group(int clients, double ratePerClient, Duration startAfter) {
        public Group {
            if (clients < 0 || ratePerClient < 0 || startAfter.isNegative()) {
                throw new IllegalArgumentException("bad group " + clients + " " + ratePerClient + " " + startAfter);
            }
        }
    }

    /** What to run. Build with {@link #plan}, then the withers. */
    public record Plan(InetSocketAddress target, String path, Mode mode, List<Group> groups, Duration think,
                       Duration warmup, Duration measure, Duration drain, int selectorThreads, int maxPipeline,
                       int maxQueuedPerClient, Duration window, boolean poisson) {
        public Plan withOpen(int clients, double ratePerClient) {
            return new Plan(target, path, Mode.OPEN, List.of(new Group(clients, ratePerClient, Duration.ZERO)), think,
                    warmup, measure, drain, selectorThreads, maxPipeline, maxQueuedPerClient, window, poisson);
        }

        public Plan withClosed(int clients, Duration thinkTime) {
            return new Plan(target, path, Mode.CLOSED, List.of(new Group(clients, 0, Duration.ZERO)), thinkTime,
                    warmup, measure, drain, selectorThreads, maxPipeline, maxQueuedPerClient, window, poisson);
        }

        public Plan withGroups(Mode m, List<Group> g) {
            return new Plan(target, path, m, List.copyOf(g), think, warmup, measure, drain, selectorThreads,
                    maxPipeline, maxQueuedPerClient, window, poisson);
        }

        public Plan withTimes(Duration warm, Duration meas, Duration dr) {
            return new Plan(target, path, mode, groups, think, warm, meas, dr, selectorThreads, maxPipeline,
                    maxQueuedPerClient, window, poisson);
        }

        public Plan withPath(String p) {
            return new Plan(target, p, mode, groups, think, warmup, measure, drain, selectorThreads, maxPipeline,
                    maxQueuedPerClient, window, poisson);
        }

        public Plan withSelectorThreads(int n) {
            return new Plan(target, path, mode, groups, think, warmup, measure, drain, n, maxPipeline,
                    maxQueuedPerClient, window, poisson);
        }

        /**
         * Open loop with exponential gaps between a client's sends (a Poisson process of the same
         * rate) instead of a constant period.
         */
        public Plan withPoisson(boolean p) {
            return new Plan(target, path, mode, groups, think, warmup, measure, drain, selectorThreads, maxPipeline,
                    maxQueuedPerClient, window, p);
        }

        public Plan withWindow(Duration w) {
            return new Plan(target, path, mode, groups, think, warmup, measure, drain, selectorThreads, maxPipeline,
                    maxQueuedPerClient, w, poisson);
        }

        public Plan withMaxPipeline(int n) {
            return new Plan(target, path, mode, groups, think, warmup, measure, drain, selectorThreads, n,
                    maxQueuedPerClient, window, poisson);
        }

        int clients() {
            int n = 0;
            for (Group g : groups) {
                n += g.clients();
            }
            return n;
        }
    }

    /** A closed loop of {@code clients} without think time, 2 s warm-up, 5 s measured, 1 s drain, one selector thread. */
    public static Plan plan(InetSocketAddress target, String path, int clients) {
        return new Plan(target, path, Mode.CLOSED, List.of(new Group(clients, 0, Duration.ZERO)), Duration.ZERO,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1), 1, 1024, 100_000, Duration.ZERO, false);
    }

    /** Everything one run measured. Latencies are in microseconds. */
    public record Result(Plan plan, double seconds, long offered, Histogram ok, Histogram rejected,
                         long rejectedWithRetryAfter, Map<Integer, Long> otherStatus, long timeouts, long okArrived,
                         long rejectsArrived, long[] okPerClient, long closes, long resets, long connectFailures,
                         long protocolErrors, long resent, long dropped, List<Window> windows) {
        /** 2xx responses per second that arrived in the measurement window. */
        public double goodput() {
            return okArrived / seconds;
        }

        /** Requests per second whose intended send time fell in the window. */
        public double offeredRate() {
            return offered / seconds;
        }

        /** Jain's fairness index over the clients' 2xx counts. */
        public double fairness() {
            return jain(okPerClient);
        }

        public long otherStatusCount() {
            long n = 0;
            for (long v : otherStatus.values()) {
                n += v;
            }
            return n;
        }

        /** Errors of every kind: other statuses, timeouts, resets, failed connects, protocol errors, dropped sends. */
        public long errors() {
            return otherStatusCount() + timeouts + resets + connectFailures + protocolErrors + dropped;
        }
    }

    /**
     * Responses that arrived in one window of the run (by arrival time, from the run's start, warm-up
     * included): the 2xx latencies and how many 503s.
     */
    public record Window(long startMillis, Histogram ok, long rejects) {}

    /** Jain's fairness index (Σx)² / (n·Σx²): 1 when all are equal, 1/n when one client got everything. */
    public static double jain(long[] x) {
        if (x.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        double squares = 0;
        for (long v : x) {
            sum += v;
            squares += (double) v * v;
        }
        return squares == 0 ? Double.NaN : sum * sum / (x.length * squares);
    }

    /** A latency histogram in microseconds up to an hour, 3 significant digits. */
    static Histogram newHistogram() {
        return new Histogram(TimeUnit.HOURS.toMicros(1), 3);
    }

    private HttpLoad() {
    }

    /**
     * Loads one server from the command line and prints what it measured:
     *
     * <pre>
     * java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.http.HttpLoad --port 8080 [--host 127.0.0.1]
     *     [--path /] [--clients 16] [--rate 100 (per client, open loop) | --total-rate R | --think-ms 0 (closed loop)]
     *     [--poisson]
     *     [--warmup 2] [--seconds 5] [--drain 2] [--selector-threads 1] [--pipeline 1024]
     * </pre>
     */
    public static void main(String[] args) throws Exception {
        dev.seda.runtime.Config o = dev.seda.runtime.Config.fromArgs(args);
        InetSocketAddress target = new InetSocketAddress(o.string("host", "127.0.0.1"), o.integer("port", 8080));
        int clients = o.integer("clients", 16);
        Plan plan = plan(target, o.string("path", "/"), clients)
                .withTimes(seconds(o, "warmup", 2), seconds(o, "seconds", 5), seconds(o, "drain", 2))
                .withSelectorThreads(o.integer("selector-threads", 1))
                .withMaxPipeline(o.integer("pipeline", 1024));
        if (o.get("rate").isPresent() || o.get("total-rate").isPresent()) {
            double rate = o.get("rate").map(Double::parseDouble)
                    .orElseGet(() -> Double.parseDouble(o.string("total-rate", "0")) / clients);
            plan = plan.withOpen(clients, rate).withPoisson(o.flag("poisson"));
        } else {
            plan = plan.withClosed(clients, Duration.ofMillis(o.integer("think-ms", 0)));
        }
        Result r = run(plan);
        System.out.printf(java.util.Locale.ROOT, "%s loop, %d clients: offered %.0f/s, goodput %.0f/s (2xx)%n",
                plan.mode(), clients, r.offeredRate(), r.goodput());
        System.out.printf(java.util.Locale.ROOT, "2xx: %d, latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f, mean %.2f%n",
                r.ok().getTotalCount(), r.ok().getValueAtPercentile(50) / 1e3, r.ok().getValueAtPercentile(90) / 1e3,
                r.ok().getValueAtPercentile(99) / 1e3, r.ok().getMaxValue() / 1e3, r.ok().getMean() / 1e3);
        System.out.printf(java.util.Locale.ROOT, "503: %d (%d with Retry-After), latency ms p50 %.2f p99 %.2f%n",
                r.rejected().getTotalCount(), r.rejectedWithRetryAfter(), r.rejected().getValueAtPercentile(50) / 1e3,
                r.rejected().getValueAtPercentile(99) / 1e3);
        System.out.printf(java.util.Locale.ROOT, "other statuses %s, unanswered %d, closes %d, resets %d, resent %d, "
                        + "failed connects %d, protocol errors %d, dropped %d; Jain's index %.4f%n", r.otherStatus(),
                r.timeouts(), r.closes(), r.resets(),
                r.resent(), r.connectFailures(), r.protocolErrors(), r.dropped(), r.fairness());
    }

    private static Duration seconds(dev.seda.runtime.Config o, String key, double defaultSeconds) {
        return Duration.ofMillis(Math.round(Double.parseDouble(o.string(key, Double.toString(defaultSeconds))) * 1000));
    }

    /** Told when the measurement window opens and closes (on the calling thread, approximately on time). */
    public interface Phases {
        void measureStarts();

        void measureEnds();
    }

    /** Runs the plan; bounded by warm-up + measure + drain + connects. */
    public static Result run(Plan plan) throws IOException, InterruptedException {
        return run(plan, null);
    }

    /** Runs the plan, telling {@code phases} (may be null) when the window opens and closes. */
    public static Result run(Plan plan, Phases phases) throws IOException, InterruptedException {
        int total = plan.clients();
        if (total == 0) {
            throw new IllegalArgumentException("no clients");
        }
        byte[] request = ("GET " + plan.path() + " HTTP/1.1\r\nHost: " + plan.target().getHostString() + ":"
                + plan.target().getPort() + "\r\nUser-Agent: seda-httpload\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        int threads = Math.max(1, Math.min(plan.selectorThreads(), total));
        Worker[] workers = new Worker[threads];
        List<Client> all = new ArrayList<>(total);
        SplittableRandom random = new SplittableRandom(42);
        for (int w = 0; w < threads; w++) {
            workers[w] = new Worker(w, plan, request);
        }
        int index = 0;
        for (Group g : plan.groups()) {
            for (int i = 0; i < g.clients(); i++) {
                Client c = new Client(index, g, random.nextDouble());
                workers[index % threads].clients.add(c);
                all.add(c);
                index++;
            }
        }
        try {
            // Clients present from the start connect before the clock starts, one after another.
            for (Client c : all) {
                if (c.group.startAfter().isZero()) {
                    try {
                        SocketChannel ch = SocketChannel.open();
                        c.channel = ch;
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        ch.socket().connect(plan.target(), 10_000);
                        ch.configureBlocking(false);
                        c.connected = true;
                    } catch (IOException e) {
                        c.preconnectFailed = true;
                        closeQuietly(c.channel);
                        c.channel = null;
                    }
                }
            }
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            for (Worker w : workers) {
                w.start = start;
                w.measureFrom = start + plan.warmup().toNanos();
                w.measureTo = w.measureFrom + plan.measure().toNanos();
                w.drainTo = w.measureTo + plan.drain().toNanos();
                w.thread.start();
            }
            if (phases != null) {
                sleepUntil(workers[0].measureFrom);
                phases.measureStarts();
                sleepUntil(workers[0].measureTo);
                phases.measureEnds();
            }
            long limit = start + plan.warmup().toNanos() + plan.measure().toNanos() + plan.drain().toNanos()
                    + TimeUnit.SECONDS.toNanos(15);
            for (Worker w : workers) {
                long left = TimeUnit.NANOSECONDS.toMillis(limit - System.nanoTime());
                w.thread.join(Math.max(1, left));
                if (w.thread.isAlive()) {
                    w.thread.interrupt();
                    w.thread.join(5_000);
                    throw new IllegalStateException("load thread " + w.thread.getName() + " did not end in time");
                }
                if (w.failure != null) {
                    throw new IOException("load thread failed: " + w.failure, w.failure);
                }
            }
            return merge(plan, workers, all);
        } finally {
            for (Client c : all) {
                reset(c.channel);
            }
        }
    }

    private static Result merge(Plan plan, Worker[] workers, List<Client> all) {
        Histogram ok = newHistogram();
        Histogram rejected = newHistogram();
        Map<Integer, Long> other = new TreeMap<>();
        long offered = 0;
        long retryAfter = 0;
        long timeouts = 0;
        long okArrived = 0;
        long rejectsArrived = 0;
        long closes = 0;
        long resets = 0;
        long connectFailures = 0;
        long protocolErrors = 0;
        long resent = 0;
        long dropped = 0;
        int windows = 0;
        for (Worker w : workers) {
            ok.add(w.ok);
            rejected.add(w.rejected);
            w.other.forEach((k, v) -> other.merge(k, v, Long::sum));
            offered += w.offered;
            retryAfter += w.retryAfter;
            timeouts += w.timeouts;
            okArrived += w.okArrived;
            rejectsArrived += w.rejectsArrived;
            closes += w.closes;
            resets += w.resets;
            connectFailures += w.connectFailures;
            protocolErrors += w.protocolErrors;
            resent += w.resent;
            dropped += w.dropped;
            windows = Math.max(windows, w.windowOk.size());
        }
        long[] perClient = new long[all.size()];
        for (Client c : all) {
            perClient[c.index] = c.okInWindow;
            if (c.preconnectFailed) {
                connectFailures++;
            }
        }
        List<Window> ws = new ArrayList<>(windows);
        long windowMillis = plan.window().toMillis();
        for (int i = 0; i < windows; i++) {
            Histogram h = newWindowHistogram();
            long rejects = 0;
            for (Worker w : workers) {
                if (i < w.windowOk.size()) {
                    h.add(w.windowOk.get(i));
                    rejects += w.windowRejects.get(i)[0];
                }
            }
            ws.add(new Window(i * windowMillis, h, rejects));
        }
        return new Result(plan, plan.measure().toNanos() / 1e9, offered, ok, rejected, retryAfter, other, timeouts,
                okArrived, rejectsArrived, perClient, closes, resets, connectFailures, protocolErrors, resent, dropped, ws);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    static Histogram newWindowHistogram() {
        return new Histogram(TimeUnit.HOURS.toMicros(1), 2);
    }

    static void reset(SocketChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0); // no TIME_WAIT left behind
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        closeQuietly(ch);
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A FIFO of longs (intended send times), growing as needed. */
    static final class LongQueue {
        private long[] items = new long[16];
        private int head;
        private int size;

        void add(long v) {
            if (size == items.length) {
                long[] bigger = new long[items.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = items[(head + i) & (items.length - 1)];
                }
                items = bigger;
                head = 0;
            }
            items[(head + size) & (items.length - 1)] = v;
            size++;
        }

        long poll() {
            if (size == 0) {
                throw new IllegalStateException("empty");
            }
            long v = items[head];
            head = (head + 1) & (items.length - 1);
            size--;
            return v;
        }

        long get(int i) {
            return items[(head + i) & (items.length - 1)];
        }

        int size() {
            return size;
        }
    }

    /** One client: one connection at a time; touched by its worker thread only. */
    private static final class Client {
        final int index;
        final Group group;
        final double phase;
        final HttpResponseParser parser = new HttpResponseParser();
        final LongQueue waiting = new LongQueue(); // intended times of unanswered requests, oldest first
        int unsent;                                 // the newest `unsent` of them are not on the wire yet
        ByteBuffer out;
        SocketChannel channel;
        SelectionKey key;
        boolean connected;
        boolean failed;                             // a write failed: the connection is to be replaced
        boolean preconnectFailed;
        boolean started;
        long nextSend = Long.MAX_VALUE;             // open loop: the next intended send; closed: after think
        long due = Long.MAX_VALUE;                  // the time this client's timer is set for
        long okInWindow;

        Client(int index, Group group, double phase) {
            this.index = index;
            this.group = group;
            this.phase = phase;
        }
    }

    private record Timer(long due, Client client) {}

    private static final class Worker implements Runnable, HttpResponseParser.Listener {
        final Thread thread;
        final Plan plan;
        final byte[] request;
        final List<Client> clients = new ArrayList<>();
        final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));
        final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
        final Histogram ok = newHistogram();
        final Histogram rejected = newHistogram();
        final Map<Integer, Long> other = new TreeMap<>();
        final SplittableRandom gaps;
        final List<Histogram> windowOk = new ArrayList<>();
        final List<long[]> windowRejects = new ArrayList<>();
        final long windowNanos;
        final long thinkNanos;
        Selector selector;
        long start;
        long measureFrom;
        long measureTo;
        long drainTo;
        long offered;
        long retryAfter;
        long timeouts;
        long okArrived;
        long rejectsArrived;
        long closes;
        long resets;
        long connectFailures;
        long protocolErrors;
        long resent;
        long dropped;
        long now;
        Client current; // the client whose bytes are being parsed
        volatile Throwable failure;

        Worker(int index, Plan plan, byte[] request) {
            this.plan = plan;
            this.request = request;
            this.windowNanos = plan.window().toNanos();
            this.thinkNanos = plan.think().toNanos();
            this.gaps = new SplittableRandom(1000 + index);
            this.thread = new Thread(this, "http-load-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            try (Selector s = Selector.open()) {
                selector = s;
                for (Client c : clients) {
                    c.out = ByteBuffer.allocate(Math.max(16 * 1024, request.length * 8));
                    c.out.flip();
                    if (c.connected) {
                        c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
                    }
                    schedule(c, start + c.group.startAfter().toNanos());
                }
                loop();
                now = System.nanoTime();
                for (Client c : clients) {
                    for (int i = 0; i < c.waiting.size(); i++) {
                        long t = c.waiting.get(i);
                        if (t - measureFrom >= 0 && t - measureTo < 0) {
                            timeouts++;
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private void loop() throws IOException {
            while (!Thread.currentThread().isInterrupted()) {
                now = System.nanoTime();
                if (now - drainTo >= 0) {
                    return;
                }
                if (now - measureTo >= 0 && nothingOutstanding()) {
                    return;
                }
                Timer t;
                while ((t = timers.peek()) != null && t.due - now <= 0) {
                    timers.poll();
                    if (t.client.due == t.due) {
                        t.client.due = Long.MAX_VALUE;
                        onTimer(t.client);
                        replaceIfFailed(t.client);
                    }
                }
                long wake = drainTo;
                if (now - measureTo < 0) {
                    wake = measureTo;
                }
                if (t != null && t.due - wake < 0) {
                    wake = t.due;
                }
                long left = wake - System.nanoTime();
                if (left >= 1_000_000) {
                    selector.select(Math.max(1, left / 1_000_000));
                } else if (left > 0) {
                    if (selector.selectNow() == 0) {
                        LockSupport.parkNanos(left);
                        selector.selectNow();
                    }
                } else {
                    selector.selectNow();
                }
                now = System.nanoTime();
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    Client c = (Client) key.attachment();
                    handle(c, key);
                    replaceIfFailed(c);
                }
            }
        }

        private boolean nothingOutstanding() {
            for (Client c : clients) {
                for (int i = 0; i < c.waiting.size(); i++) {
                    long t = c.waiting.get(i);
                    if (t - measureTo < 0) {
                        return false;
                    }
                }
            }
            return true;
        }

        private void schedule(Client c, long due) {
            c.due = due;
            timers.add(new Timer(due, c));
        }

        private void onTimer(Client c) {
            if (!c.started) {
                c.started = true;
                if (c.channel == null) {
                    connect(c);
                }
                if (plan.mode() == Mode.OPEN) {
                    if (c.group.ratePerClient() <= 0) {
                        return;
                    }
                    long period = (long) (1e9 / c.group.ratePerClient());
                    c.nextSend = now + (long) (c.phase * period);
                } else {
                    c.nextSend = now;
                }
            }
            if (c.channel == null && !c.connected) {
                connect(c); // a reconnect after a failed connect
            }
            if (plan.mode() == Mode.OPEN) {
                double period = 1e9 / c.group.ratePerClient();
                while (c.nextSend - now <= 0 && c.nextSend - measureTo < 0) {
                    enqueue(c, c.nextSend);
                    c.nextSend += plan.poisson() ? (long) (-Math.log(1 - gaps.nextDouble()) * period) : (long) period;
                }
                if (c.nextSend - measureTo < 0) {
                    schedule(c, c.nextSend);
                }
            } else if (c.nextSend - now <= 0 && c.nextSend != Long.MAX_VALUE) {
                long t = c.nextSend;
                c.nextSend = Long.MAX_VALUE;
                if (t - measureTo < 0) {
                    enqueue(c, t);
                }
            } else if (c.nextSend != Long.MAX_VALUE) {
                schedule(c, c.nextSend);
            }
        }

        private void enqueue(Client c, long intended) {
            if (c.waiting.size() >= plan.maxQueuedPerClient()) {
                if (intended - measureFrom >= 0 && intended - measureTo < 0) {
                    dropped++;
                    offered++;
                }
                return;
            }
            if (intended - measureFrom >= 0 && intended - measureTo < 0) {
                offered++;
            }
            c.waiting.add(intended);
            c.unsent++;
            flush(c);
        }

        /** Writes what may go on the wire now; arms OP_WRITE when the socket is full. */
        private void flush(Client c) {
            if (!c.connected || c.failed || c.key == null || !c.key.isValid()) {
                return;
            }
            try {
                while (true) {
                    if (!c.out.hasRemaining()) {
                        int onWire = c.waiting.size() - c.unsent;
                        int room = Math.min(c.unsent, plan.maxPipeline() - onWire);
                        int fit = Math.min(room, c.out.capacity() / request.length);
                        if (fit <= 0) {
                            break;
                        }
                        c.out.clear();
                        for (int i = 0; i < fit; i++) {
                            c.out.put(request);
                        }
                        c.out.flip();
                        c.unsent -= fit;
                    }
                    c.channel.write(c.out);
                    if (c.out.hasRemaining()) {
                        break;
                    }
                }
                int ops = SelectionKey.OP_READ | (c.out.hasRemaining() ? SelectionKey.OP_WRITE : 0);
                if (c.key.interestOps() != ops) {
                    c.key.interestOps(ops);
                }
            } catch (IOException e) {
                // Not replaced here: this may run inside a read, in the middle of the responses of one
                // buffer; the caller's event ends first (replaceIfFailed).
                c.failed = true;
            }
        }

        private void replaceIfFailed(Client c) {
            if (c.failed) {
                lost(c, false);
            }
        }

        private void connect(Client c) {
            try {
                SocketChannel ch = SocketChannel.open();
                c.channel = ch;
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.connected = false;
                if (ch.connect(plan.target())) {
                    c.connected = true;
                    c.key = ch.register(selector, SelectionKey.OP_READ, c);
                    flush(c);
                } else {
                    c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                connectFailed(c);
            }
        }

        private void connectFailed(Client c) {
            connectFailures++;
            if (c.key != null) {
                c.key.cancel();
            }
            reset(c.channel);
            c.channel = null;
            c.key = null;
            c.connected = false;
            // try again a little later; the client's schedule goes on meanwhile
            long retry = now + TimeUnit.MILLISECONDS.toNanos(50);
            if (c.due == Long.MAX_VALUE || retry - c.due < 0) {
                schedule(c, retry);
            }
        }

        private void handle(Client c, SelectionKey key) {
            if (key != c.key || !key.isValid()) {
                return;
            }
            try {
                if (key.isConnectable()) {
                    if (c.channel.finishConnect()) {
                        c.connected = true;
                        key.interestOps(SelectionKey.OP_READ);
                        flush(c);
                    }
                    return;
                }
            } catch (IOException e) {
                connectFailed(c);
                return;
            }
            if (key.isValid() && key.isWritable()) {
                flush(c);
            }
            if (key.isValid() && key.isReadable()) {
                read(c);
            }
        }

        private void read(Client c) {
            current = c;
            try {
                while (true) {
                    in.clear();
                    int n = c.channel.read(in);
                    if (n < 0) {
                        c.parser.endOfInput(this); // throws if it ended inside a response
                        lost(c, true);
                        return;
                    }
                    if (n == 0) {
                        return;
                    }
                    in.flip();
                    if (c.parser.feed(in, this)) {
                        lost(c, true);
                        return;
                    }
                    if (c.failed) {
                        return;
                    }
                    if (n < in.capacity()) {
                        return;
                    }
                }
            } catch (HttpResponseParser.ProtocolException e) {
                protocolErrors++;
                lost(c, false);
            } catch (IOException e) {
                lost(c, false);
            }
        }

        /**
         * The connection is gone: closed by the server ({@code orderly}: after {@code Connection: close}
         * or at the end of a response) or broken (a reset, a write error, a protocol error). Reconnects
         * and resends what is unanswered.
         */
        private void lost(Client c, boolean orderly) {
            c.failed = false;
            if (orderly) {
                closes++;
            } else {
                resets++;
            }
            if (c.key != null) {
                c.key.cancel();
            }
            reset(c.channel);
            c.channel = null;
            c.key = null;
            c.connected = false;
            int onWire = c.waiting.size() - c.unsent;
            resent += onWire;
            c.unsent = c.waiting.size();
            c.out.clear();
            c.out.flip();
            c.parser.reset();
            if (c.waiting.size() > 0 || plan.mode() == Mode.OPEN || now - measureTo < 0) {
                connect(c);
            }
        }

        @Override
        public void onResponse(int status, boolean close, boolean hasRetryAfter) {
            Client c = current;
            long t = c.waiting.poll();
            long latencyMicros = Math.max(0, (now - t) / 1000);
            latencyMicros = Math.min(latencyMicros, ok.getHighestTrackableValue());
            boolean intendedInWindow = t - measureFrom >= 0 && t - measureTo < 0;
            boolean arrivedInWindow = now - measureFrom >= 0 && now - measureTo < 0;
            boolean success = status >= 200 && status < 300;
            if (intendedInWindow) {
                if (success) {
                    ok.recordValue(latencyMicros);
                } else if (status == 503) {
                    rejected.recordValue(latencyMicros);
                    if (hasRetryAfter) {
                        retryAfter++;
                    }
                } else {
                    other.merge(status, 1L, Long::sum);
                }
            }
            if (arrivedInWindow) {
                if (success) {
                    okArrived++;
                    c.okInWindow++;
                } else if (status == 503) {
                    rejectsArrived++;
                }
            }
            if (windowNanos > 0) {
                int w = (int) ((now - start) / windowNanos);
                if (w >= 0 && w < 100_000) {
                    while (windowOk.size() <= w) {
                        windowOk.add(newWindowHistogram());
                        windowRejects.add(new long[1]);
                    }
                    if (success) {
                        windowOk.get(w).recordValue(latencyMicros);
                    } else if (status == 503) {
                        windowRejects.get(w)[0]++;
                    }
                }
            }
            if (plan.mode() == Mode.CLOSED && !close) {
                long next = now + thinkNanos;
                if (next - measureTo < 0) {
                    if (thinkNanos == 0) {
                        enqueue(c, now);
                    } else {
                        c.nextSend = next;
                        schedule(c, next);
                    }
                }
            } else if (plan.mode() == Mode.CLOSED) {
                // the connection closes after this response: send the next one on the new connection
                long next = now + thinkNanos;
                if (next - measureTo < 0) {
                    c.nextSend = next;
                    schedule(c, next);
                }
            }
        }
    }
}
