package dev.seda.examples.haboob;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.runtime.Config;
import dev.seda.runtime.FileCompletion;
import dev.seda.runtime.TcpConnection;
import dev.seda.runtime.TcpPacket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A static-file HTTP/1.1 server in the spirit of the paper's Haboob: parse, look up in a page cache,
 * read misses through the asynchronous file stage, reply. Each step is a stage with its own queue
 * and threads; no stage thread blocks on a file read.
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
        Conversation conversation = (Conversation) connection.attachment();
        if (conversation == null) {
            conversation = new Conversation();
            connection.attach(conversation);
        }
        HttpParser parser = conversation.parser;
        try {
            for (HttpRequest request : parser.feed(packet.bytes())) {
                if (!out.lookup(connection, request)) {
                    out.reply(connection, request.sequence(), HttpResponse.error(503, false)); // shed, explicitly
                }
            }
        } catch (HttpParser.BadRequest e) {
            out.reply(connection, parser.nextSequence(), HttpResponse.error(e.status, false));
        }
    }

    @Stage(threads = "1..2", queue = 4096)
    @Emits({"fileRead", "reply"})
    void lookup(TcpConnection connection, HttpRequest request, HaboobOut.Lookup out) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            out.reply(connection, request.sequence(), HttpResponse.error(405, request.keepAlive()));
            return;
        }
        Path file;
        try {
            file = SafePaths.resolve(root, request.rawPath());
        } catch (SafePaths.Refused e) {
            out.reply(connection, request.sequence(), HttpResponse.error(e.status, request.keepAlive()));
            return;
        }
        if (request.rawPath().endsWith("/")) {
            file = file.resolve("index.html");
        }
        Page page = cache.get(file);
        if (page != null) {
            out.reply(connection, request.sequence(), HttpResponse.page(page, request));
        } else if (!out.fileRead().readAll(file, new Miss(connection, request, file))) {
            // the file stage is full: shed, explicitly
            out.reply(connection, request.sequence(), HttpResponse.error(503, false));
        }
    }

    /** A cache miss on its way through the async file stage: whom to answer, and with what. */
    record Miss(TcpConnection connection, HttpRequest request, Path file) {}

    /**
     * Completions of the file stage, whose bounded pool did the blocking reads. Past a 500 ms
     * 90th-percentile response time this stage admits less, and the file stage answers 503 at once.
     */
    @Stage(threads = "1..2", queue = 1024, responseTargetMillis = 500)
    @Emits("reply")
    void fileRead(FileCompletion<Miss> done, HaboobOut.FileRead out) {
        Miss miss = done.attachment();
        HttpRequest request = miss.request();
        if (!done.ok()) {
            boolean missing = done.error() instanceof NoSuchFileException;
            if (!missing && Files.isDirectory(miss.file())) { // metadata only, on the error path
                out.reply(miss.connection(), request.sequence(),
                        HttpResponse.redirect(request.rawPath() + "/", request.keepAlive()));
            } else {
                out.reply(miss.connection(), request.sequence(),
                        HttpResponse.error(missing ? 404 : 500, request.keepAlive()));
            }
            return;
        }
        if (!isInsideRoot(miss.file())) {
            // a symlink pointing out of the root
            out.reply(miss.connection(), request.sequence(), HttpResponse.error(404, request.keepAlive()));
            return;
        }
        byte[] bytes = new byte[done.data().remaining()];
        done.data().get(bytes);
        Page page = new Page(Page.contentType(miss.file().getFileName().toString()), bytes);
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
            connection.write(ready.encode());
            if (!ready.keepAlive()) {
                connection.closeAfterWrites();
                return;
            }
        }
    }
}
