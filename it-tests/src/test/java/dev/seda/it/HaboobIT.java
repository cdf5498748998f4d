package dev.seda.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The haboob jar as a user runs it: a real process, real sockets on loopback, a real HTTP client. */
class HaboobIT {
    private static final Pattern LISTENING = Pattern.compile("parse listening on 127\\.0\\.0\\.1:(\\d+)");

    private Process server;
    private final List<String> output = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Starts {@code java -jar haboob.jar --port 0 ...} and returns the port it printed. */
    private int start(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("haboob.jar"), "--port", "0"));
        command.addAll(List.of(args));
        server = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            port.completeExceptionally(new IllegalStateException("haboob exited before listening: " + output));
        });
        reader.setDaemon(true);
        reader.start();
        return port.get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy(); // SIGTERM, like Ctrl-C
            if (!server.waitFor(15, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                throw new AssertionError("haboob did not stop on SIGTERM: " + output);
            }
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends raw bytes on a fresh connection and reads until the server closes it (or 5 s pass). */
    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                got.write(buffer, 0, n);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads one response: the head, then as many body bytes as its Content-Length says. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + got);
            }
            got.write(b);
        }
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(got.toString(StandardCharsets.ISO_8859_1));
        assertTrue(length.find(), got.toString(StandardCharsets.ISO_8859_1));
        got.write(in.readNBytes(Integer.parseInt(length.group(1))));
        return got.toString(StandardCharsets.ISO_8859_1);
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
    void servesItsBundledSiteWithItsOwnDiagramAndStopsOnSigterm() throws Exception {
        int port = start();
        HttpResponse<String> home = get(port, "/");
        assertEquals(200, home.statusCode());
        assertTrue(home.body().contains("<img src=\"haboob.svg\""), home.body());
        HttpResponse<String> svg = get(port, "/haboob.svg");
        assertEquals(200, svg.statusCode());
        assertEquals("image/svg+xml", svg.headers().firstValue("content-type").orElseThrow());
        for (String stage : List.of("parse", "lookup", "files:fileRead", "fileRead", "reply")) {
            assertTrue(svg.body().contains(stage), "the diagram shows stage " + stage);
        }
        assertEquals(200, get(port, "/haboob.html").statusCode());

        server.destroy();
        assertTrue(server.waitFor(15, TimeUnit.SECONDS), "stops on SIGTERM");
        synchronized (output) {
            assertTrue(output.stream().noneMatch(l -> l.contains("Exception")), String.join("\n", output));
        }
    }
}
