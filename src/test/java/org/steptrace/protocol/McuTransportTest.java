package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.testing.Fixtures;

class McuTransportTest {
    private final List<MessageBlock> out = new ArrayList<>();
    private final BlockDecoder outDecoder = new BlockDecoder();
    private final List<Bytes> executed = new ArrayList<>();
    private final McuTransport mcu = new McuTransport(bytes -> {
        outDecoder.feed(bytes);
        DecodeEvent e;
        while ((e = outDecoder.next()) != null) out.add(((DecodeEvent.Block) e).block());
    });

    private void feed(String hex) {
        byte[] b = Bytes.fromHex(hex).toByteArray();
        mcu.receive(b, 0, b.length, 0, payload -> {
            executed.add(payload);
            return true;
        });
    }

    private static String block(int seq, String payloadHex) {
        return Bytes.of(new MessageBlock(seq, Bytes.fromHex(payloadHex)).encode()).hex();
    }

    @Test
    void junkIsAnsweredWithOneNak() {
        feed("1b0100010e1104");
        assertEquals(List.of(MessageBlock.ack(0)), out);
        feed("1b0100010e11041b0100");
        assertEquals(1, out.size(), "no second NAK until a frame checks");
    }

    @Test
    void aWrongSeqIsDroppedWithANakForTheExpectedSeq() {
        feed(block(1, "010028"));
        feed("7e" + block(1, "010028"));
        assertEquals(List.of(MessageBlock.ack(0), MessageBlock.ack(0)), out);
        assertTrue(executed.isEmpty());
        feed(block(0, "010028"));
        assertEquals(MessageBlock.ack(1), out.get(2));
        assertEquals(List.of(Bytes.fromHex("010028")), executed);
    }

    @Test
    void damageInsideAStreamCostsOneNakAndTheNextIntactBlockIsExecuted() {
        String good0 = block(0, "0102");
        String bad1 = block(1, "0304").substring(0, 6) + "ff" + block(1, "0304").substring(8);
        String good1 = block(1, "0506");
        feed(good0 + bad1 + good1);
        assertEquals(List.of(MessageBlock.ack(1), MessageBlock.ack(1), MessageBlock.ack(2)), out);
        assertEquals(List.of(Bytes.fromHex("0102"), Bytes.fromHex("0506")), executed);
    }

    @Test
    void responsesGoOutBeforeTheAckAndCarryTheNewSeq() {
        byte[] b = Bytes.fromHex(block(0, "05")).toByteArray();
        mcu.receive(b, 0, b.length, 0, payload -> {
            mcu.send(Bytes.fromHex("3a01"));
            return true;
        });
        assertEquals(List.of(new MessageBlock(1, Bytes.fromHex("3a01")), MessageBlock.ack(1)), out);
    }

    @Test
    void aShutdownDuringABlockSkipsItsAck() {
        byte[] b = Bytes.fromHex(block(0, "03") + block(1, "05")).toByteArray();
        mcu.receive(b, 0, b.length, 0, payload -> payload.get(0) != 3);
        assertEquals(List.of(MessageBlock.ack(2)), out);
        assertEquals(2, mcu.blocksExecuted());
    }

    @Test
    void answersARealHostConnectingAsTheRealMcuDid() {
        // Replays the host half of a real connection; our ACKs and NAKs must equal the MCU's.
        List<MessageBlock> realAcks = new ArrayList<>();
        BlockDecoder realDecoder = new BlockDecoder();
        for (String line : Fixtures.text("streams/live-connect.linuxprocess.wire.log").lines().toList()) {
            String[] parts = line.split(" ", 3);
            byte[] b = Bytes.fromHex(parts[2]).toByteArray();
            if (parts[1].equals("H->M")) {
                mcu.receive(b, 0, b.length, Double.parseDouble(parts[0]), payload -> true);
            } else {
                realDecoder.feed(b);
                DecodeEvent e;
                while ((e = realDecoder.next()) != null) {
                    MessageBlock mb = ((DecodeEvent.Block) e).block();
                    if (mb.isAck()) realAcks.add(mb);
                }
            }
        }
        assertTrue(realAcks.size() > 100, "fixture has the whole identify download");
        assertEquals(realAcks, out);
        assertEquals(2, mcu.wrongSeqBlocks() + 1, "one junk NAK plus one wrong-seq NAK before the resync");
    }
}
