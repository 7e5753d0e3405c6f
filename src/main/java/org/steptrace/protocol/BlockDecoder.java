package org.steptrace.protocol;

import java.util.Arrays;

/**
 * Splits a byte stream into message blocks, in any chunking. Framing is by the length byte;
 * after an invalid frame it drops everything up to and including the next 0x7E (waiting for
 * more bytes if there is none), and drops a lone 0x7E silently. The same rules as the MCU's
 * receive path, so one decoder serves both sides, the dump tool and the Netty adapter.
 * Not thread-safe.
 */
public final class BlockDecoder {
    private byte[] buf = new byte[256];
    private int start;
    private int end;
    /** Stream offset of buf[start]. */
    private long offset;
    private boolean needSync;

    private long blocks;
    private long bytesSkipped;
    private long errors;

    /** Appends received bytes. */
    public void feed(byte[] data, int off, int len) {
        if (end + len > buf.length) {
            int live = end - start;
            if (live + len <= buf.length && start > 0) {
                System.arraycopy(buf, start, buf, 0, live);
            } else {
                byte[] grown = new byte[Math.max(buf.length * 2, live + len)];
                System.arraycopy(buf, start, grown, 0, live);
                buf = grown;
            }
            start = 0;
            end = live;
        }
        System.arraycopy(data, off, buf, end, len);
        end += len;
    }

    public void feed(byte[] data) {
        feed(data, 0, data.length);
    }

    /** Bytes fed but not yet consumed. */
    public int buffered() {
        return end - start;
    }

    /** Stream offset of the next unconsumed byte. */
    public long position() {
        return offset;
    }

    /** The next event, or null when more bytes are needed. */
    public DecodeEvent next() {
        int avail = end - start;
        if (avail == 0) return null;
        if (needSync) return skipToSync(DecodeEvent.SkipReason.RESYNC);
        if (avail < MessageBlock.MIN_LENGTH) return null;
        int len = buf[start] & 0xFF;
        DecodeEvent.SkipReason bad = null;
        if (len < MessageBlock.MIN_LENGTH || len > MessageBlock.MAX_LENGTH) {
            bad = DecodeEvent.SkipReason.BAD_LENGTH;
        } else if ((buf[start + 1] & ~MessageBlock.SEQ_MASK & 0xFF) != MessageBlock.DEST) {
            bad = DecodeEvent.SkipReason.BAD_SEQ;
        } else if (avail < len) {
            return null;
        } else if ((buf[start + len - 1] & 0xFF) != MessageBlock.SYNC) {
            bad = DecodeEvent.SkipReason.BAD_SYNC;
        } else {
            int crc = ((buf[start + len - 3] & 0xFF) << 8) | (buf[start + len - 2] & 0xFF);
            if (crc != Crc16.compute(buf, start, len - MessageBlock.TRAILER_LENGTH)) {
                bad = DecodeEvent.SkipReason.BAD_CRC;
            }
        }
        if (bad == null) {
            MessageBlock block = new MessageBlock(buf[start + 1] & MessageBlock.SEQ_MASK,
                    Bytes.of(buf, start + MessageBlock.HEADER_LENGTH, len - MessageBlock.MIN_LENGTH));
            DecodeEvent e = new DecodeEvent.Block(block, offset);
            consume(len);
            blocks++;
            return e;
        }
        if ((buf[start] & 0xFF) == MessageBlock.SYNC) {
            DecodeEvent e = new DecodeEvent.Skipped(offset, 1, DecodeEvent.SkipReason.STRAY_SYNC);
            consume(1);
            bytesSkipped++;
            return e;
        }
        errors++;
        return skipToSync(bad);
    }

    private DecodeEvent skipToSync(DecodeEvent.SkipReason reason) {
        int sync = indexOfSync(start, end);
        int n;
        if (sync < 0) {
            n = end - start;
            needSync = true;
        } else {
            n = sync - start + 1;
            needSync = false;
        }
        DecodeEvent e = new DecodeEvent.Skipped(offset, n, reason);
        consume(n);
        bytesSkipped += n;
        return e;
    }

    private int indexOfSync(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == (byte) MessageBlock.SYNC) return i;
        }
        return -1;
    }

    private void consume(int n) {
        start += n;
        offset += n;
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    /** Forgets buffered bytes and the resync state (a link reset). */
    public void reset() {
        start = 0;
        end = 0;
        needSync = false;
        Arrays.fill(buf, (byte) 0);
    }

    public long blocksDecoded() {
        return blocks;
    }

    public long bytesSkipped() {
        return bytesSkipped;
    }

    /** Invalid frames met (each starts one burst of skipped bytes). */
    public long errors() {
        return errors;
    }
}
