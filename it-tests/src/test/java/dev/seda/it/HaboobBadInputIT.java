package dev.seda.it;

import static dev.seda.it.HaboobProcess.readResponse;
import static dev.seda.it.HaboobProcess.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input never harms other clients. Each kind of bad client is let loose on a real haboob process
 * while a well-behaved client holds a keep-alive connection; the bad one gets the right status or a
 * closed connection, and the good one is served throughout.
 */
@Timeout(60)
class HaboobBadInputIT {
    private static final String NOTES = "plain notes";

    @TempDir
    Path dir;
    private Path root;
    private HaboobProcess haboob;
    private Socket good;

    @BeforeEach
    void site() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("notes.txt"), NOTES);
        Files.write(root.resolve("big.bin"), new byte[256 * 1024]);
        Files.writeString(dir.resolve("secret.txt"), "top secret");
    }

    private void start(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--root", root.toString()));
        all.addAll(List.of(args));
        haboob = new HaboobProcess(all.toArray(String[]::new));
        good = haboob.connect();
        assertGoodClientServed();
    }

    @AfterEach
    void stop() throws Exception {
        if (good != null) {
            good.close();
        }
        if (haboob != null) {
            haboob.close();
        }
    }

    /** The well-behaved client, on the same keep-alive connection all along, gets its page. */
    private void assertGoodClientServed() throws IOException {
        send(good, "GET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        String response = readResponse(good.getInputStream());
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n") && response.endsWith(NOTES), response);
    }

    @Test
    void malformedAndOversizedRequestsGetTheirStatusAndAClosedConnection() throws Exception {
        start();
        String longHeader = "X-Long: " + "a".repeat(9000) + "\r\n";
        List<List<String>> cases = List.of(
                List.of("THIS IS NOT HTTP\r\n\r\n", "400"),
                List.of("GET / HTTP/9.9\r\nHost: x\r\n\r\n", "400"),
                List.of("GET / HTTP/1.1\r\n\r\n", "400"),                                  // no Host
                List.of("GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", "400"),
                List.of("GET / HTTP/1.1\r\nHost: x\r\n folded: header\r\n\r\n", "400"),
                List.of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nine\r\n\r\n", "400"),
                List.of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "400"),
                List.of("\0\1\2\3\r\n\r\n", "400"),
                List.of("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"),
                List.of("GET / HTTP/1.1\r\nHost: x\r\n" + longHeader + "\r\n", "431"),
                List.of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n", "413"));
        for (List<String> c : cases) {
            String reply = haboob.raw(c.get(0));
            String what = c.get(0).substring(0, Math.min(40, c.get(0).length()));
            assertTrue(reply.startsWith("HTTP/1.1 " + c.get(1) + " "), what + " -> " + reply);
            assertTrue(reply.contains("Connection: close\r\n"), what + " -> " + reply);
            assertGoodClientServed();
        }
        // After the bad request nothing more is read from that connection: no second answer.
        String reply = haboob.raw("GARBAGE\r\n\r\nGET /notes.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        assertFalse(reply.contains(NOTES), reply);
    }

    @Test
    void pathsThatTryToEscapeTheRootAreNotFound() throws Exception {
        Files.createSymbolicLink(root.resolve("escape.txt"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outside"), dir);
        start();
        for (String escape : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                "/..%5csecret.txt", "/notes.txt/../../secret.txt", "/escape.txt", "/outside/secret.txt",
                "/%00", "//etc/passwd", "/notes.txt%00.html")) {
            String reply = haboob.get(escape);
            assertTrue(reply.startsWith("HTTP/1.1 404 ") || reply.startsWith("HTTP/1.1 400 "), escape + " -> " + reply);
            assertFalse(reply.contains("top secret") || reply.contains("root:"), escape);
            assertGoodClientServed();
        }
    }

    @Test
    void aClientTricklingItsHeadIsCutOffWhileOthersAreServed() throws Exception {
        start("--header-timeout-s", "1");
        try (Socket slow = haboob.connect()) {
            send(slow, "GET /notes.txt HTTP/1.1\r\nHo");
            long start = System.nanoTime();
            boolean closed = false;
            // One byte every 100 ms: always active, never done.
            while (!closed && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10)) {
                try {
                    send(slow, "o");
                    Thread.sleep(100);
                    assertGoodClientServed();
                } catch (SocketException e) {
                    closed = true; // the server reset it
                }
            }
            if (!closed) {
                slow.setSoTimeout(2000);
                closed = readEnded(slow.getInputStream());
            }
            assertTrue(closed, "the trickling client is closed (well before the 60 s idle timeout)");
        }
        assertGoodClientServed();
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        start("--idle-timeout-s", "1");
        try (Socket idle = haboob.connect()) {
            idle.setSoTimeout(8000);
            long start = System.nanoTime();
            assertTrue(readEnded(idle.getInputStream()), "closed by the server");
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900));
        }
        good.close();
        good = haboob.connect();
        assertGoodClientServed();
    }

    @Test
    void aClientThatNeverReadsItsResponsesIsClosedAtTheClogThreshold() throws Exception {
        start();
        try (Socket hog = new Socket()) {
            hog.setReceiveBufferSize(16 * 1024); // keep the kernel from absorbing the responses
            hog.connect(new InetSocketAddress("127.0.0.1", haboob.port), 5000);
            hog.setSoTimeout(5000);
            // 64 pipelined requests for 256 KiB each: 16 MiB this client never reads.
            String request = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n";
            send(hog, request.repeat(64));
            Thread.sleep(1000);
            assertGoodClientServed(); // served while the hog's responses pile up
            // The server gave up on it: what it can still read ends well short of 16 MiB.
            long read = 0;
            InputStream in = hog.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    read += n;
                }
            } catch (SocketException e) {
                // reset: also closed
            } catch (SocketTimeoutException e) {
                throw new AssertionError("neither closed nor written to for 5 s after " + read + " bytes; haboob said: "
                        + haboob.output(), e);
            }
            assertTrue(read < 8L * 1024 * 1024, "closed after " + read + " of 16 MiB");
        }
        assertGoodClientServed();
    }

    @Test
    void aClientThatHangsUpMidRequestHarmsNoOne() throws Exception {
        start();
        for (int i = 0; i < 20; i++) {
            try (Socket rude = haboob.connect()) {
                send(rude, "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\nGET /notes.txt HTTP/1.1\r\nHo");
                rude.setSoLinger(true, 0); // reset, with responses on their way
            }
        }
        assertGoodClientServed();
    }

    @Test
    void whatTheServerCannotTakeIsAnsweredAt503WithRetryAfterAndNothingIsLost() throws Exception {
        // Dynamic pages of ~100 ms each, and room for two in the render stage's queue.
        start("--dynamic-rounds", "400000", "--render.queue", "2", "--render.threads", "1", "--retry-after-s", "3");
        try (Socket greedy = haboob.connect()) {
            greedy.setSoTimeout(30_000);
            int requests = 12;
            send(greedy, "GET /dynamic/page HTTP/1.1\r\nHost: x\r\n\r\n".repeat(requests));
            assertGoodClientServed(); // a static page while the dynamic ones queue
            int ok = 0;
            int shed = 0;
            for (int i = 0; i < requests; i++) {
                String response = readResponse(greedy.getInputStream());
                if (response.startsWith("HTTP/1.1 200 ")) {
                    assertTrue(response.contains("target /dynamic/page"), response);
                    ok++;
                } else {
                    assertTrue(response.startsWith("HTTP/1.1 503 ") && response.contains("Retry-After: 3\r\n"),
                            response);
                    assertFalse(response.contains("Connection: close"), "shedding keeps the connection");
                    shed++;
                }
            }
            assertTrue(ok >= 1 && shed >= 1, ok + " served, " + shed + " shed");
        }
        assertGoodClientServed();
    }

    /** Reads until the stream ends; true if it ended (or was reset) before the socket timeout. */
    private static boolean readEnded(InputStream in) throws IOException {
        try {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // discard
            }
            return true;
        } catch (SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }
}
