package org.steptrace.protocol.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.steptrace.protocol.BlockDecoder;
import org.steptrace.protocol.DecodeEvent;

/**
 * Netty face of {@link BlockDecoder}: bytes in, {@link DecodeEvent}s out. Intact blocks come
 * as {@link DecodeEvent.Block}; dropped bytes as {@link DecodeEvent.Skipped}, so a handler
 * further up can apply the NAK rules. All framing logic stays in the pure decoder.
 */
public final class MessageBlockDecoder extends ByteToMessageDecoder {
    private final BlockDecoder decoder = new BlockDecoder();
    private final byte[] chunk = new byte[4096];

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int n = Math.min(chunk.length, in.readableBytes());
            in.readBytes(chunk, 0, n);
            decoder.feed(chunk, 0, n);
            DecodeEvent e;
            while ((e = decoder.next()) != null) out.add(e);
        }
    }

    public long blocksDecoded() {
        return decoder.blocksDecoded();
    }

    public long bytesSkipped() {
        return decoder.bytesSkipped();
    }
}
