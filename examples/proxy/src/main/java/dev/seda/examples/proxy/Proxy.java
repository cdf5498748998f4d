package dev.seda.examples.proxy;

import dev.seda.annotations.Emits;
import dev.seda.annotations.Every;
import dev.seda.annotations.Listen;
import dev.seda.annotations.Stage;
import dev.seda.annotations.StageGraph;
import dev.seda.annotations.TcpClient;
import dev.seda.annotations.Udp;
import dev.seda.runtime.Config;
import dev.seda.runtime.TcpConnection;
import dev.seda.runtime.TcpEvent;
import dev.seda.runtime.TcpPacket;
import dev.seda.runtime.Tick;
import dev.seda.runtime.UdpPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A staged TCP proxy: each client connection gets its own connection to the upstream server, opened
 * through the runtime's non-blocking TCP client; bytes are relayed both ways, and a close on either
 * side closes the other. A UDP port answers "stats" queries and a timer logs the same figures.
 *
 * <p>Options: {@code --port} (7070), {@code --upstream-host} (127.0.0.1), {@code --upstream-port}
 * (8080), {@code --stats.port} (7071), {@code --report.every-ms} (10000).
 */
@StageGraph("proxy")
public final class Proxy {
    private final InetSocketAddress upstream;
    private final AtomicLong clients = new AtomicLong();
    private final AtomicLong open = new AtomicLong();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final AtomicLong upstreamFailures = new AtomicLong();

    public Proxy(Config config) {
        this.upstream = new InetSocketAddress(config.string("upstream-host", "127.0.0.1"),
                config.integer("upstream-port", 8080));
    }

    /** Bytes from a client: its first packet opens the upstream connection, every packet is relayed. */
    @Stage(queue = 4096)
    @Listen(port = 7070, events = "clientEvents")
    @Emits("fromUpstream")
    void fromClient(TcpPacket packet, ProxyOut.FromClient out) {
        TcpConnection client = packet.connection();
        TcpConnection server = (TcpConnection) client.attachment();
        if (server == null) {
            // Never blocks; writes wait for the connect. Attached from the start: a connect refused at
            // once is still told to this client.
            server = out.fromUpstream().connect(upstream, client);
            client.attach(server);
        }
        bytesUp.addAndGet(packet.bytes().length);
        // False when the upstream connection is closed or clogged (then closed): either way its CLOSED
        // event reaches upstreamEvents, which tells and closes this client; closing the client here
        // would race it and lose the message when a connect is refused at once.
        server.write(packet.bytes());
    }

    /** Bytes from the upstream, back to the client it serves: they leave the graph through its connection. */
    @Stage(queue = 4096, sink = true)
    @TcpClient(events = "upstreamEvents")
    void fromUpstream(TcpPacket reply) {
        TcpConnection client = (TcpConnection) reply.connection().attachment();
        bytesDown.addAndGet(reply.bytes().length);
        if (!client.write(reply.bytes())) {
            reply.connection().close();
        }
    }

    /** A client left: its upstream connection goes too, once the bytes already relayed are sent. */
    @Stage(sink = true)
    void clientEvents(TcpEvent event) {
        if (event.kind() == TcpEvent.Kind.OPENED) {
            clients.incrementAndGet();
            open.incrementAndGet();
        } else {
            open.decrementAndGet();
            if (event.connection().attachment() instanceof TcpConnection server) {
                server.closeAfterWrites();
            }
        }
    }

    /** The upstream closed or could not be reached: the client is told and closed. */
    @Stage(sink = true)
    void upstreamEvents(TcpEvent event) {
        if (event.kind() != TcpEvent.Kind.CLOSED
                || !(event.connection().attachment() instanceof TcpConnection client)) {
            return;
        }
        if (event.reason().startsWith(TcpEvent.CONNECT_FAILED)) {
            upstreamFailures.incrementAndGet();
            client.write(("proxy: upstream " + upstream + " unavailable\n").getBytes(StandardCharsets.UTF_8));
        }
        client.closeAfterWrites();
    }

    /** Any datagram gets the current figures back. */
    @Stage(sink = true)
    @Udp(port = 7071)
    void stats(UdpPacket query) {
        query.socket().send(query.sender(), (figures() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Stage(sink = true)
    @Every(millis = 10_000)
    void report(Tick tick) {
        System.out.println("proxy: " + figures());
    }

    String figures() {
        return "clients=" + clients.get() + " open=" + open.get() + " bytesUp=" + bytesUp.get() + " bytesDown="
                + bytesDown.get() + " upstreamFailures=" + upstreamFailures.get();
    }
}
