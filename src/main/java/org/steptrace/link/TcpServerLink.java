package org.steptrace.link;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A TCP server carrying the link's bytes (Netty, NIO). One client at a time, like a serial
 * port: a new connection replaces the old one. Bytes written while nobody is connected are
 * dropped, as on an unplugged cable.
 */
public final class TcpServerLink implements ByteLink {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private volatile Channel client;
    private volatile Consumer<byte[]> receiver = b -> {};

    public TcpServerLink(String host, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Channel old = client;
                        client = ch;
                        if (old != null) old.close();
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                byte[] bytes = new byte[msg.readableBytes()];
                                msg.readBytes(bytes);
                                receiver.accept(bytes);
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                if (client == ctx.channel()) client = null;
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                });
        try {
            this.server = b.bind(host, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
    }

    /** The port actually bound (useful when asked for port 0). */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public boolean hasClient() {
        return client != null;
    }

    @Override
    public void write(byte[] bytes) {
        Channel c = client;
        if (c != null && c.isActive()) c.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    @Override
    public void onReceive(Consumer<byte[]> receiver) {
        this.receiver = receiver;
    }

    @Override
    public String address() {
        InetSocketAddress a = (InetSocketAddress) server.localAddress();
        return "tcp://" + a.getHostString() + ":" + a.getPort();
    }

    @Override
    public void close() {
        Channel c = client;
        if (c != null) c.close();
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
