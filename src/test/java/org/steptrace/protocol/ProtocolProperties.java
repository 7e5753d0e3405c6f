package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.steptrace.testing.Fixtures;

class ProtocolProperties {
    private static final List<DataDictionary> DICTIONARIES = List.of(Fixtures.linuxDictionary(), Fixtures.avrDictionary());
    private static final byte[] STREAM = Fixtures.bytes("streams/small-print.linuxprocess.bin");

    @Property(tries = 3000)
    void everyFormatOfBothRealDictionariesRoundTrips(@ForAll("messages") Message message) {
        PayloadWriter w = new PayloadWriter();
        message.encode(w);
        DataDictionary dict = DICTIONARIES.stream()
                .filter(d -> d.byFormat(message.format().format()).orElse(null) == message.format())
                .findFirst().orElseThrow();
        assertEquals(List.of(message), new MessageParser(dict).parse(w.toBytes()));
    }

    @Property(tries = 200)
    void namesAndNumbersEncodeAlike(@ForAll("messages") Message message) {
        // Re-building from enumeration names (where the value has one) gives the same message.
        Object[] values = new Object[message.args().size()];
        for (int i = 0; i < values.length; i++) {
            MessageFormat.Param p = message.format().params().get(i);
            Object v = message.args().get(i);
            values[i] = p.enumeration() != null ? p.enumeration().nameOf((Long) v).map(n -> (Object) n).orElse(v) : v;
        }
        assertEquals(message, message.format().message(values));
    }

    @Provide
    Arbitrary<Message> messages() {
        List<MessageFormat> formats = new ArrayList<>();
        DICTIONARIES.forEach(d -> formats.addAll(d.formats()));
        return Arbitraries.of(formats).flatMap(f -> {
            List<Arbitrary<Object>> args = new ArrayList<>();
            for (MessageFormat.Param p : f.params()) args.add(valueFor(p));
            return Combinators.combine(args).as(values -> f.message(values.toArray()));
        });
    }

    private static Arbitrary<Object> valueFor(MessageFormat.Param p) {
        Arbitrary<Long> raw = switch (p.type()) {
            case UINT32 -> Arbitraries.longs().between(0, 0xFFFFFFFFL);
            case INT32 -> Arbitraries.longs().between(Integer.MIN_VALUE, Integer.MAX_VALUE);
            case UINT16 -> Arbitraries.longs().between(0, 0xFFFF);
            case INT16 -> Arbitraries.longs().between(-0x8000, 0x7FFF);
            case BYTE -> Arbitraries.longs().between(0, 0xFF);
            default -> null;
        };
        if (raw != null) {
            if (p.enumeration() != null && !p.enumeration().values().isEmpty()) {
                List<Long> fitting = p.enumeration().values().values().stream().filter(p.type()::accepts).distinct().toList();
                if (!fitting.isEmpty()) return Arbitraries.oneOf(raw, Arbitraries.of(fitting)).map(v -> (Object) v);
            }
            return raw.map(v -> (Object) v);
        }
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(48).map(Bytes::of);
    }

    @Property(tries = 300)
    void anySplitOfAStreamIntoReadsDecodesIdentically(@ForAll("cuts") List<Integer> cuts) {
        assertEquals(decodeInReads(STREAM, List.of(STREAM.length)), decodeInReads(STREAM, cuts));
    }

    @Property(tries = 300)
    void anySplitOfADamagedStreamDecodesIdentically(@ForAll("cuts") List<Integer> cuts,
                                                    @ForAll @IntRange(min = 0, max = 21_999) int damageAt,
                                                    @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] damaged = STREAM.clone();
        damaged[damageAt] ^= (byte) xor;
        assertEquals(decodeInReads(damaged, List.of(damaged.length)), decodeInReads(damaged, cuts));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 300).list().ofMinSize(1).ofMaxSize(400);
    }

    /** Feeds the stream in reads of the given sizes (repeating them), collecting every event. */
    private static List<DecodeEvent> decodeInReads(byte[] stream, List<Integer> readSizes) {
        BlockDecoder d = new BlockDecoder();
        List<DecodeEvent> events = new ArrayList<>();
        int at = 0;
        int i = 0;
        while (at < stream.length) {
            int n = Math.min(readSizes.get(i++ % readSizes.size()), stream.length - at);
            d.feed(stream, at, n);
            at += n;
            DecodeEvent e;
            while ((e = d.next()) != null) events.add(e);
        }
        return mergeSkips(events);
    }

    /** One damaged region may be reported in several pieces when its bytes arrive in several reads. */
    private static List<DecodeEvent> mergeSkips(List<DecodeEvent> events) {
        List<DecodeEvent> out = new ArrayList<>();
        for (DecodeEvent e : events) {
            if (e instanceof DecodeEvent.Skipped s && !out.isEmpty() && out.get(out.size() - 1) instanceof DecodeEvent.Skipped prev
                    && prev.reason().isError() && s.reason() == DecodeEvent.SkipReason.RESYNC
                    && prev.offset() + prev.length() == s.offset()) {
                out.set(out.size() - 1, new DecodeEvent.Skipped(prev.offset(), prev.length() + s.length(), prev.reason()));
            } else {
                out.add(e);
            }
        }
        return out;
    }
}
