package dev.seda.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Thousands of concurrent connections on loopback, all open at once, served by one selector thread or dealt out among three. */
@Timeout(60)
class ManyConnectionsTest {
    /** Clients wanted; override with -Dseda.test.connections=N. Both ends live in this JVM: two descriptors each. */
    private static final int WANTED = Integer.getInteger("seda.test.connections", 3000);
    private static final int MINIMUM = 1000;

    /**
     * Connections this process can hold: the JVM already raises its soft descriptor limit to the
     * hard one on start (-XX:+MaxFDLimit, the default), so the limit seen here is all there is.
     */
    private static int affordable() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long spare = os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() - 256;
            return (int) Math.min(WANTED, spare / 2);
        }
        return WANTED;
    }

    @ParameterizedTest(name = "{0} I/O threads")
    @ValueSource(ints = {1, 3})
    void thousandsOfConcurrentClientsEachGetTheirEcho(int ioThreads) throws Exception {
        int clients = affordable();
        assumeTrue(clients >= MINIMUM, "too few file descriptors for " + MINIMUM + " connections: raise ulimit -n");
        SedaGraph.Builder b = SedaGraph.builder("many").jmx(false).ioThreads(ioThreads);
        // Room for one packet per client at once: this test is about the selector, not about shedding.
        Stage<TcpPacket> in = b.stage(StageSettings.of("in").queue(clients));
        Stage<TcpEvent> events = b.stage(StageSettings.of("events").queue(2 * clients));
        LongAdder opened = new LongAdder();
        LongAdder closed = new LongAdder();
        b.handler(in, p -> p.connection().write(p.bytes()));
        b.handler(events, e -> (e.kind() == TcpEvent.Kind.OPENED ? opened : closed).increment());
        try (SedaGraph g = b.listen(in, "127.0.0.1", 0, ListenOptions.defaults().backlog(clients).events(events)).build()) {
            g.start();
            try (LoadClient load = new LoadClient(g.listenAddress("in"))) {
                assertEquals(clients, load.connectAll(clients, Duration.ofSeconds(20)), () -> "connected: " + load.failures());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (g.tcpMetrics().open() < clients && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(clients, g.tcpMetrics().open(), "every connection open at the same time");

                assertEquals(clients, load.echoRound(Duration.ofSeconds(20)), () -> "echoed: " + load.failures());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (g.tcpMetrics().open() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            TcpMetrics m = g.tcpMetrics();
            assertEquals(0, m.open(), m.toString());
            assertEquals(clients, m.accepted());
            assertEquals(clients, m.closed());
            assertEquals(0, m.overloaded() + m.clogged() + m.refused(), m.toString());
            assertEquals(m.bytesRead(), m.bytesWritten(), "every byte echoed");
            assertTrue(g.stop(Duration.ofSeconds(5)));
            assertEquals(clients, opened.sum(), "an OPENED event per connection");
            assertEquals(clients, closed.sum(), "a CLOSED event per connection");
        }
    }
}
