package org.steptrace.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A million random blocks, a fifth of them damaged (a byte changed, dropped or repeated) or
 * with garbage between them, through the streaming decoder in random reads. No exception
 * escapes, nothing that is not an intact original block is ever accepted, and every intact
 * block that begins after the first 0x7E following the last damage is recovered.
 */
class BlockDecoderFuzzTest {
    private static final int BLOCKS = 1_000_000;

    private record Original(long offset, MessageBlock block) {}

    @Test
    void survivesAMillionRandomAndDamagedBlocks() {
        SplittableRandom rnd = new SplittableRandom(20261125);
        PayloadWriter stream = new PayloadWriter(BLOCKS * 40);
        Map<Long, MessageBlock> intactAt = new HashMap<>();
        List<Original> mustRecover = new ArrayList<>();
        long lastDamage = -1;
        long syncAfterDamage = -1;
        int damaged = 0;
        for (int i = 0; i < BLOCKS; i++) {
            if (rnd.nextInt(20) == 0) {
                int n = 1 + rnd.nextInt(20);
                byte[] garbage = new byte[n];
                rnd.nextBytes(garbage);
                lastDamage = stream.size() + n - 1L;
                stream.writeBytes(garbage, 0, n);
                syncAfterDamage = -1;
            }
            byte[] payload = new byte[rnd.nextInt(MessageBlock.MAX_PAYLOAD + 1)];
            rnd.nextBytes(payload);
            MessageBlock block = new MessageBlock(rnd.nextInt(16), Bytes.of(payload));
            byte[] bytes = block.encode();
            long start = stream.size();
            int kind = rnd.nextInt(100);
            if (kind < 5) {
                int at = rnd.nextInt(bytes.length);
                bytes[at] ^= (byte) (1 + rnd.nextInt(255));
                lastDamage = start + at;
            } else if (kind < 10) {
                int at = rnd.nextInt(bytes.length);
                byte[] cut = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, cut, 0, at);
                System.arraycopy(bytes, at + 1, cut, at, bytes.length - at - 1);
                bytes = cut;
                lastDamage = start + Math.max(0, at - 1);
            } else if (kind < 15) {
                int at = rnd.nextInt(bytes.length);
                byte[] longer = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, longer, 0, at + 1);
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                if (at + 2 >= bytes.length && bytes[at] == (byte) MessageBlock.SYNC) {
                    // Repeating a trailing 0x7E leaves the block whole with a stray sync after it.
                    kind = 100;
                } else {
                    bytes = longer;
                    lastDamage = start + at + 1;
                }
            }
            if (kind >= 15) {
                intactAt.put(start, block);
                if (lastDamage < 0 || (syncAfterDamage >= 0 && syncAfterDamage < start)) {
                    mustRecover.add(new Original(start, block));
                }
            }
            if (kind < 15) {
                damaged++;
                syncAfterDamage = -1;
            }
            stream.writeBytes(bytes, 0, bytes.length);
            if (lastDamage >= 0 && syncAfterDamage < 0) {
                for (long p = lastDamage + 1; p < stream.size(); p++) {
                    if (stream.array()[(int) p] == (byte) MessageBlock.SYNC) {
                        syncAfterDamage = p;
                        break;
                    }
                }
            }
        }

        byte[] all = stream.toByteArray();
        BlockDecoder decoder = new BlockDecoder();
        Map<Long, MessageBlock> accepted = new HashMap<>();
        int at = 0;
        while (at < all.length) {
            int n = Math.min(1 + rnd.nextInt(128), all.length - at);
            decoder.feed(all, at, n);
            at += n;
            DecodeEvent e;
            while ((e = decoder.next()) != null) {
                if (e instanceof DecodeEvent.Block b) {
                    MessageBlock original = intactAt.get(b.offset());
                    assertEquals(original, b.block(), "accepted a block at offset " + b.offset() + " that was not sent intact there");
                    accepted.put(b.offset(), b.block());
                }
            }
        }
        assertTrue(damaged > BLOCKS / 10, "a real share of the blocks was damaged");
        int missed = 0;
        for (Original o : mustRecover) {
            if (!o.block().equals(accepted.get(o.offset()))) missed++;
        }
        assertEquals(0, missed, "intact blocks after a sync were lost");
        assertTrue(mustRecover.size() > BLOCKS / 2);
    }
}
