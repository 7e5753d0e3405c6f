package org.steptrace.trace;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Streams trace records live to WebSocket clients, one text frame per record, the same JSON
 * as a trace file's lines. Read-only: what clients send is ignored. A client that connects
 * late gets the header first, then records from then on.
 */
public final class TraceServer implements TraceSink, Closeable {
    private final RecordJson records = new RecordJson();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final CountDownLatch firstClient = new CountDownLatch(1);
    private final Channel server;
    private final String headerLine;

    private TraceServer(String bind, int port, TraceRecord.Header header) throws InterruptedException {
        this.headerLine = line(header);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/"), new SimpleChannelInboundHandler<WebSocketFrame>() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                                        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                                            ctx.writeAndFlush(new TextWebSocketFrame(headerLine));
                                            clients.add(ctx.channel());
                                            firstClient.countDown();
                                        }
                                        super.userEventTriggered(ctx, evt);
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                        // Read-only stream: nothing a client says changes anything.
                                    }
                                });
                    }
                });
        this.server = b.bind(new InetSocketAddress(bind, port)).sync().channel();
    }

    /** Listens on {@code bind}:{@code port} (0 picks a free port); the header goes to every client first. */
    public static TraceServer start(String bind, int port, TraceRecord.Header header) {
        try {
            return new TraceServer(bind, port, header);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding " + bind + ":" + port, e);
        }
    }

    /** Records come from the run's thread; the constructor's header line is written before the server starts. */
    private synchronized String line(TraceRecord r) {
        return records.line(r);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String address() {
        InetSocketAddress a = (InetSocketAddress) server.localAddress();
        return "ws://" + a.getHostString() + ":" + a.getPort() + "/";
    }

    /** Waits until a client has connected, at most {@code seconds}; whether one did. */
    public boolean awaitClient(double seconds) throws InterruptedException {
        return firstClient.await((long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }

    @Override
    public void record(TraceRecord r) {
        if (r instanceof TraceRecord.Header || clients.isEmpty()) return;
        clients.writeAndFlush(new TextWebSocketFrame(line(r)));
    }

    @Override
    public void close() {
        // Let what was written reach the clients, then say goodbye.
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
