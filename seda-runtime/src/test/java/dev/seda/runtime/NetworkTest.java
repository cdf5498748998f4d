package dev.seda.runtime;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Connection events, accept control, read-rate limits, slow readers, the TCP client and UDP, on real sockets. */
@Timeout(20)
class NetworkTest {
    private static final String LOOPBACK = "127.0.0.1";
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("seda-")),
                "no seda thread survives a test");
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        cleanup.add(c);
        return c;
    }

    private Socket connect(InetSocketAddress address) throws IOException {
        Socket s = closeLater(new Socket());
        s.setSoTimeout(5_000);
        s.connect(address, 2_000);
        return s;
    }

    private static byte[] readExactly(Socket s, int n) throws IOException {
        byte[] buf = new byte[n];
        new DataInputStream(s.getInputStream()).readFully(buf);
        return buf;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    private static <T> T poll(BlockingQueue<T> q, String what) throws InterruptedException {
        T t = q.poll(10, TimeUnit.SECONDS);
        assertTrue(t != null, "timed out waiting for " + what);
        return t;
    }

    /** "close" closes from the application; anything else is echoed. Events go to one queue. */
    private SedaGraph echoWithEvents(String name, BlockingQueue<TcpEvent> events) {
        SedaGraph.Builder b = SedaGraph.builder(name).jmx(false);
        Stage<TcpPacket> in = b.stage(StageSettings.of("in"));
        Stage<TcpEvent> ev = b.stage(StageSettings.of("ev"));
        b.handler(in, p -> {
            if (new String(p.bytes(), US_ASCII).equals("close")) {
                p.connection().close();
            } else {
                p.connection().write(p.bytes());
            }
        });
        b.handler(ev, events::add);
        SedaGraph g = closeLater(b.listen(in, LOOPBACK, 0, ev).build());
        g.start();
        return g;
    }

    @Test
    void eventsSayWhenAndWhyEachConnectionClosed() throws Exception {
        BlockingQueue<TcpEvent> events = new LinkedBlockingQueue<>();
        SedaGraph g = echoWithEvents("events", events);
        InetSocketAddress address = g.listenAddress("in");

        Socket polite = connect(address);
        TcpEvent opened = poll(events, "OPENED");
        assertEquals(TcpEvent.Kind.OPENED, opened.kind());
        assertNull(opened.reason());
        assertFalse(opened.connection().isOutgoing());
        polite.getOutputStream().write("hi".getBytes(US_ASCII));
        assertEquals("hi", new String(readExactly(polite, 2), US_ASCII));
        polite.shutdownOutput();
        assertEquals(-1, polite.getInputStream().read());
        TcpEvent closed = poll(events, "CLOSED after EOF");
        assertEquals(new TcpEvent(opened.connection(), TcpEvent.Kind.CLOSED, TcpEvent.PEER_CLOSED), closed);
        assertEquals(TcpEvent.PEER_CLOSED, opened.connection().closeReason());

        Socket shut = connect(address);
        TcpConnection second = poll(events, "second OPENED").connection();
        shut.getOutputStream().write("close".getBytes(US_ASCII));
        assertEquals(-1, shut.getInputStream().read());
        assertEquals(new TcpEvent(second, TcpEvent.Kind.CLOSED, TcpEvent.CLOSED_BY_APPLICATION),
                poll(events, "CLOSED by the application"));

        // A peer that disconnects mid-request: a large request being echoed, then a reset.
        Socket vanishing = connect(address);
        TcpConnection third = poll(events, "third OPENED").connection();
        vanishing.getOutputStream().write(new byte[200_000]);
        vanishing.setSoLinger(true, 0);
        vanishing.close();
        TcpEvent reset = poll(events, "CLOSED after a reset");
        assertEquals(third, reset.connection());
        assertEquals(TcpEvent.RESET, reset.reason());

        // Still open at stop: closed after the stages drained, so no event, but the reason is kept.
        connect(address);
        TcpConnection last = poll(events, "fourth OPENED").connection();
        assertTrue(g.stop(Duration.ofSeconds(5)));
        assertEquals(TcpEvent.STOPPED, last.closeReason());
        assertTrue(events.isEmpty(), "no event after the stages closed: " + events);
        TcpMetrics m = g.tcpMetrics();
        assertEquals(4, m.accepted());
        assertEquals(4, m.closed());
        assertEquals(m, g.tcpMetrics("in"), "one listener: its counters are the graph's");
        assertTrue(m.bytesRead() >= 2 + 5, "counted bytes read: " + m);
        assertTrue(m.bytesWritten() >= 2, "counted bytes written: " + m);
    }

    @Test
    void connectionWhoseOpenedIsRejectedIsClosedBeforeAnythingIsRead() throws Exception {
        AtomicLong packets = new AtomicLong();
        SedaGraph.Builder b = SedaGraph.builder("refuse").jmx(false);
        Stage<TcpPacket> in = b.stage(StageSettings.of("in"));
        // Admits nothing: the application could not set the connection up, so it is not served.
        Stage<TcpEvent> ev = b.stage(StageSettings.of("ev")
                .admission(AdmissionPolicy.predicate(e -> false)));
        b.handler(in, p -> packets.incrementAndGet()).handler(ev, e -> { });
        SedaGraph g = closeLater(b.listen(in, LOOPBACK, 0, ev).build());
        g.start();
        Socket s = connect(g.listenAddress("in"));
        s.getOutputStream().write("ignored".getBytes(US_ASCII));
        assertEquals(-1, s.getInputStream().read());
        // Counted once the channel is closed, which the client may see first.
        await(() -> g.tcpMetrics().refused() == 1 && g.tcpMetrics().open() == 0, "the refusal to be counted");
        assertEquals(0, packets.get());
        assertEquals(1, ev.metrics().rejected(), "only the OPENED; no CLOSED follows a refused OPENED");
    }

    @Test
    void suspendedListenerLeavesConnectionsInTheBacklogUntilResumed() throws Exception {
        BlockingQueue<TcpEvent> events = new LinkedBlockingQueue<>();
        SedaGraph g = echoWithEvents("suspend", events);
        assertTrue(g.isAccepting("in"));
        g.suspendAccepting("in");
        assertFalse(g.isAccepting("in"));

        Socket waiting = connect(g.listenAddress("in"));  // completes in the kernel's backlog
        waiting.getOutputStream().write("queued".getBytes(US_ASCII));
        waiting.setSoTimeout(300);
        assertThrows(SocketTimeoutException.class, () -> waiting.getInputStream().read());
        assertEquals(0, g.tcpMetrics().accepted());
        assertTrue(events.isEmpty());

        g.resumeAccepting("in");
        waiting.setSoTimeout(5_000);
        assertEquals("queued", new String(readExactly(waiting, 6), US_ASCII));
        assertEquals(1, g.tcpMetrics().accepted());
        assertEquals(TcpEvent.Kind.OPENED, poll(events, "OPENED after resuming").kind());
        assertThrows(IllegalArgumentException.class, () -> g.suspendAccepting("ev"));
    }

    @Test
    void listenerPausesAcceptingWhileItsStageIsBackloggedAndResumesOnceDrained() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        SedaGraph.Builder b = SedaGraph.builder("backlog");
        Stage<TcpPacket> in = b.stage(StageSettings.of("in").threads(1, 1).queue(64));
        b.handler(in, p -> {
            try {
                gate.await();  // a stage that has fallen behind
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.connection().write(ByteBuffer.wrap(p.bytes()));
        });
        SedaGraph g = closeLater(b.listen(in, LOOPBACK, 0, ListenOptions.defaults().pauseAcceptingAbove(4)).build());
        g.start();
        List<Socket> first = new ArrayList<>();
        for (int i = 0; i < 6; i++) {  // one in the handler, five queued: over the limit of 4
            Socket s = connect(g.listenAddress("in"));
            s.getOutputStream().write('a' + i);
            first.add(s);
            int accepted = i + 1;
            await(() -> g.tcpMetrics().accepted() == accepted && in.metrics().arrivals() == accepted,
                    "connection " + accepted + " to be read");
        }
        Socket late = connect(g.listenAddress("in"));  // waits in the kernel's backlog
        late.getOutputStream().write('z');
        late.setSoTimeout(300);
        assertThrows(SocketTimeoutException.class, () -> late.getInputStream().read());
        assertEquals(6, g.tcpMetrics().accepted());
        assertTrue(g.tcpMetrics().acceptPauses() >= 1);
        assertTrue(g.isAccepting("in"), "a pause for backlog is not a suspension by the application");

        gate.countDown();
        late.setSoTimeout(5_000);
        assertEquals('z', late.getInputStream().read(), "accepted and served once the stage drained");
        for (int i = 0; i < first.size(); i++) {
            assertEquals('a' + i, first.get(i).getInputStream().read());
        }
        assertEquals(7, g.tcpMetrics().accepted());
    }

    @Test
    void readLimitSlowsAFastSenderThroughTcpAndLosesNothing() throws Exception {
        long limit = 300_000;  // bytes per second, per connection
        int total = 600_000;
        Map<Long, CRC32> sums = new ConcurrentHashMap<>();
        AtomicLong received = new AtomicLong();
        AtomicLong firstNanos = new AtomicLong();
        AtomicLong lastNanos = new AtomicLong();
        SedaGraph.Builder b = SedaGraph.builder("limit").jmx(false);
        Stage<TcpPacket> in = b.stage(StageSettings.of("in"));
        b.handler(in, p -> {
            firstNanos.compareAndSet(0, System.nanoTime());
            sums.computeIfAbsent(p.connection().id(), id -> new CRC32()).update(p.bytes());
            if (received.addAndGet(p.bytes().length) == total) {
                lastNanos.set(System.nanoTime());
            }
        });
        SedaGraph g = closeLater(b.listen(in, LOOPBACK, 0, ListenOptions.defaults().readLimit(limit)).build());
        g.start();

        byte[] data = new byte[total];
        new Random(11).nextBytes(data);
        CRC32 expected = new CRC32();
        expected.update(data);
        Socket s = connect(g.listenAddress("in"));
        s.getOutputStream().write(data);  // as fast as TCP lets it
        await(() -> lastNanos.get() != 0, "every byte to arrive");

        double seconds = (lastNanos.get() - firstNanos.get()) / 1e9;
        double ideal = (total - limit / 10.0) / limit;  // the first tenth of a second's budget is free
        assertTrue(seconds > 0.8 * ideal, "read at " + (long) (total / seconds) + " B/s, over the limit of " + limit);
        assertTrue(seconds < 4 * ideal, "read far below the limit: " + seconds + " s for " + ideal + " s");
        assertEquals(expected.getValue(), sums.values().iterator().next().getValue(), "bytes intact and in order");
        TcpMetrics m = g.tcpMetrics("in");
        assertEquals(total, m.bytesRead());
        assertTrue(m.readPauses() > 0, "reading was paused: " + m);
    }

    @Test
    void slowReaderGetsALargeReplyWrittenInPieces() throws Exception {
        byte[] reply = new byte[3 << 20];
        new Random(5).nextBytes(reply);
        SedaGraph.Builder b = SedaGraph.builder("slow").jmx(false);
        Stage<TcpPacket> in = b.stage(StageSettings.of("in"));
        b.handler(in, p -> p.connection().write(reply));  // one write, over the 1 MiB threshold, to an idle peer
        SedaGraph g = closeLater(b.listen(in, LOOPBACK, 0).build());
        g.start();
        Socket s = closeLater(new Socket());
        s.setReceiveBufferSize(16 * 1024);
        s.setSoTimeout(5_000);
        s.connect(g.listenAddress("in"));
        s.getOutputStream().write('x');
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream input = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        int reads = 0;
        while (got.size() < reply.length) {
            int n = input.read(buf);
            assertTrue(n > 0, "connection ended after " + got.size() + " bytes");
            got.write(buf, 0, n);
            if (++reads % 8 == 0) {
                Thread.sleep(5);  // slow enough that the server's socket fills and writes go partial
            }
        }
        assertArrayEquals(reply, got.toByteArray());
        assertEquals(reply.length, g.tcpMetrics().bytesWritten());
        assertEquals(0, g.tcpMetrics().clogged());
    }

    /** One connection at a time: reads a line, answers "pong:" + line, then closes. */
    private InetSocketAddress pongServer() throws IOException {
        ServerSocket server = closeLater(new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK)));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5_000);
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    int c;
                    while ((c = in.read()) >= 0 && c != '\n') {
                        line.write(c);
                    }
                    s.getOutputStream().write(("pong:" + line.toString(US_ASCII) + "\n").getBytes(US_ASCII));
                } catch (IOException closedOrBroken) {
                    // the test is over, or the client went away
                }
            }
        }, "pong-server");
        t.start();
        cleanup.add(t::join);
        cleanup.add(server);  // closed before the join, since cleanup runs in reverse
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Test
    void clientConnectsWritesWhileConnectingAndGetsTheReplyAndEvents() throws Exception {
        InetSocketAddress pong = pongServer();
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        SedaGraph.Builder b = SedaGraph.builder("client").jmx(false);
        Stage<TcpPacket> replies = b.stage(StageSettings.of("replies"));
        Stage<TcpEvent> ev = b.stage(StageSettings.of("ev"));
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        b.handler(replies, p -> {
            synchronized (reply) {
                reply.write(p.bytes());
            }
        }).handler(ev, seen::add);
        SedaGraph g = closeLater(b.build());
        assertThrows(IllegalStateException.class, () -> g.connect(pong, replies, ev));
        g.start();

        TcpConnection c = g.connect(pong, replies, ev);
        assertTrue(c.isOutgoing());
        assertTrue(c.write("ping\n".getBytes(US_ASCII)), "queued while connecting");
        TcpEvent opened = (TcpEvent) poll(seen, "OPENED");
        assertEquals(new TcpEvent(c, TcpEvent.Kind.OPENED, null), opened);
        TcpEvent closed = (TcpEvent) poll(seen, "CLOSED");
        assertEquals(new TcpEvent(c, TcpEvent.Kind.CLOSED, TcpEvent.PEER_CLOSED), closed);
        // Another stage: the reply may still be handled after the CLOSED (see TcpEvent).
        await(() -> {
            synchronized (reply) {
                return reply.toString(US_ASCII).equals("pong:ping\n");
            }
        }, "the reply");
        TcpMetrics m = g.tcpMetrics();
        assertEquals(1, m.connects());
        assertEquals(0, m.accepted());
        assertEquals(0, m.open());
        assertEquals(5, m.bytesWritten());
        assertEquals(10, m.bytesRead());
    }

    @Test
    void refusedConnectArrivesAsClosedWithTheCause() throws Exception {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            freePort = probe.getLocalPort();
        }
        BlockingQueue<TcpEvent> events = new LinkedBlockingQueue<>();
        SedaGraph.Builder b = SedaGraph.builder("refused").jmx(false);
        Stage<TcpPacket> replies = b.stage(StageSettings.of("replies"));
        Stage<TcpEvent> ev = b.stage(StageSettings.of("ev"));
        b.handler(replies, p -> { }).handler(ev, events::add);
        SedaGraph g = closeLater(b.build());
        g.start();
        TcpConnection c = g.connect(new InetSocketAddress(LOOPBACK, freePort), replies, ev, "whom to tell");
        TcpEvent closed = poll(events, "CLOSED");
        assertEquals(TcpEvent.Kind.CLOSED, closed.kind(), "no OPENED for a failed connect");
        assertEquals("whom to tell", closed.connection().attachment(), "attached before connecting started");
        assertTrue(closed.reason().startsWith(TcpEvent.CONNECT_FAILED), closed.reason());
        assertTrue(closed.reason().toLowerCase().contains("refused"), closed.reason());
        assertEquals(closed.reason(), c.closeReason());
        assertFalse(c.write(new byte[1]));
        TcpMetrics m = g.tcpMetrics();
        assertEquals(1, m.connectFailures());
        assertEquals(0, m.connects());
        assertEquals(0, m.open());
        assertThrows(IllegalArgumentException.class,
                () -> g.connect(InetSocketAddress.createUnresolved("example.invalid", 80), replies, ev));
    }

    @Test
    void udpDatagramsRoundTripAndTheSocketSendsOnItsOwn() throws Exception {
        SedaGraph.Builder b = SedaGraph.builder("udp").jmx(false);
        Stage<UdpPacket> in = b.stage(StageSettings.of("in"));
        b.handler(in, p -> p.socket().send(p.sender(), new String(p.bytes(), US_ASCII).toUpperCase().getBytes(US_ASCII)));
        SedaGraph g = closeLater(b.udp(in, LOOPBACK, 0).build());
        UdpSocket socket = g.udpSocket("in");
        assertNull(socket.localAddress(), "bound on start");
        g.start();
        InetSocketAddress server = socket.localAddress();
        assertEquals(LOOPBACK, server.getAddress().getHostAddress());

        DatagramChannel client = closeLater(DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
        client.socket().setSoTimeout(5_000);
        int count = 50;
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < count; i++) {
            client.send(ByteBuffer.wrap(("datagram " + i).getBytes(US_ASCII)), server);
            expected.add("DATAGRAM " + i);
        }
        Set<String> got = new HashSet<>();
        ByteBuffer buf = ByteBuffer.allocate(2048);
        for (int i = 0; i < count; i++) {
            buf.clear();
            assertEquals(server, client.receive(buf));
            got.add(new String(buf.array(), 0, buf.flip().remaining(), US_ASCII));
        }
        assertEquals(expected, got);

        assertTrue(socket.send((InetSocketAddress) client.getLocalAddress(), "unasked".getBytes(US_ASCII)));
        buf.clear();
        client.receive(buf);
        assertEquals("unasked", new String(buf.array(), 0, buf.flip().remaining(), US_ASCII));
        assertThrows(IllegalArgumentException.class,
                () -> socket.send(server, new byte[UdpSocket.MAX_DATAGRAM_BYTES + 1]));

        // Counted just after the send, which the client may see first.
        await(() -> g.tcpMetrics("in").datagramsOut() == count + 1, "the sends to be counted");
        TcpMetrics m = g.tcpMetrics("in");
        assertEquals(count, m.datagramsIn());
        assertEquals(0, m.datagramsDropped());
        assertTrue(g.stop(Duration.ofSeconds(5)));
        assertFalse(socket.send(server, new byte[1]), "closed by stop");
    }

    @Test
    void stopClosesOutgoingConnectionsAndUdpSocketsToo() throws Exception {
        ServerSocket server = closeLater(new ServerSocket(0, 5, InetAddress.getByName(LOOPBACK)));
        BlockingQueue<TcpEvent> events = new LinkedBlockingQueue<>();
        SedaGraph.Builder b = SedaGraph.builder("stop-all").jmx(false);
        Stage<TcpPacket> replies = b.stage(StageSettings.of("replies"));
        Stage<TcpEvent> ev = b.stage(StageSettings.of("ev"));
        Stage<UdpPacket> datagrams = b.stage(StageSettings.of("datagrams"));
        b.handler(replies, p -> { }).handler(ev, events::add).handler(datagrams, p -> { });
        SedaGraph g = closeLater(b.udp(datagrams, LOOPBACK, 0).build());
        g.start();
        TcpConnection c = g.connect((InetSocketAddress) server.getLocalSocketAddress(), replies, ev);
        Socket peer = closeLater(server.accept());
        peer.setSoTimeout(5_000);
        assertEquals(TcpEvent.Kind.OPENED, poll(events, "OPENED").kind());
        assertTrue(c.write("last".getBytes(US_ASCII)));
        UdpSocket udp = g.udpSocket("datagrams");
        assertTrue(udp.localAddress() != null);

        assertTrue(g.stop(Duration.ofSeconds(5)));
        assertEquals("last", new String(readExactly(peer, 4), US_ASCII), "queued writes are flushed first");
        assertEquals(-1, peer.getInputStream().read());
        assertEquals(TcpEvent.STOPPED, c.closeReason());
        assertNull(udp.localAddress(), "closed");
        assertEquals(0, g.tcpMetrics().open());
        assertThrows(IllegalStateException.class, () -> g.connect((InetSocketAddress) server.getLocalSocketAddress(), replies));
    }
}
