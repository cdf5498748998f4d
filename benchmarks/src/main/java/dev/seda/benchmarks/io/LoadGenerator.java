package dev.seda.benchmarks.io;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A closed-loop NIO load client: {@code connections} sockets to 127.0.0.1 spread over a few
 * selector threads. Each connection writes one burst of the {@link Workload} (for echo: one
 * request), waits until exactly the answer's bytes have come back, records the response time and
 * starts the next at once; so every connection has exactly one burst in flight and the throughput is
 * what the server sustains. Answers that complete inside the measurement window (after the warm-up)
 * are counted, and so are the bytes the server reports it read in that window.
 */
final class LoadGenerator {
    /** What one point measured. */
    record Result(Workload workload, int connections, long roundTrips, long serverBytes, double seconds,
                  LatencyHistogram latency, long errors, double fairness, int starved, String connectProblems,
                  double processCores, double otherCores) {
        /** Round trips/s for echo; for bursts, the Mbit/s the server read. */
        double throughput() {
            return workload.isEcho() ? roundTrips / seconds : serverBytes * 8 / 1e6 / seconds;
        }

        /** Throughput per CPU-second this JVM (client and server) got: what a share of the machine buys. */
        double perCpuSecond() {
            return throughput() / processCores;
        }
    }

    private final int threads;
    private final Workload workload;
    private final int sendBuffer;  // SO_SNDBUF of each connection, 0 for the system's default
    private final Duration warmup;
    private final Duration measure;

    LoadGenerator(int threads, Workload workload, int sendBuffer, Duration warmup, Duration measure) {
        this.threads = threads;
        this.workload = workload;
        this.sendBuffer = sendBuffer;
        this.warmup = warmup;
        this.measure = measure;
    }

    /**
     * Opens the connections, waits until the server holds them all, runs warm-up and measurement,
     * then resets every connection (SO_LINGER 0, so thousands of runs leave no TIME_WAIT sockets
     * behind to exhaust the ephemeral ports). Everything is bounded in time.
     */
    Result run(InetSocketAddress target, int connections, IntSupplier serverOpen, LongSupplier serverBytesRead)
            throws IOException, InterruptedException {
        List<SocketChannel> channels = new ArrayList<>(connections);
        try {
            String connectProblems = connectAll(target, connections, sendBuffer, channels);
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (serverOpen.getAsInt() < channels.size() && System.nanoTime() - waitUntil < 0) {
                Thread.sleep(10);
            }
            if (serverOpen.getAsInt() < channels.size()) {
                connectProblems += "server holds only " + serverOpen.getAsInt() + " of " + channels.size() + "; ";
            }

            Worker[] workers = new Worker[Math.min(threads, Math.max(1, channels.size()))];
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);  // all threads start together
            long measureFrom = start + warmup.toNanos();
            long measureTo = measureFrom + measure.toNanos();
            for (int w = 0; w < workers.length; w++) {
                List<SocketChannel> mine = new ArrayList<>();
                for (int i = w; i < channels.size(); i += workers.length) {
                    mine.add(channels.get(i));
                }
                workers[w] = new Worker(w, mine, start, measureFrom, measureTo);
            }
            for (Worker w : workers) {
                w.thread.start();
            }
            sleepUntil(measureFrom);
            CpuSample cpuFrom = CpuSample.now();
            long bytesFrom = serverBytesRead.getAsLong();
            sleepUntil(measureTo);
            CpuSample cpuTo = CpuSample.now();
            long serverBytes = serverBytesRead.getAsLong() - bytesFrom;
            LatencyHistogram all = new LatencyHistogram();
            long errors = 0;
            List<Long> perConnection = new ArrayList<>(channels.size());
            for (Worker w : workers) {
                w.thread.join(TimeUnit.NANOSECONDS.toMillis(measureTo - System.nanoTime()) + 10_000);
                if (w.thread.isAlive()) {
                    w.thread.interrupt();
                    w.thread.join(5_000);
                    throw new IllegalStateException("client thread " + w.thread.getName() + " did not end in time");
                }
                if (w.failure != null) {
                    throw new IOException("client thread failed: " + w.failure, w.failure);
                }
                all.add(w.histogram);
                errors += w.errors;
                for (Conn c : w.conns) {
                    // Fairness over completed round trips, or for long bursts over the bytes written.
                    perConnection.add(workload.isEcho() ? c.completed : c.sentInWindow);
                }
            }
            double sum = 0;
            double sumSquares = 0;
            int starved = 0;
            for (long x : perConnection) {
                sum += x;
                sumSquares += (double) x * x;
                if (x == 0) {
                    starved++;
                }
            }
            double fairness = sumSquares == 0 ? Double.NaN : sum * sum / (perConnection.size() * sumSquares);
            errors += connections - channels.size();
            return new Result(workload, connections, all.count(), serverBytes, measure.toNanos() / 1e9, all, errors,
                    fairness, starved, connectProblems, cpuTo.processCoresSince(cpuFrom), cpuTo.otherCoresSince(cpuFrom));
        } finally {
            for (SocketChannel ch : channels) {
                try {
                    ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                } catch (IOException ignored) {
                    // closing anyway
                }
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /**
     * Blocking connects one after another: on loopback each takes tens of microseconds, and a
     * connect never outruns the server's accept backlog by thousands, so no SYN is dropped.
     */
    private static String connectAll(InetSocketAddress target, int connections, int sendBuffer,
                                     List<SocketChannel> into) {
        int failed = 0;
        String first = null;
        for (int i = 0; i < connections; i++) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open();
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (sendBuffer > 0) {
                    ch.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
                }
                ch.socket().connect(target, 10_000);
                ch.configureBlocking(false);
                into.add(ch);
            } catch (IOException e) {
                failed++;
                if (first == null) {
                    first = e.toString();
                }
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
        }
        return failed == 0 ? "" : failed + " connects failed (first: " + first + "); ";
    }

    /** One connection's state; touched by its worker thread only. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteBuffer request;  // the packet being written
        SelectionKey key;
        long sentAt;
        int packetsLeft;  // of this burst, counting the one being written
        int received;
        long completed;  // inside the measurement window
        long sent;  // bytes, since the start
        long sentInWindow;  // bytes, inside the measurement window (taken at its ends)

        Conn(SocketChannel channel, ByteBuffer request) {
            this.channel = channel;
            this.request = request;
        }
    }

    private final class Worker implements Runnable {
        final Thread thread;
        final List<Conn> conns = new ArrayList<>();
        final LatencyHistogram histogram = new LatencyHistogram();
        final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
        final long start;
        final long measureFrom;
        final long measureTo;
        long errors;
        volatile Throwable failure;

        Worker(int index, List<SocketChannel> channels, long start, long measureFrom, long measureTo) {
            for (SocketChannel ch : channels) {
                byte[] payload = new byte[workload.packetBytes()];
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) ('a' + i % 26);
                }
                conns.add(new Conn(ch, ByteBuffer.wrap(payload)));
            }
            this.start = start;
            this.measureFrom = measureFrom;
            this.measureTo = measureTo;
            this.thread = new Thread(this, "load-client-" + index);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            try (Selector selector = Selector.open()) {
                for (Conn c : conns) {
                    c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
                }
                long wait = start - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                for (Conn c : conns) {
                    try {
                        send(c, System.nanoTime());
                    } catch (IOException e) {
                        fail(c);
                    }
                }
                boolean windowOpen = false;
                while (!Thread.currentThread().isInterrupted()) {
                    long now = System.nanoTime();
                    if (!windowOpen && now - measureFrom >= 0) {
                        windowOpen = true;
                        conns.forEach(c -> c.sentInWindow = -c.sent);
                    }
                    long left = measureTo - now;
                    if (left <= 0) {
                        conns.forEach(c -> c.sentInWindow += c.sent);
                        break;
                    }
                    // Not selectedKeys(): see TcpLayer.run in seda-runtime, the client pays the same.
                    selector.select(key -> handle((Conn) key.attachment()),
                            Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private void handle(Conn c) {
            SelectionKey key = c.key;
            try {
                if (key.isValid() && key.isWritable() && writeBurst(c)) {
                    key.interestOps(SelectionKey.OP_READ);
                }
                if (key.isValid() && key.isReadable()) {
                    in.clear();
                    int n = c.channel.read(in);
                    if (n < 0) {
                        fail(c);
                        return;
                    }
                    c.received += n;
                    if (c.received > workload.replyBytes()) {
                        fail(c);  // more than the answer: the server is broken
                        return;
                    }
                    if (c.received == workload.replyBytes()) {
                        long now = System.nanoTime();
                        if (now - measureFrom >= 0 && now - measureTo < 0) {
                            histogram.record(now - c.sentAt);
                            c.completed++;
                        }
                        send(c, now);
                    }
                }
            } catch (IOException e) {
                fail(c);
            }
        }

        private void send(Conn c, long now) throws IOException {
            c.received = 0;
            c.sentAt = now;
            c.packetsLeft = workload.packetsPerBurst();
            c.request.clear();
            if (!writeBurst(c)) {
                c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        }

        /** Writes what the socket takes of the current burst; whether all of it is written. */
        private boolean writeBurst(Conn c) throws IOException {
            while (true) {
                c.sent += c.channel.write(c.request);
                if (c.request.hasRemaining()) {
                    return false;
                }
                if (--c.packetsLeft == 0) {
                    return true;
                }
                c.request.clear();
            }
        }

        private void fail(Conn c) {
            errors++;
            c.key.cancel();
        }
    }
}
