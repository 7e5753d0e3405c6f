package org.steptrace.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decodes a byte stream of message blocks written back to back (as a host writes them in
 * file-output mode) into the reference dump's text, one message per line. Strict mode stops at
 * the first damage with its offset; lenient mode skips damaged bytes and reports them.
 */
public final class StreamDump {
    /** Something skipped in lenient mode, or a block out of sequence. */
    public record Problem(long offset, String description) {}

    /** Totals of one dump. */
    public record Summary(long blocks, long messages, List<Problem> skipped, List<Problem> outOfSequence) {}

    private final DataDictionary dictionary;
    private final MessageParser parser;

    public StreamDump(DataDictionary dictionary) {
        this.dictionary = dictionary;
        this.parser = new MessageParser(dictionary);
    }

    /**
     * Decodes {@code stream}, handing each line to {@code out}. Blocks are expected with seq
     * 1, 2, 3… (mod 16); a block out of that order is reported, not rejected.
     *
     * @throws CorruptStreamException in strict mode, at the first damaged byte
     */
    public Summary dump(byte[] stream, boolean lenient, Consumer<String> out) {
        BlockDecoder decoder = new BlockDecoder();
        decoder.feed(stream);
        List<Problem> skipped = new ArrayList<>();
        List<Problem> outOfSequence = new ArrayList<>();
        int expectedSeq = 1;
        long messages = 0;
        DecodeEvent event;
        while ((event = decoder.next()) != null) {
            if (event instanceof DecodeEvent.Skipped s) {
                if (!s.reason().isError()) continue;
                String what = s.reason().description() + ", " + s.length() + " byte(s) skipped";
                if (!lenient) throw new CorruptStreamException(s.offset(), s.reason().description());
                skipped.add(new Problem(s.offset(), what));
                continue;
            }
            DecodeEvent.Block b = (DecodeEvent.Block) event;
            if (b.block().seq() != expectedSeq) {
                outOfSequence.add(new Problem(b.offset(), "seq " + b.block().seq() + ", expected " + expectedSeq));
            }
            expectedSeq = (b.block().seq() + 1) & MessageBlock.SEQ_MASK;
            try {
                messages += dumpBlock(b.block(), out);
            } catch (MalformedPayloadException e) {
                if (!lenient) throw new CorruptStreamException(b.offset(), "block payload: " + e.getMessage());
                skipped.add(new Problem(b.offset(), "rest of block dropped: " + e.getMessage()));
            }
        }
        if (decoder.buffered() > 0) {
            String what = "stream ends inside a block (" + decoder.buffered() + " byte(s) left)";
            if (!lenient) throw new CorruptStreamException(decoder.position(), what);
            skipped.add(new Problem(decoder.position(), what));
        }
        return new Summary(decoder.blocksDecoded(), messages, skipped, outOfSequence);
    }

    private int dumpBlock(MessageBlock block, Consumer<String> out) {
        byte[] payload = block.payload().toByteArray();
        PayloadReader reader = new PayloadReader(payload, 0, payload.length);
        int n = 0;
        while (reader.hasRemaining()) {
            if (dictionary.byId(peekId(reader)).isEmpty()) {
                // The reference dump shows the whole block and decodes nothing further of it.
                out.accept("#unknown " + PythonBytes.repr(Bytes.wrap(block.encode())));
                return n;
            }
            out.accept(parser.next(reader).toString());
            n++;
        }
        return n;
    }

    private static int peekId(PayloadReader reader) {
        return reader.peekVlq();
    }
}
