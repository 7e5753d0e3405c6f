package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.testing.Fixtures;

class StreamDumpTest {
    private final DataDictionary linux = Fixtures.linuxDictionary();
    private final byte[] stream = Fixtures.bytes("streams/small-print.linuxprocess.bin");

    @Test
    void decodesARealHostStreamExactlyAsTheReferenceTool() {
        StringBuilder out = new StringBuilder();
        StreamDump.Summary s = new StreamDump(linux).dump(stream, false, line -> out.append(line).append('\n'));
        assertEquals(Fixtures.text("streams/small-print.linuxprocess.dump.txt"), out.toString());
        assertTrue(s.outOfSequence().isEmpty());
        assertEquals(1781, s.messages());
    }

    @Test
    void strictModeNamesTheOffsetOfTheFirstDamage() {
        byte[] damaged = stream.clone();
        int firstBlockLen = damaged[0];
        damaged[firstBlockLen + 3] ^= 0x01; // a payload byte of the second block
        var e = assertThrows(CorruptStreamException.class, () -> new StreamDump(linux).dump(damaged, false, l -> {}));
        assertEquals(firstBlockLen, e.offset());
        assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
    }

    @Test
    void lenientModeSkipsDamageAndRecoversTheRest() {
        byte[] damaged = stream.clone();
        int firstBlockLen = damaged[0];
        damaged[firstBlockLen + 3] ^= 0x01;
        List<String> lines = new ArrayList<>();
        StreamDump.Summary s = new StreamDump(linux).dump(damaged, true, lines::add);
        assertEquals(1, s.skipped().size());
        assertEquals(firstBlockLen, s.skipped().get(0).offset());
        List<String> reference = Fixtures.text("streams/small-print.linuxprocess.dump.txt").lines().toList();
        // The damaged block's messages are gone; the block after it shows that a seq was skipped.
        assertEquals(reference.subList(reference.size() - 1000, reference.size()), lines.subList(lines.size() - 1000, lines.size()));
        assertEquals(1, s.outOfSequence().size());
    }

    @Test
    void aStreamCutMidBlockIsAnError() {
        byte[] cut = java.util.Arrays.copyOf(stream, stream.length - 3);
        var e = assertThrows(CorruptStreamException.class, () -> new StreamDump(linux).dump(cut, false, l -> {}));
        assertTrue(e.getMessage().contains("ends inside a block"), e.getMessage());
    }

    @Test
    void unknownIdsPrintTheWholeBlockAndStopDecodingIt() {
        int getClock = linux.requireCommand("get_clock").id();
        PayloadWriter w = new PayloadWriter().writeVlq(getClock).writeVlq(150).writeVlq(getClock);
        byte[] block = new MessageBlock(1, w.toBytes()).encode();
        List<String> lines = new ArrayList<>();
        new StreamDump(linux).dump(block, false, lines::add);
        assertEquals(List.of("get_clock", "#unknown " + PythonBytes.repr(Bytes.of(block))), lines);
    }

    @Test
    void aLeadingSyncByteIsNotDamage() {
        byte[] withSync = new byte[stream.length + 1];
        withSync[0] = 0x7e;
        System.arraycopy(stream, 0, withSync, 1, stream.length);
        List<String> lines = new ArrayList<>();
        new StreamDump(linux).dump(withSync, false, lines::add);
        assertEquals(1781, lines.size());
    }
}
