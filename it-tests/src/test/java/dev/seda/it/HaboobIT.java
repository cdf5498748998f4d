package dev.seda.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The haboob jar as a user runs it: a real process, real sockets on loopback, a real HTTP client. */
class HaboobIT {
    private HaboobProcess haboob;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts {@code java -jar haboob.jar --port 0 ...} and returns the port it printed. */
    private int start(String... args) throws Exception {
        haboob = new HaboobProcess(args);
        return haboob.port;
    }

    @AfterEach
    void stop() throws Exception {
        if (haboob != null) {
            haboob.close();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String raw(int port, String request) throws IOException {
        return haboob.raw(request);
    }

    private static String readResponse(InputStream in) throws IOException {
        return HaboobProcess.readResponse(in);
    }

    @Test
    void servesFilesUnderTheRootAndNothingElse(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(root.resolve("notes.txt"), "plain notes");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<p>docs</p>");
        Files.writeString(dir.resolve("secret.txt"), "top secret");
        Files.createSymbolicLink(root.resolve("escape.txt"), dir.resolve("secret.txt"));
        int port = start("--root", root.toString());

        HttpResponse<String> home = get(port, "/");
        assertEquals(200, home.statusCode());
        assertEquals("<h1>home</h1>", home.body());
        assertEquals("text/html; charset=utf-8", home.headers().firstValue("content-type").orElseThrow());

        HttpResponse<String> notes = get(port, "/notes.txt");
        assertEquals("plain notes", notes.body());
        assertTrue(notes.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        assertEquals("<p>docs</p>", get(port, "/docs/").body());
        HttpResponse<String> directory = get(port, "/docs");
        assertEquals(301, directory.statusCode(), "a directory's address ends with a slash");
        assertEquals("/docs/", directory.headers().firstValue("location").orElseThrow());
        assertEquals(404, get(port, "/missing.html").statusCode());

        HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notes.txt"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("11", head.headers().firstValue("content-length").orElseThrow());
        assertEquals("", head.body());

        // Keep-alive: two requests, one after the other, on one connection.
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String first = readResponse(socket.getInputStream());
            assertTrue(first.startsWith("HTTP/1.1 200 OK\r\n") && first.endsWith("plain notes"), first);
            socket.getOutputStream().write("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String second = readResponse(socket.getInputStream());
            assertTrue(second.startsWith("HTTP/1.1 200 OK\r\n") && second.endsWith("<h1>home</h1>"), second);
        }

        // Pipelining: three requests in one write, a cache miss first; the answers come in request order.
        Files.writeString(root.resolve("big.txt"), "x".repeat(200_000));
        String pipelined = raw(port, "GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        int big = pipelined.indexOf("HTTP/1.1 200 OK");
        int missing = pipelined.indexOf("HTTP/1.1 404 ");
        int last = pipelined.lastIndexOf("HTTP/1.1 200 OK");
        assertTrue(big == 0 && big < missing && missing < last && pipelined.endsWith("plain notes"),
                "pipelined responses in request order");

        // Ways out of the root: the plain kind, encoded forms, a symlink pointing out.
        for (String escape : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/docs/..%2f..%2fsecret.txt",
                "/escape.txt")) {
            String reply = raw(port, "GET " + escape + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertTrue(reply.startsWith("HTTP/1.1 404 "), escape + " -> " + reply);
            assertFalse(reply.contains("top secret"), escape);
        }

        // Malformed input gets 400 and a closed connection; everyone else is still served.
        String garbage = raw(port, "THIS IS NOT HTTP\r\n\r\n");
        assertTrue(garbage.startsWith("HTTP/1.1 400 Bad Request\r\n"), garbage);
        assertTrue(garbage.contains("Connection: close"), garbage);
        assertEquals(200, get(port, "/notes.txt").statusCode());
        assertTrue(raw(port, "DELETE /notes.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 405 "));
        assertTrue(Files.exists(root.resolve("notes.txt")));
    }

    @Test
    void answersConditionalAndRangeRequestsAndNoticesAChangedFile(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path page = Files.writeString(root.resolve("page.txt"), "0123456789");
        Files.setLastModifiedTime(page, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));
        start("--root", root.toString(), "--cache-refresh-ms", "100");

        String whole = haboob.get("/page.txt");
        assertTrue(whole.startsWith("HTTP/1.1 200 OK\r\n"), whole);
        assertTrue(whole.contains("Last-Modified: Tue, 14 Nov 2023 22:13:20 GMT\r\n"), whole);
        assertTrue(whole.contains("Accept-Ranges: bytes\r\n"), whole);

        String notModified = haboob.get("/page.txt", "If-Modified-Since: Tue, 14 Nov 2023 22:13:20 GMT");
        assertTrue(notModified.startsWith("HTTP/1.1 304 Not Modified\r\n") && notModified.endsWith("\r\n\r\n"),
                notModified);
        assertTrue(haboob.get("/page.txt", "If-Modified-Since: Mon, 13 Nov 2023 00:00:00 GMT")
                .startsWith("HTTP/1.1 200 "), "modified since an older date");

        String range = haboob.get("/page.txt", "Range: bytes=3-5");
        assertTrue(range.startsWith("HTTP/1.1 206 Partial Content\r\n") && range.endsWith("\r\n\r\n345"), range);
        assertTrue(range.contains("Content-Range: bytes 3-5/10\r\n"), range);
        String past = haboob.get("/page.txt", "Range: bytes=10-");
        assertTrue(past.startsWith("HTTP/1.1 416 ") && past.contains("Content-Range: bytes */10\r\n"), past);

        // The cache revalidates: a changed file is served within about the refresh period.
        Files.writeString(page, "changed");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String now;
        do {
            Thread.sleep(50);
            now = haboob.get("/page.txt");
        } while (!now.endsWith("\r\n\r\nchanged") && System.nanoTime() < until);
        assertTrue(now.endsWith("\r\n\r\nchanged"), now);
        assertFalse(now.contains("2023"), "a new Last-Modified: " + now);
    }

    @Test
    void servesItsBundledSiteWithItsOwnDiagramAndStopsOnSigterm() throws Exception {
        int port = start();
        HttpResponse<String> home = get(port, "/");
        assertEquals(200, home.statusCode());
        assertTrue(home.body().contains("<img src=\"haboob.svg\""), home.body());
        HttpResponse<String> svg = get(port, "/haboob.svg");
        assertEquals(200, svg.statusCode());
        assertEquals("image/svg+xml", svg.headers().firstValue("content-type").orElseThrow());
        for (String stage : List.of("parse", "connections", "lookup", "render", "files:fileRead", "fileRead", "reply", "sweep")) {
            assertTrue(svg.body().contains(stage), "the diagram shows stage " + stage);
        }
        assertEquals(200, get(port, "/haboob.html").statusCode());

        haboob.process.destroy();
        assertTrue(haboob.process.waitFor(15, TimeUnit.SECONDS), "stops on SIGTERM");
        assertTrue(haboob.output().stream().noneMatch(l -> l.contains("Exception")), String.join("\n", haboob.output()));
    }
}
