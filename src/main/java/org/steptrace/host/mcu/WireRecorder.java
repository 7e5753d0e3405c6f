package org.steptrace.host.mcu;

import java.util.Locale;
import java.util.function.Supplier;
import org.steptrace.protocol.BlockDecoder;
import org.steptrace.protocol.Bytes;
import org.steptrace.protocol.DecodeEvent;
import org.steptrace.protocol.MessageBlock;
import org.steptrace.protocol.MessageParser;
import org.steptrace.protocol.WireTap;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSink;

/**
 * Turns what the host's transport sends and receives into message records, decoded with the
 * dictionary the session had when the block went by; the decoding itself waits until the record
 * is written, off the run's thread.
 */
final class WireRecorder implements WireTap {
    private final TraceSink sink;
    private final Supplier<MessageParser> parser;
    private final BlockDecoder sentBlocks = new BlockDecoder();

    WireRecorder(TraceSink sink, Supplier<MessageParser> parser) {
        this.sink = sink;
        this.parser = parser;
    }

    @Override
    public void sent(double timeS, Bytes bytes, SendKind kind) {
        sentBlocks.feed(bytes.toByteArray());
        for (DecodeEvent e = sentBlocks.next(); e != null; e = sentBlocks.next()) {
            if (e instanceof DecodeEvent.Block b) record("host_to_mcu", kind.name().toLowerCase(Locale.ROOT), timeS, b.block());
        }
    }

    @Override
    public void received(double timeS, DecodeEvent event) {
        if (event instanceof DecodeEvent.Block b) {
            String kind = b.block().payload().size() == 0 ? "ack" : "data";
            record("mcu_to_host", kind, timeS, b.block());
        }
    }

    private void record(String direction, String kind, double timeS, MessageBlock block) {
        sink.record(new TraceRecord.WireMessage(direction, kind, timeS, block.seq(),
                block.payload().size() + MessageBlock.HEADER_LENGTH + MessageBlock.TRAILER_LENGTH,
                new DecodedMessages(parser.get(), block.payload())));
    }
}
