package dev.seda.benchmarks.http;

import dev.seda.examples.haboob.DynamicPage;
import dev.seda.runtime.Config;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A minimal but correct Netty 4.2 HTTP/1.1 static-file server, the "what a user would pick instead"
 * of issue 6: NIO transport, keep-alive, pipelined requests answered in order, GET and HEAD (405
 * otherwise), 404, files cached in memory after their first read ({@link StaticFiles}), and pages
 * under {@code /dynamic/} rendered by haboob's {@link DynamicPage} off the event loop, on a bounded
 * executor whose full queue answers 503 with {@code Retry-After}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.seda.benchmarks.http.NettyStaticServer --port 8080 --root DIR \
 *     [--dynamic-rounds 5000] [--io-threads cores] [--dynamic-threads cores] [--dynamic-queue 1024] [--host 127.0.0.1]
 * </pre>
 *
 * <p>Defaults: one event-loop thread per core the JVM sees and as many render threads (the render is
 * pure CPU work, more threads than cores only add switches), and a render queue of 1024: a bound
 * that keeps memory safe, picked without knowing any response-time target, as a user would.
 */
public final class NettyStaticServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final ThreadPoolExecutor renderers;
    private final Channel listener;

    private NettyStaticServer(Config config) throws Exception {
        String host = config.string("host", "127.0.0.1");
        int port = config.integer("port", 8080);
        StaticFiles files = new StaticFiles(Path.of(config.get("root")
                .orElseThrow(() -> new IllegalArgumentException("--root DIR is required"))));
        long rounds = Long.parseLong(config.string("dynamic-rounds", "5000"));
        int cores = Runtime.getRuntime().availableProcessors();
        int ioThreads = config.integer("io-threads", cores);
        int renderThreads = config.integer("dynamic-threads", cores);
        int queue = config.integer("dynamic-queue", 1024);
        renderers = new ThreadPoolExecutor(renderThreads, renderThreads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "render");
                    t.setDaemon(true);
                    return t;
                });
        group = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                    new Handler(files, renderers, rounds));
                        }
                    });
            listener = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
        } catch (Exception | Error e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            renderers.shutdownNow();
            throw e;
        }
        System.out.println("netty serving " + files.root() + " on " + listener.localAddress() + ", " + ioThreads
                + " event loops, " + renderThreads + " render threads, render queue " + queue + ", dynamic rounds "
                + rounds);
    }

    /** Starts a server; {@link #close} stops it. */
    public static NettyStaticServer start(Config config) throws Exception {
        return new NettyStaticServer(config);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        renderers.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        NettyStaticServer server = start(Config.fromArgs(args));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "netty-stop"));
        server.listener.closeFuture().sync();
    }

    /** One per connection: responses leave in request order, however the render pool reorders them. */
    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final java.util.concurrent.atomic.AtomicInteger ERRORS_SHOWN =
                new java.util.concurrent.atomic.AtomicInteger();
        private final StaticFiles files;
        private final ThreadPoolExecutor renderers;
        private final long rounds;
        private final ArrayDeque<Slot> pending = new ArrayDeque<>();
        private boolean closing;

        Handler(StaticFiles files, ThreadPoolExecutor renderers, long rounds) {
            this.files = files;
            this.renderers = renderers;
            this.rounds = rounds;
        }

        /** A request's place in the connection's response order. */
        private static final class Slot {
            final boolean keepAlive;
            FullHttpResponse response;

            Slot(boolean keepAlive) {
                this.keepAlive = keepAlive;
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (closing) {
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            Slot slot = new Slot(keepAlive);
            pending.add(slot);
            HttpVersion version = request.protocolVersion();
            if (!request.decoderResult().isSuccess()) {
                slot.response = text(version, HttpResponseStatus.BAD_REQUEST, false);
            } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                slot.response = text(version, HttpResponseStatus.METHOD_NOT_ALLOWED, keepAlive);
                slot.response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            } else {
                boolean head = request.method().equals(HttpMethod.HEAD);
                String path;
                try {
                    path = new QueryStringDecoder(request.uri()).path();
                } catch (IllegalArgumentException e) {
                    path = null;
                }
                if (path == null) {
                    slot.response = text(version, HttpResponseStatus.BAD_REQUEST, false);
                } else if (path.startsWith(DynamicPage.PREFIX)) {
                    String target = path;
                    try {
                        renderers.execute(() -> {
                            if (!ctx.channel().isActive()) {
                                return; // the client is gone: no one to render for
                            }
                            byte[] body = DynamicPage.render(target, rounds);
                            ctx.executor().execute(() -> {
                                slot.response = page(version, "text/plain; charset=utf-8", body, head, keepAlive);
                                drain(ctx);
                            });
                        });
                    } catch (RejectedExecutionException e) {
                        slot.response = text(version, HttpResponseStatus.SERVICE_UNAVAILABLE, keepAlive);
                        slot.response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
                    }
                } else {
                    StaticFiles.Page page = files.get(path);
                    slot.response = page == null
                            ? text(version, HttpResponseStatus.NOT_FOUND, keepAlive)
                            : page(version, page.contentType(), page.bytes(), head, keepAlive);
                }
            }
            drain(ctx);
        }

        private void drain(ChannelHandlerContext ctx) {
            boolean wrote = false;
            while (!closing && !pending.isEmpty() && pending.peek().response != null) {
                Slot slot = pending.poll();
                wrote = true;
                if (slot.keepAlive) {
                    ctx.write(slot.response);
                } else {
                    closing = true;
                    pending.clear();
                    ctx.writeAndFlush(slot.response).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            }
            if (wrote) {
                ctx.flush();
            }
        }

        private static FullHttpResponse page(HttpVersion version, String contentType, byte[] body, boolean head,
                                             boolean keepAlive) {
            ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
            FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            HttpUtil.setKeepAlive(response, keepAlive);
            return response;
        }

        private static FullHttpResponse text(HttpVersion version, HttpResponseStatus status, boolean keepAlive) {
            byte[] body = (status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            HttpUtil.setKeepAlive(response, keepAlive);
            return response;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closing = true;
            pending.clear();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ERRORS_SHOWN.getAndIncrement() < 10) {
                System.err.println("closing " + ctx.channel() + ": " + cause);
            }
            closing = true;
            ctx.close();
        }
    }
}
