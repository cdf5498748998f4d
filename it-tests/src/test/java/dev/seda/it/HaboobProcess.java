package dev.seda.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The haboob jar run as a user runs it, {@code java -jar haboob.jar --port 0 ...}, on loopback, and the
 * raw-socket helpers the tests talk to it with. Close stops it with SIGTERM, like Ctrl-C.
 */
final class HaboobProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("parse listening on 127\\.0\\.0\\.1:(\\d+)");

    final Process process;
    final int port;
    private final List<String> output = new ArrayList<>();

    HaboobProcess(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("haboob.jar"), "--port", "0"));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            listening.completeExceptionally(new IllegalStateException("haboob exited before listening: " + output()));
        });
        reader.setDaemon(true);
        reader.start();
        try {
            port = listening.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /** What the server printed so far. */
    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /** Stops it with SIGTERM and fails if it does not stop cleanly. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("haboob did not stop on SIGTERM: " + output());
            }
        }
    }

    Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        return socket;
    }

    /** Sends raw bytes on a fresh connection and reads until the server closes it (or 5 s pass). */
    String raw(String request) throws IOException {
        try (Socket socket = connect()) {
            send(socket, request);
            return readToEnd(socket.getInputStream());
        }
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            got.write(buffer, 0, n);
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one response: the head, then as many body bytes as its Content-Length says (none for 304). */
    static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + got);
            }
            got.write(b);
        }
        String head = got.toString(StandardCharsets.ISO_8859_1);
        if (head.startsWith("HTTP/1.1 304 ")) {
            return head;
        }
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        assertTrue(length.find(), head);
        got.write(in.readNBytes(Integer.parseInt(length.group(1))));
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** One GET on its own connection, answered and closed. */
    String get(String path, String... headers) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        for (String h : headers) {
            request.append(h).append("\r\n");
        }
        return raw(request.append("\r\n").toString());
    }
}
