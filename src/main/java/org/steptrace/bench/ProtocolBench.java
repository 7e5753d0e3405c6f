package org.steptrace.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.steptrace.protocol.BlockDecoder;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.DecodeEvent;
import org.steptrace.protocol.Message;
import org.steptrace.protocol.MessageBlock;
import org.steptrace.protocol.MessageFormat;
import org.steptrace.protocol.MessageParser;
import org.steptrace.protocol.PayloadWriter;

/**
 * Block encode and decode rates on one core, over a stream shaped like a print's: mostly
 * queue_step with some set_next_step_dir and queue_digital_out.
 */
public final class ProtocolBench {
    private static final int MESSAGES = 20_000;

    private final double seconds;

    public ProtocolBench(double seconds) {
        this.seconds = seconds;
    }

    public List<BenchFigure> run() {
        DataDictionary dict = DataDictionary.builder()
                .command("queue_step oid=%c interval=%u count=%hu add=%hi")
                .command("set_next_step_dir oid=%c dir=%c")
                .command("queue_digital_out oid=%c clock=%u on_ticks=%u")
                .config("CLOCK_FREQ", 16_000_000)
                .build();
        List<Message> messages = workload(dict, new SplittableRandom(1));
        byte[] stream = encode(messages);
        double bytesPerMessage = (double) stream.length / messages.size();

        Stopwatch.Rate enc = Stopwatch.measure(seconds, () -> {
            encode(messages);
            return messages.size();
        });
        MessageParser parser = new MessageParser(dict);
        Stopwatch.Rate dec = Stopwatch.measure(seconds, () -> decode(stream, parser));

        List<BenchFigure> figures = new ArrayList<>();
        figures.add(new BenchFigure("protocol.encode.rate", enc.perSecond(), "messages/s"));
        figures.add(new BenchFigure("protocol.encode.throughput", enc.perSecond() * bytesPerMessage / 1e6, "MB/s"));
        figures.add(new BenchFigure("protocol.decode.rate", dec.perSecond(), "messages/s"));
        figures.add(new BenchFigure("protocol.decode.throughput", dec.perSecond() * bytesPerMessage / 1e6, "MB/s"));
        figures.add(new BenchFigure("protocol.wire.bytes_per_message", bytesPerMessage, "bytes"));
        return figures;
    }

    private static List<Message> workload(DataDictionary dict, SplittableRandom rnd) {
        MessageFormat step = dict.command("queue_step").orElseThrow();
        MessageFormat dir = dict.command("set_next_step_dir").orElseThrow();
        MessageFormat pwm = dict.command("queue_digital_out").orElseThrow();
        List<Message> out = new ArrayList<>(MESSAGES);
        for (int i = 0; i < MESSAGES; i++) {
            int kind = rnd.nextInt(100);
            if (kind < 90) {
                out.add(step.message(rnd.nextInt(4), 2_000 + rnd.nextInt(200_000), 1 + rnd.nextInt(400), rnd.nextInt(-600, 600)));
            } else if (kind < 97) {
                out.add(dir.message(rnd.nextInt(4), rnd.nextInt(2)));
            } else {
                out.add(pwm.message(4, rnd.nextInt(), rnd.nextInt(2_000_000)));
            }
        }
        return out;
    }

    /** Packs messages greedily into blocks of at most 59 payload bytes. */
    static byte[] encode(List<Message> messages) {
        PayloadWriter stream = new PayloadWriter(messages.size() * 8);
        PayloadWriter one = new PayloadWriter();
        byte[] block = new byte[MessageBlock.MAX_LENGTH];
        int payload = 0;
        int seq = 1;
        for (Message m : messages) {
            one.reset();
            m.encode(one);
            if (payload + one.size() > MessageBlock.MAX_PAYLOAD) {
                stream.writeBytes(block, 0, MessageBlock.frame(block, 0, seq++, payload));
                payload = 0;
            }
            System.arraycopy(one.array(), 0, block, MessageBlock.HEADER_LENGTH + payload, one.size());
            payload += one.size();
        }
        if (payload > 0) stream.writeBytes(block, 0, MessageBlock.frame(block, 0, seq, payload));
        return stream.toByteArray();
    }

    private static long decode(byte[] stream, MessageParser parser) {
        BlockDecoder decoder = new BlockDecoder();
        decoder.feed(stream);
        long n = 0;
        DecodeEvent e;
        while ((e = decoder.next()) != null) {
            if (e instanceof DecodeEvent.Block b) n += parser.parse(b.block().payload()).size();
        }
        return n;
    }
}
