package org.steptrace.protocol.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import org.steptrace.protocol.MessageBlock;

/** Netty face of {@link MessageBlock#encode}: the mirror image of {@link MessageBlockDecoder}. */
@ChannelHandler.Sharable
public final class MessageBlockEncoder extends MessageToByteEncoder<MessageBlock> {
    public MessageBlockEncoder() {
        super(MessageBlock.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MessageBlock block, ByteBuf out) {
        out.writeBytes(block.encode());
    }
}
