package org.steptrace.protocol.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.protocol.Bytes;
import org.steptrace.protocol.DecodeEvent;
import org.steptrace.protocol.MessageBlock;
import org.steptrace.testing.Fixtures;

class NettyCodecTest {
    @Test
    void encoderWritesTheWireBytes() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageBlockEncoder());
        ch.writeOutbound(MessageBlock.ack(0), new MessageBlock(0, Bytes.fromHex("010028")));
        assertEquals("05109e817e", hex(ch.readOutbound()));
        assertEquals("08100100285e9f7e", hex(ch.readOutbound()));
        assertNull(ch.readOutbound());
    }

    @Test
    void decoderFramesARealStreamInAnyChunking() {
        byte[] stream = Fixtures.bytes("streams/small-print.linuxprocess.bin");
        EmbeddedChannel ch = new EmbeddedChannel(new MessageBlockDecoder());
        for (int at = 0, n = 1; at < stream.length; at += n, n = n % 97 + 1) {
            ch.writeInbound(Unpooled.wrappedBuffer(stream, at, Math.min(n, stream.length - at)));
        }
        List<MessageBlock> blocks = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) blocks.add(((DecodeEvent.Block) o).block());
        assertTrue(blocks.size() > 400);
        assertEquals(1, blocks.get(0).seq());
        int total = blocks.stream().mapToInt(MessageBlock::length).sum();
        assertEquals(stream.length, total);
    }

    @Test
    void decoderReportsDamageAsSkipsAndRecovers() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageBlockDecoder(), new MessageBlockEncoder());
        ch.writeInbound(Unpooled.wrappedBuffer(Bytes.fromHex("1b0100010e1104" + "08100100285e9f7e").toByteArray()));
        DecodeEvent.Skipped junk = ch.readInbound();
        assertEquals(DecodeEvent.SkipReason.BAD_SEQ, junk.reason());
        assertEquals(15, junk.length(), "up to and including the block's own sync");
        assertNull(ch.readInbound(), "the block whose start was eaten is lost, as on the MCU");
        ch.writeInbound(Unpooled.wrappedBuffer(new MessageBlock(0, Bytes.fromHex("010028")).encode()));
        DecodeEvent.Block b = ch.readInbound();
        assertEquals(Bytes.fromHex("010028"), b.block().payload());
        // A pipeline with both halves echoes a decoded block back out byte for byte.
        ch.writeOutbound(b.block());
        assertEquals("08100100285e9f7e", hex(ch.readOutbound()));
    }

    private static String hex(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        buf.release();
        return Bytes.of(b).hex();
    }
}
