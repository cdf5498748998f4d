package dev.seda.benchmarks.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The paper's baseline: one thread accepts, and every connection gets its own platform thread that
 * blocks in {@code read} and writes back what it read (or, for bursts, an acknowledgement per burst).
 * Nothing is bounded, as in the classic design.
 */
final class ThreadPerConnectionEchoServer implements EchoServer {
    private static final int BUFFER_BYTES = 16 * 1024;  // as seda's read buffer

    private final Workload workload;
    private final int receiveBuffer;
    private final LongAdder bytesRead = new LongAdder();

    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder threadFailures = new LongAdder();
    private ServerSocket server;
    private Thread acceptor;
    private volatile boolean stopping;

    ThreadPerConnectionEchoServer(Workload workload, int receiveBuffer) {
        this.workload = workload;
        this.receiveBuffer = receiveBuffer;
    }

    @Override
    public String name() {
        return "thread-per-connection";
    }

    @Override
    public String description() {
        return "thread-per-connection: `ServerSocket.accept` loop, one platform thread per connection, blocking read/write";
    }

    @Override
    public InetSocketAddress start(int connections) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        if (receiveBuffer > 0) {
            server.setReceiveBufferSize(receiveBuffer);  // before bind: accepted sockets inherit it
        }
        server.bind(new InetSocketAddress("127.0.0.1", 0), BACKLOG);
        acceptor = new Thread(this::acceptLoop, "tpc-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        int n = 0;
        while (!stopping) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;  // closed by stop
            }
            try {
                s.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(s);
                continue;
            }
            sockets.add(s);
            open.incrementAndGet();
            Thread t = new Thread(() -> serve(s), "tpc-conn-" + n++);
            t.setDaemon(true);
            threads.add(t);
            try {
                t.start();
            } catch (OutOfMemoryError e) {  // "unable to create native thread": the classic failure
                threadFailures.increment();
                threads.remove(t);
                sockets.remove(s);
                open.decrementAndGet();
                closeQuietly(s);
            }
        }
    }

    private void serve(Socket s) {
        byte[] buf = new byte[BUFFER_BYTES];
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            boolean echoing = workload.isEcho();
            long burstBytes = workload.burstBytes();
            byte[] ack = new byte[workload.replyBytes()];
            long received = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                bytesRead.add(n);
                if (echoing) {
                    out.write(buf, 0, n);
                } else if ((received + n) / burstBytes != received / burstBytes) {
                    out.write(ack);
                }
                received += n;
            }
        } catch (IOException e) {
            // reset by the client at the end of a point, or closed by stop
        } finally {
            sockets.remove(s);
            open.decrementAndGet();
            threads.remove(Thread.currentThread());
        }
    }

    @Override
    public long bytesRead() {
        return bytesRead.sum();
    }

    @Override
    public int openConnections() {
        return open.get();
    }

    @Override
    public String problems() {
        return threadFailures.sum() == 0 ? "" : threadFailures.sum() + " connections refused: no thread; ";
    }

    @Override
    public void stop(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        stopping = true;
        closeQuietly(server);
        join(acceptor, end);
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        for (Thread t : threads) {
            join(t, end);
        }
    }

    private static void join(Thread t, long endNanos) {
        try {
            t.join(Math.max(1, (endNanos - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
