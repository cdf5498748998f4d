package dev.seda.benchmarks.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seda.runtime.Config;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HttpLoad against a real JdkStaticServer in this JVM, on a free port, for about a second per test. */
@Timeout(30)
class HttpLoadAgainstJdkServerTest {
    @TempDir
    static Path root;
    static JdkStaticServer server;
    static InetSocketAddress address;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(root.resolve("small.html"), "x".repeat(1024));
        server = JdkStaticServer.start(Config.fromArgs("--host", "127.0.0.1", "--port", "0", "--root", root.toString(),
                "--dynamic-rounds", "10", "--threads", "2"));
        address = new InetSocketAddress("127.0.0.1", server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void closedLoopCountsEveryResponseAndRecordsItsLatency() throws Exception {
        HttpLoad.Result r = HttpLoad.run(HttpLoad.plan(address, "/small.html", 4)
                .withTimes(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(500)));
        long ok = r.ok().getTotalCount();
        assertTrue(ok > 50, "responses: " + ok);
        assertTrue(r.okArrived() > 50, "arrived in the window: " + r.okArrived());
        assertTrue(r.goodput() > 50);
        assertEquals(0, r.errors(), () -> HttpBench.errors(r));
        assertTrue(r.ok().getValueAtPercentile(50) > 0, "latencies recorded");
        assertTrue(r.ok().getMaxValue() < 5_000_000, "under 5 s");
        assertEquals(4, r.okPerClient().length);
        assertTrue(r.fairness() > 0.5 && r.fairness() <= 1.0, "Jain " + r.fairness());
    }

    @Test
    void openLoopSendsOnScheduleAndMeasuresFromTheIntendedTime() throws Exception {
        // 8 clients x 50/s for 1 s: 400 intended sends in the window, all answered
        HttpLoad.Result r = HttpLoad.run(HttpLoad.plan(address, "/small.html", 8)
                .withTimes(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1))
                .withOpen(8, 50));
        assertTrue(r.offered() >= 390 && r.offered() <= 410, "offered " + r.offered());
        assertEquals(r.offered(), r.ok().getTotalCount(), () -> HttpBench.errors(r));
        assertEquals(0, r.timeouts());
        assertTrue(r.ok().getValueAtPercentile(50) > 0);
    }

    @Test
    void otherStatusesAndDynamicPagesAreCounted() throws Exception {
        HttpLoad.Result missing = HttpLoad.run(HttpLoad.plan(address, "/missing.html", 2)
                .withTimes(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(500)));
        assertEquals(0, missing.ok().getTotalCount());
        assertTrue(missing.otherStatus().getOrDefault(404, 0L) > 0, "404s: " + missing.otherStatus());

        HttpLoad.Result dynamic = HttpLoad.run(HttpLoad.plan(address, "/dynamic/x", 2)
                .withTimes(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(500)));
        assertTrue(dynamic.ok().getTotalCount() > 0);
        assertEquals(0, dynamic.errors(), () -> HttpBench.errors(dynamic));
    }
}
