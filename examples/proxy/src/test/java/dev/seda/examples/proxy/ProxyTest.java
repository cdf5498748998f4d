package dev.seda.examples.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.seda.runtime.Config;
import dev.seda.runtime.SedaGraph;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generated proxy graph between real clients and a real upstream, all on loopback. */
class ProxyTest {
    private ServerSocket upstream;
    private final List<Socket> upstreamSides = new CopyOnWriteArrayList<>();
    private SedaGraph graph;

    /** An upstream that answers each line in upper case. */
    private int startUpstream() throws IOException {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket s = upstream.accept();
                    upstreamSides.add(s);
                    Thread t = new Thread(() -> shout(s));
                    t.setDaemon(true);
                    t.start();
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return upstream.getLocalPort();
    }

    private static void shout(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream out = s.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) {
                out.write((line.toUpperCase(Locale.ROOT) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the proxy closed it
        }
    }

    private int startProxy(int upstreamPort) {
        Config config = Config.fromArgs("--port", "0", "--upstream-port", Integer.toString(upstreamPort),
                "--stats.port", "0");
        graph = ProxyGraph.create(new Proxy(config), config);
        graph.start();
        return graph.listenAddress("fromClient").getPort();
    }

    @AfterEach
    void stop() throws IOException {
        if (graph != null) {
            assertTrue(graph.stop(Duration.ofSeconds(5)), "the proxy drained");
        }
        if (upstream != null) {
            upstream.close();
        }
        for (Socket s : upstreamSides) {
            s.close();
        }
    }

    @Test
    void relaysEachClientThroughItsOwnUpstreamConnection() throws Exception {
        int port = startProxy(startUpstream());
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Socket client = new Socket("127.0.0.1", port);
                client.setSoTimeout(5000);
                clients.add(client);
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).getOutputStream().write(("client " + i + " says " + round + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                for (int i = 0; i < clients.size(); i++) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(clients.get(i).getInputStream(),
                            StandardCharsets.UTF_8));
                    assertEquals("CLIENT " + i + " SAYS " + round, in.readLine());
                }
            }
            assertEquals(5, upstreamSides.size(), "one upstream connection per client");

            // Stats over UDP.
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                udp.setSoTimeout(5000);
                InetSocketAddress stats = graph.udpSocket("stats").localAddress();
                udp.send(new DatagramPacket(new byte[] {'?'}, 1, stats));
                DatagramPacket answer = new DatagramPacket(new byte[512], 512);
                udp.receive(answer);
                String figures = new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8);
                assertTrue(figures.startsWith("clients=5 open=5 bytesUp="), figures);
            }
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
        // A client that leaves takes its upstream connection with it.
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (upstreamSides.stream().anyMatch(s -> !s.isClosed()) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(upstreamSides.stream().allMatch(Socket::isClosed), "upstream connections closed");
    }

    @Test
    void aClientIsToldWhenTheUpstreamIsDown() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nobody listens there once this closes
        }
        int port = startProxy(closedPort);
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5000);
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            assertTrue(line.startsWith("proxy: upstream ") && line.endsWith(" unavailable"), line);
            assertEquals(null, in.readLine(), "then the proxy closes the connection");
        }
    }
}
