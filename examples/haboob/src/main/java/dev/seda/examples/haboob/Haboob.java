package dev.seda.examples.haboob;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Every;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Pool;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.Config;
import dev.seda.runtime.FileCompletion;
import dev.seda.runtime.TcpConnection;
import dev.seda.runtime.TcpEvent;
import dev.seda.runtime.TcpPacket;
import dev.seda.runtime.Tick;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A static-file HTTP/1.1 server in the spirit of the paper's Haboob: parse, look up in a page cache,
 * read misses through the asynchronous file stage, reply. Pages under {@code /dynamic/} are computed
 * by the render stage, the deliberately expensive request class. Each step is a stage with its own
 * queue; no stage thread blocks on a file read. Under overload the render and file stages admit only
 * what they can answer within their response-time targets; the rest get 503 at once.
 *
 * <p>The cheap stages run on a shared pool of one worker per processor ({@code --shared-threads}
 * overrides it): a request crosses three of them in a few microseconds each, and a handoff between
 * threads of their own would cost a context switch each, most of a request's time. The render
 * stage keeps threads of its own, so its long computations never hold up the 503s and cache hits
 * that the shared workers answer meanwhile.
 *
 * <p>Options (see the example's README): {@code --port} (8080), {@code --root} (the bundled demo site
 * when absent), {@code --cache-mb} (32), {@code --dynamic-ms} (2) or {@code --dynamic-rounds},
 * {@code --retry-after-s} (1), {@code --header-timeout-s} (10), {@code --idle-timeout-s} (60),
 * {@code --cache-refresh-ms} (1000), {@code --report-s} (5).
 */
@StageGraph(value = "haboob", sharedThreads = StageGraph.CORES)
public final class Haboob {
    private final Path root;
    private final PageCache cache;
    private final long dynamicRounds;
    private final int retryAfterSeconds;
    private final long headTimeoutNanos;
    private final long idleTimeoutNanos;
    private final Map<TcpConnection, Conversation> conversations = new ConcurrentHashMap<>();
    private final Traffic traffic;

    public Haboob(Config config) {
        this.root = config.get("root").map(Haboob::existingDirectory).orElseGet(BundledSite::extract);
        this.cache = new PageCache(config.integer("cache-mb", 32) * 1024L * 1024L,
                TimeUnit.MILLISECONDS.toNanos(config.integer("cache-refresh-ms", 1000)));
        this.dynamicRounds = config.get("dynamic-rounds").isPresent()
                ? positive(config.integer("dynamic-rounds", 1), "--dynamic-rounds")
                : DynamicPage.roundsFor(Duration.ofMillis(positive(config.integer("dynamic-ms", 2), "--dynamic-ms")));
        this.retryAfterSeconds = positive(config.integer("retry-after-s", 1), "--retry-after-s");
        this.headTimeoutNanos = TimeUnit.SECONDS.toNanos(positive(config.integer("header-timeout-s", 10),
                "--header-timeout-s"));
        this.idleTimeoutNanos = TimeUnit.SECONDS.toNanos(positive(config.integer("idle-timeout-s", 60),
                "--idle-timeout-s"));
        int reportSeconds = config.integer("report-s", 5);
        if (reportSeconds < 0) {
            throw new IllegalArgumentException("--report-s must be 0 (off) or more, got " + reportSeconds);
        }
        this.traffic = new Traffic(TimeUnit.SECONDS.toNanos(reportSeconds));
        System.out.println("haboob serving " + root + "; a page under " + DynamicPage.PREFIX + " costs "
                + dynamicRounds + " SHA-256 rounds");
    }

    private static Path existingDirectory(String path) {
        try {
            Path real = Path.of(path).toRealPath();
            if (!Files.isDirectory(real)) {
                throw new IOException("not a directory");
            }
            return real;
        } catch (IOException e) {
            throw new IllegalArgumentException("--root " + path + " is not an existing directory");
        }
    }

    private static int positive(int value, String option) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
        return value;
    }

    /**
     * One thread: a connection's packets must be parsed in the order they arrived. Past 1024 queued
     * packets the listener stops accepting, so new connections wait in the kernel's backlog instead of
     * adding work that would only be answered with 503.
     */
    @Stage(threads = "1", queue = 4096)
    @Listen(port = 8080, pauseAcceptingAbove = 1024, events = "connections")
    @Emits({"lookup", "reply"})
    void parse(TcpPacket packet, HaboobOut.Parse out) {
        TcpConnection connection = packet.connection();
        long now = System.nanoTime();
        Conversation conversation = conversation(connection, now);
        try {
            for (HttpRequest request : conversation.feed(packet.bytes(), now)) {
                if (!out.lookup(connection, request)) {
                    shed(connection, request, out::reply);
                }
            }
        } catch (HttpParser.BadRequest e) {
            out.reply(connection, conversation.parser.nextSequence(), HttpResponse.badRequest(e.status));
        }
    }

    /**
     * Connections opening and closing: a connection is watched by the sweep stage from the moment it
     * opens, so one that never sends a byte is closed at the idle timeout too.
     */
    @Stage(threads = "1", queue = 4096, sink = true)
    void connections(TcpEvent event) {
        if (event.kind() == TcpEvent.Kind.OPENED) {
            conversation(event.connection(), System.nanoTime());
        } else {
            conversations.remove(event.connection());
        }
    }

    /** The connection's conversation, made by whichever of parse and connections sees it first. */
    private Conversation conversation(TcpConnection connection, long now) {
        Conversation c = (Conversation) connection.attachment();
        if (c != null) {
            return c;
        }
        c = conversations.computeIfAbsent(connection, k -> new Conversation(k, now));
        connection.attach(c);
        return c;
    }

    @Stage(threads = "1..2", queue = 4096)
    @Emits({"fileRead", "render", "reply"})
    void lookup(TcpConnection connection, HttpRequest request, HaboobOut.Lookup out) {
        if (!request.method().equals("GET") && !request.isHead()) {
            out.reply(connection, request.sequence(), HttpResponse.error(405, request));
            return;
        }
        if (request.rawPath().startsWith(DynamicPage.PREFIX)) {
            if (!out.render(connection, request)) {
                shed(connection, request, out::reply); // over the render stage's response-time target
            }
            return;
        }
        Path file;
        try {
            file = SafePaths.resolve(root, request.rawPath());
        } catch (SafePaths.Refused e) {
            out.reply(connection, request.sequence(), HttpResponse.error(e.status, request));
            return;
        }
        if (request.rawPath().endsWith("/")) {
            file = file.resolve("index.html");
        }
        PageCache.Lookup found = cache.get(file, System.nanoTime());
        if (found.page() != null && !found.refresh()) {
            out.reply(connection, request.sequence(), HttpResponse.page(found.page(), request));
        } else if (!out.fileRead().readAll(file, new Miss(connection, request, file))) {
            // The file stage is full or over its target: a page due for a refresh is served as cached
            // (the next request tries again); a miss is shed.
            if (found.page() != null) {
                cache.refreshNotDone(file);
                out.reply(connection, request.sequence(), HttpResponse.page(found.page(), request));
            } else {
                shed(connection, request, out::reply);
            }
        }
    }

    /** Where a response goes: the reply stage's emitter method. */
    private interface Replies {
        boolean reply(TcpConnection connection, long sequence, HttpResponse response);
    }

    /** Answers a request the server cannot take now with 503; if even that cannot be queued, hangs up. */
    private void shed(TcpConnection connection, HttpRequest request, Replies replies) {
        if (!replies.reply(connection, request.sequence(), HttpResponse.busy(request, retryAfterSeconds))) {
            connection.close(); // its responses could no longer be written in order
        }
    }

    /**
     * The expensive pages, computed on every request. Its response-time controller admits only what it
     * can answer with a 90th percentile under the target of each request class: 200 ms for anonymous
     * requests, 100 ms for signed-in users' (see {@link HttpRequest#requestClass()}), anonymous ones
     * shed first. Lookup answers what it does not admit with 503.
     */
    @Stage(threads = "1..2", queue = 1024, responseTargetMillis = {200, 100}, pool = Pool.OWN)
    @Emits("reply")
    void render(TcpConnection connection, HttpRequest request, HaboobOut.Render out) {
        byte[] page = DynamicPage.render(request.target(), dynamicRounds);
        out.reply(connection, request.sequence(), HttpResponse.dynamic(page, request));
    }

    /** A cache miss on its way through the async file stage: whom to answer, and with what. */
    record Miss(TcpConnection connection, HttpRequest request, Path file) {}

    /**
     * Completions of the file stage, whose bounded pool did the blocking reads; lookup answers 503
     * at once when that pool's queue is full. No response-time target here: a completion is the rest
     * of a request already admitted, which the runtime delivers past admission control (shedding it
     * would leave its request unanswered and stall every later response on that connection, since
     * HTTP/1.1 answers in order), so a target could not shed anything.
     */
    @Stage(threads = "1..2", queue = 1024)
    @Emits("reply")
    void fileRead(FileCompletion<Miss> done, HaboobOut.FileRead out) {
        Miss miss = done.attachment();
        HttpRequest request = miss.request();
        if (!done.ok()) {
            cache.remove(miss.file());
            boolean missing = done.error() instanceof NoSuchFileException;
            if (!missing && Files.isDirectory(miss.file())) { // metadata only, on the error path
                out.reply(miss.connection(), request.sequence(), HttpResponse.redirect(request.rawPath() + "/", request));
            } else {
                out.reply(miss.connection(), request.sequence(), HttpResponse.error(missing ? 404 : 500, request));
            }
            return;
        }
        if (!isInsideRoot(miss.file())) {
            // a symlink pointing out of the root
            cache.remove(miss.file());
            out.reply(miss.connection(), request.sequence(), HttpResponse.error(404, request));
            return;
        }
        byte[] bytes = new byte[done.data().remaining()];
        done.data().get(bytes);
        Instant modified = done.lastModified().toInstant();
        Page page = new Page(Page.contentType(miss.file().getFileName().toString()), bytes, modified,
                System.nanoTime());
        cache.put(miss.file(), page);
        out.reply(miss.connection(), request.sequence(), HttpResponse.page(page, request));
    }

    private boolean isInsideRoot(Path file) {
        try {
            return file.toRealPath().startsWith(root);
        } catch (IOException e) {
            return false;
        }
    }

    /** One thread: it writes each connection's responses in the order its requests came. */
    @Stage(threads = "1", queue = 4096, sink = true) // the response leaves through the connection
    void reply(TcpConnection connection, long sequence, HttpResponse response) {
        Conversation conversation = (Conversation) connection.attachment();
        for (HttpResponse ready : conversation.ready(sequence, response)) {
            traffic.count(ready.status());
            connection.write(ready.encode());
            if (!ready.keepAlive()) {
                connection.closeAfterWrites();
                return;
            }
        }
    }

    /**
     * Once a second: closes connections stuck inside a request head past the header timeout (clients
     * that trickle bytes to hold a connection) and connections idle past the idle timeout, forgets
     * closed ones, and prints what was answered and shed every {@code --report-s} seconds.
     */
    @Stage(threads = "1", sink = true)
    @Every(millis = 1000)
    void sweep(Tick tick) {
        long now = System.nanoTime();
        String report = traffic.report(now, conversations.size());
        if (report != null) {
            System.out.println(report);
        }
        for (Conversation c : conversations.values()) {
            if (!c.connection.isOpen()) {
                conversations.remove(c.connection); // its CLOSED was not admitted, or came first
                continue;
            }
            long headSince = c.headSince;
            if (headSince != 0 && now - headSince > headTimeoutNanos) {
                c.connection.close(); // a head that takes this long is an attack or a broken client
            } else if (headSince == 0 && now - c.lastRead > idleTimeoutNanos) {
                c.connection.closeAfterWrites();
            }
        }
    }

    /** Responses written, by kind, and the report of them that the sweep stage prints. */
    private static final class Traffic {
        private final LongAdder ok = new LongAdder();         // 2xx and 3xx
        private final LongAdder clientErrors = new LongAdder();
        private final LongAdder shed = new LongAdder();       // 503
        private final LongAdder serverErrors = new LongAdder();
        private final long periodNanos;
        private long last = System.nanoTime();
        private long[] before = new long[4];

        Traffic(long periodNanos) {
            this.periodNanos = periodNanos;
        }

        void count(int status) {
            (status < 400 ? ok : status < 500 ? clientErrors : status == 503 ? shed : serverErrors).increment();
        }

        /** A line on the last period when one has passed and there was traffic; else null. Sweep thread only. */
        String report(long now, int connections) {
            if (periodNanos == 0 || now - last < periodNanos) {
                return null;
            }
            long[] totals = {ok.sum(), clientErrors.sum(), shed.sum(), serverErrors.sum()};
            long[] d = new long[4];
            long all = 0;
            for (int i = 0; i < 4; i++) {
                d[i] = totals[i] - before[i];
                all += d[i];
            }
            double seconds = (now - last) / 1e9;
            before = totals;
            last = now;
            if (all == 0) {
                return null;
            }
            return String.format(java.util.Locale.ROOT,
                    "haboob: %.0f responses/s: %.0f ok, %.0f shed with 503 (%.0f%%), %.0f 4xx, %.0f 5xx; %d connections",
                    all / seconds, d[0] / seconds, d[2] / seconds, 100.0 * d[2] / all, d[1] / seconds, d[3] / seconds,
                    connections);
        }
    }
}
