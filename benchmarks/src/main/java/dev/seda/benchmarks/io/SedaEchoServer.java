package dev.seda.benchmarks.io;

import dev.seda.runtime.ListenOptions;
import dev.seda.runtime.SedaGraph;
import dev.seda.runtime.Stage;
import dev.seda.runtime.StageSettings;
import dev.seda.runtime.TcpMetrics;
import dev.seda.runtime.TcpPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * seda's TCP layer as an echo server: the listening stage {@code read} (1 thread, fed by the graph's
 * selector thread) hands every packet to a second stage {@code echo} (1..2 threads, the thread-pool
 * controller on), which writes the bytes back through the connection's write queue. So each round
 * trip crosses selector thread -> read stage -> echo stage -> selector thread. For the burst workload
 * {@code read} counts each connection's bytes (in order: it has one thread) and hands {@code echo}
 * only the packet that completes a burst, for which {@code echo} writes the acknowledgement.
 *
 * <p>Both queues hold at least twice the connection count: for echo, every connection of the
 * closed-loop client has at most one request in flight, and for bursts the listener stops reading
 * while the read stage's queue is over half full ({@code pauseReadingAbove}); so nothing is ever
 * rejected and what is measured is the layer's throughput, not its load shedding (a rejection would
 * close the connection; it is counted and reported).
 */
final class SedaEchoServer implements EchoServer {
    private static final AtomicInteger GRAPHS = new AtomicInteger();

    private final LongAdder notForwarded = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final Workload workload;
    private final int receiveBuffer;
    private final int ioThreads;
    private final int echoMin;
    private final int echoMax;
    private SedaGraph graph;
    private Stage<TcpPacket> echo;

    /** The echo stage's threads, {@code min..max}; the set-up is 1..2. */
    SedaEchoServer(Workload workload, int receiveBuffer, int ioThreads, int echoMin, int echoMax) {
        this.workload = workload;
        this.receiveBuffer = receiveBuffer;
        this.ioThreads = ioThreads;
        this.echoMin = echoMin;
        this.echoMax = echoMax;
    }

    @Override
    public String name() {
        return "seda";
    }

    @Override
    public String description() {
        return "seda: " + ioThreads + " selector thread(s) -> `read` stage (1 thread, listening) -> `echo` stage ("
                + echoMin + ".." + echoMax + " threads) -> write queue";
    }

    @Override
    public InetSocketAddress start(int connections) {
        int queue = Math.max(1024, 2 * connections);
        SedaGraph.Builder b = SedaGraph.builder("echo" + GRAPHS.incrementAndGet()).jmx(false).ioThreads(ioThreads);
        Stage<TcpPacket> read = b.stage(StageSettings.of("read").queue(queue));
        echo = b.stage(StageSettings.of("echo").threads(echoMin, echoMax).queue(queue));
        Stage<TcpPacket> echoStage = echo;
        boolean echoing = workload.isEcho();
        long burstBytes = workload.burstBytes();
        byte[] ack = new byte[workload.replyBytes()];
        b.handler(read, packet -> {
            int n = packet.bytes().length;
            bytesRead.add(n);
            if (!echoing) {
                long[] received = (long[]) packet.connection().attachment();
                if (received == null) {
                    packet.connection().attach(received = new long[1]);
                }
                long before = received[0];
                received[0] += n;
                if (received[0] / burstBytes == before / burstBytes) {
                    return;  // the burst goes on
                }
            }
            if (!echoStage.offer(packet)) {
                notForwarded.increment();
                packet.connection().close();  // the client sees EOF and counts an error
            }
        });
        b.handler(echo, packet -> packet.connection().write(echoing ? packet.bytes() : ack));
        // A burst can outrun the read stage for a moment: past half its queue, reading waits instead.
        b.listen(read, "127.0.0.1", 0, ListenOptions.defaults().backlog(BACKLOG).pauseReadingAbove(queue / 2)
                .receiveBufferBytes(receiveBuffer));
        graph = b.build();
        graph.start();
        return graph.listenAddress("read");
    }

    @Override
    public long bytesRead() {
        return bytesRead.sum();
    }

    @Override
    public int openConnections() {
        return graph.tcpMetrics().open();
    }

    @Override
    public String problems() {
        TcpMetrics m = graph.tcpMetrics();
        StringBuilder s = new StringBuilder();
        if (m.overloaded() > 0) {
            s.append(m.overloaded()).append(" closed as overloaded; ");
        }
        if (m.clogged() > 0) {
            s.append(m.clogged()).append(" closed as clogged; ");
        }
        if (notForwarded.sum() > 0) {
            s.append(notForwarded.sum()).append(" packets rejected by echo; ");
        }
        return s.toString();
    }

    /** Threads the echo stage runs now (the thread-pool controller moves it between 1 and 2). */
    int echoThreads() {
        return echo.metrics().threads();
    }

    @Override
    public void stop(Duration deadline) {
        if (graph != null) {
            graph.stop(deadline);
            graph = null;
        }
    }
}
