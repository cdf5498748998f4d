package dev.seda.runtime;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Many concurrent TCP clients driven by the calling thread through one selector, so a test can
 * hold thousands of connections open without thousands of threads: {@link #connectAll} opens
 * them, {@link #echoRound} sends each a distinct message and checks the echo. A starting point for
 * the connection-scaling benchmark too.
 */
final class LoadClient implements AutoCloseable {
    private final InetSocketAddress target;
    private final Selector selector;
    private final List<SocketChannel> channels = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    /** Per connection during a round: the expected echo and what came back so far. */
    private record Exchange(int index, byte[] expected, ByteBuffer received) {}

    LoadClient(InetSocketAddress target) throws IOException {
        this.target = target;
        this.selector = Selector.open();
    }

    /** Opens {@code count} connections at once and waits until every one is connected; returns how many are. */
    int connectAll(int count, Duration timeout) throws IOException {
        for (int i = 0; i < count; i++) {
            SocketChannel ch = SocketChannel.open();
            channels.add(ch);
            ch.configureBlocking(false);
            if (!ch.connect(target)) {
                ch.register(selector, SelectionKey.OP_CONNECT, i);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!selector.keys().isEmpty() && System.nanoTime() - deadline < 0) {
            selector.select(100);
            for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey key = it.next();
                it.remove();
                SocketChannel ch = (SocketChannel) key.channel();
                try {
                    if (ch.finishConnect()) {
                        key.cancel();
                    }
                } catch (IOException e) {
                    failures.add("connect " + key.attachment() + ": " + e);
                    key.cancel();
                    ch.close();
                }
            }
            selector.selectNow();  // flush cancelled keys, so keys() shrinks
        }
        return (int) channels.stream().filter(SocketChannel::isConnected).count();
    }

    /**
     * Sends every connected channel its own message, reads until the echo is complete, then closes
     * that channel; returns how many got exactly their message back.
     */
    int echoRound(Duration timeout) throws IOException {
        int pending = 0;
        for (int i = 0; i < channels.size(); i++) {
            SocketChannel ch = channels.get(i);
            if (!ch.isConnected()) {
                continue;
            }
            byte[] msg = ("client " + i + " says hello\n").getBytes(US_ASCII);
            ByteBuffer out = ByteBuffer.wrap(msg);
            while (out.hasRemaining()) {
                ch.write(out);  // a few bytes: the socket buffer takes them at once
            }
            ch.register(selector, SelectionKey.OP_READ, new Exchange(i, msg, ByteBuffer.allocate(msg.length + 1)));
            pending++;
        }
        int ok = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending > 0 && System.nanoTime() - deadline < 0) {
            selector.select(100);
            for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                SelectionKey key = it.next();
                it.remove();
                Exchange x = (Exchange) key.attachment();
                SocketChannel ch = (SocketChannel) key.channel();
                int n;
                try {
                    n = ch.read(x.received());
                } catch (IOException e) {
                    n = -1;
                }
                if (n < 0 || x.received().position() >= x.expected().length) {
                    byte[] got = Arrays.copyOf(x.received().array(), x.received().position());
                    if (Arrays.equals(got, x.expected())) {
                        ok++;
                    } else {
                        failures.add("client " + x.index() + " got " + new String(got, US_ASCII));
                    }
                    pending--;
                    key.cancel();
                    ch.close();
                }
            }
        }
        return ok;
    }

    /** What went wrong, at most the first ten. */
    List<String> failures() {
        return failures.subList(0, Math.min(10, failures.size()));
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel ch : channels) {
            ch.close();
        }
        selector.close();
    }
}
