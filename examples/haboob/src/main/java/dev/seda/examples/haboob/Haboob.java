package dev.seda.examples.haboob;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.Config;
import dev.seda.runtime.TcpConnection;
import dev.seda.runtime.TcpPacket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A static-file HTTP/1.1 server in the spirit of the paper's Haboob: parse, look up in a page cache,
 * read misses from disk, reply. Each step is a stage with its own queue and threads.
 *
 * <p>Options: {@code --port} (8080), {@code --root} (the bundled demo site when absent),
 * {@code --cache-mb} (32).
 */
@StageGraph("haboob")
public final class Haboob {
    private final Path root;
    private final PageCache cache;

    public Haboob(Config config) {
        this.root = config.get("root").map(Haboob::existingDirectory).orElseGet(BundledSite::extract);
        this.cache = new PageCache(config.integer("cache-mb", 32) * 1024L * 1024L);
        System.out.println("haboob serving " + root);
    }

    private static Path existingDirectory(String path) {
        try {
            return Path.of(path).toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("--root " + path + " is not an existing directory");
        }
    }

    /** One thread: a connection's packets must be parsed in the order they arrived. */
    @Stage(threads = "1", queue = 4096)
    @Listen(port = 8080)
    @Emits({"lookup", "reply"})
    void parse(TcpPacket packet, HaboobOut.Parse out) {
        TcpConnection connection = packet.connection();
        HttpParser parser = (HttpParser) connection.attachment();
        if (parser == null) {
            parser = new HttpParser();
            connection.attach(parser);
        }
        try {
            for (HttpRequest request : parser.feed(packet.bytes())) {
                if (!out.lookup(connection, request)) {
                    out.reply(connection, HttpResponse.error(503, false)); // shed load, explicitly
                }
            }
        } catch (HttpParser.BadRequest e) {
            connection.attach(null);
            out.reply(connection, HttpResponse.error(e.status, false));
        }
    }

    @Stage(threads = "1..2", queue = 4096)
    @Emits({"readFile", "reply"})
    void lookup(TcpConnection connection, HttpRequest request, HaboobOut.Lookup out) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            out.reply(connection, HttpResponse.error(405, request.keepAlive()));
            return;
        }
        Path file;
        try {
            file = SafePaths.resolve(root, request.rawPath());
        } catch (SafePaths.Refused e) {
            out.reply(connection, HttpResponse.error(e.status, request.keepAlive()));
            return;
        }
        Page page = cache.get(file);
        if (page != null) {
            out.reply(connection, HttpResponse.page(page, request));
        } else if (!out.readFile(connection, request, file)) {
            out.reply(connection, HttpResponse.error(503, false));
        }
    }

    /**
     * Blocking reads on a pool of their own, so disk waits never stall parsing or replies. The pool
     * grows from 1 to 4 threads with the backlog; past a 500 ms 90th-percentile response time the
     * stage admits less, and lookup answers 503 at once instead of queueing.
     */
    @Stage(threads = "1..4", queue = 1024, responseTargetMillis = 500)
    @Emits("reply")
    void readFile(TcpConnection connection, HttpRequest request, Path file, HaboobOut.ReadFile out) {
        HttpResponse response;
        try {
            Path target = Files.isDirectory(file) ? file.resolve("index.html") : file;
            if (!target.toRealPath().startsWith(root) || !Files.isRegularFile(target)) {
                throw new NoSuchFileException(target.toString()); // a symlink out of the root, or not a file
            }
            Page page = new Page(Page.contentType(target.getFileName().toString()), Files.readAllBytes(target));
            cache.put(file, page);
            response = HttpResponse.page(page, request);
        } catch (NoSuchFileException e) {
            response = HttpResponse.error(404, request.keepAlive());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // counted and logged by the stage; the client gets no reply
        }
        out.reply(connection, response);
    }

    @Stage(threads = "1", queue = 4096, sink = true) // the response leaves through the connection
    void reply(TcpConnection connection, HttpResponse response) {
        connection.write(response.encode());
        if (!response.keepAlive()) {
            connection.closeAfterWrites();
        }
    }
}
