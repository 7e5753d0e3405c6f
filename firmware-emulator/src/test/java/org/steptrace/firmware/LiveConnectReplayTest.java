package org.steptrace.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.protocol.BlockDecoder;
import org.steptrace.protocol.Bytes;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.protocol.DecodeEvent;
import org.steptrace.protocol.Message;
import org.steptrace.protocol.MessageBlock;
import org.steptrace.protocol.MessageParser;
import org.steptrace.protocol.PayloadWriter;
import org.steptrace.testing.Fixtures;

/**
 * Replays the host half of a real host connecting to a real MCU into the emulator, with each
 * host message re-encoded for the emulator's own dictionary (same blocks, same seqs, same junk,
 * same times), and compares the answers with the real MCU's, kind by kind.
 */
class LiveConnectReplayTest {
    private record Line(double timeS, boolean toMcu, byte[] bytes) {}

    private final DataDictionary real = Fixtures.linuxDictionary();

    @Test
    void drawsTheSameKindsOfAnswersAsTheRealMcu() {
        List<Line> log = new ArrayList<>();
        for (String l : Fixtures.text("streams/live-connect.linuxprocess.wire.log").lines().toList()) {
            String[] p = l.split(" ", 3);
            log.add(new Line(Double.parseDouble(p[0]), p[1].equals("H->M"), Bytes.fromHex(p[2]).toByteArray()));
        }
        List<String> realAnswers = new ArrayList<>();
        BlockDecoder realDecoder = new BlockDecoder();
        MessageParser realParser = new MessageParser(real);

        List<byte[]> emulatorOut = new ArrayList<>();
        McuSpec spec = TestBoards.avr();
        Mcu mcu = new Mcu(spec, PinIo.FLOATING, McuTap.NONE, emulatorOut::add);
        MessageParser emuParser = new MessageParser(mcu.dictionary());
        BlockDecoder hostDecoder = new BlockDecoder();

        for (Line line : log) {
            mcu.advanceTo(Math.max(mcu.nowTick(), spec.ticks(line.timeS())));
            if (!line.toMcu()) {
                realDecoder.feed(line.bytes());
                describeAll(realDecoder, realParser, realAnswers);
                continue;
            }
            // Translate each host block to the emulator's ids; junk goes through untouched.
            hostDecoder.feed(line.bytes());
            long lineStart = hostDecoder.position();
            DecodeEvent e;
            while ((e = hostDecoder.next()) != null) {
                byte[] bytes;
                if (e instanceof DecodeEvent.Block b) {
                    PayloadWriter w = new PayloadWriter();
                    for (Message m : realParser.parse(b.block().payload())) {
                        mcu.dictionary().requireCommand(m.format().format()).message(m.args().toArray()).encode(w);
                    }
                    bytes = new MessageBlock(b.block().seq(), w.toBytes()).encode();
                } else {
                    DecodeEvent.Skipped s = (DecodeEvent.Skipped) e;
                    int from = (int) (s.offset() - lineStart);
                    bytes = java.util.Arrays.copyOfRange(line.bytes(), from, from + s.length());
                }
                mcu.receive(bytes, 0, bytes.length);
            }
        }
        List<String> emulatorAnswers = new ArrayList<>();
        BlockDecoder emuDecoder = new BlockDecoder();
        emulatorOut.forEach(emuDecoder::feed);
        describeAll(emuDecoder, emuParser, emulatorAnswers);

        assertTrue(realAnswers.contains("stats") && emulatorAnswers.contains("stats"), "both send stats every 5 s");
        List<String> realKinds = realAnswers.stream().filter(a -> !a.equals("stats")).toList();
        List<String> emuKinds = emulatorAnswers.stream().filter(a -> !a.equals("stats")).toList();
        assertEquals(List.of("empty seq 0", "empty seq 0", "identify_response", "empty seq 1"), realKinds.subList(0, 4),
                "fixture: NAK for the junk, NAK for the wrong seq, then the identify answer and its ACK");
        assertEquals(realKinds, emuKinds);
    }

    /** Each decoded MCU block as a word: "empty seq N" or the response's name. */
    private static void describeAll(BlockDecoder d, MessageParser parser, List<String> out) {
        DecodeEvent e;
        while ((e = d.next()) != null) {
            if (e instanceof DecodeEvent.Block b) {
                if (b.block().isAck()) out.add("empty seq " + b.block().seq());
                else parser.parse(b.block().payload()).forEach(m -> out.add(m.name()));
            }
        }
    }
}
