package dev.seda.benchmarks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.seda.examples.haboob.DynamicPage;
import dev.seda.runtime.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's own {@code com.sun.net.httpserver.HttpServer} with a fixed thread pool, serving the same
 * content as the Netty server: files cached in memory after their first read, GET and HEAD (405
 * otherwise), 404, and {@code /dynamic/} pages rendered by haboob's {@link DynamicPage} on the pool's
 * threads. This is the thread-pool server of issue 6: one dispatcher thread accepts and reads request
 * heads, each exchange runs on a pool thread, and the pool's queue is unbounded, so it never sheds
 * load.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.http.JdkStaticServer --port 8080 --root DIR \
 *     [--dynamic-rounds 5000] [--threads max(4, 2 x cores)] [--backlog 1024] [--host 127.0.0.1]
 * </pre>
 *
 * <p>Threads: a handler never blocks on a disk (files are served from memory after their first
 * read) and the dynamic pages are pure CPU work, so threads beyond the cores only help while one
 * is blocked writing to a slow socket; twice the cores, at least 4, keeps the core busy through
 * that without the context switches of a large pool. On a server pinned to one core that is 4.
 * {@code sun.net.httpserver.nodelay} is set to true (unless given): without it every response waits
 * for the client's delayed ACK. The JDK's defaults are kept otherwise (notably {@code sun.net.httpserver.maxIdleConnections},
 * 200 on JDK 17: more idle keep-alive connections than that are closed by the server).
 */
public final class JdkStaticServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool;

    private JdkStaticServer(Config config) throws IOException {
        // Without TCP_NODELAY the server's separate writes of head and body meet the client's delayed
        // ACK: ~40 ms per response. Every tuning guide says to set it; the comparison would be a straw man.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        String host = config.string("host", "127.0.0.1");
        int port = config.integer("port", 8080);
        StaticFiles files = new StaticFiles(Path.of(config.get("root")
                .orElseThrow(() -> new IllegalArgumentException("--root DIR is required"))));
        long rounds = Long.parseLong(config.string("dynamic-rounds", "5000"));
        int threads = config.integer("threads", Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        int backlog = config.integer("backlog", 1024);
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "jdk-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(host, port), backlog);
        server.createContext("/", exchange -> handle(exchange, files, rounds));
        server.setExecutor(pool);
        server.start();
        System.out.println("jdk-httpserver serving " + files.root() + " on " + server.getAddress() + ", " + threads
                + " threads, dynamic rounds " + rounds);
    }

    /** Starts a server; {@link #close} stops it. */
    public static JdkStaticServer start(Config config) throws IOException {
        return new JdkStaticServer(config);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        JdkStaticServer server = start(Config.fromArgs(args));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "jdk-http-stop"));
        stopped.await();
    }

    private static void handle(HttpExchange exchange, StaticFiles files, long rounds) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                text(exchange, 405, "Method Not Allowed");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path == null) {
                text(exchange, 400, "Bad Request");
            } else if (path.startsWith(DynamicPage.PREFIX)) {
                send(exchange, 200, "text/plain; charset=utf-8", DynamicPage.render(path, rounds), head);
            } else {
                StaticFiles.Page page = files.get(path);
                if (page == null) {
                    text(exchange, 404, "Not Found");
                } else {
                    send(exchange, 200, page.contentType(), page.bytes(), head);
                }
            }
        }
    }

    private static void text(HttpExchange exchange, int status, String reason) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8",
                (status + " " + reason + "\n").getBytes(StandardCharsets.UTF_8), false);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body, boolean head)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        if (body.length == 0) {
            exchange.sendResponseHeaders(status, -1); // 0 would mean chunked
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
