package org.steptrace.protocol;

import java.util.Objects;

/**
 * One frame of the wire: LEN | SEQ | payload | CRC16 (big-endian) | 0x7E. {@code seq} is the
 * low nibble (the high nibble of the SEQ byte is always 0x1). A block with an empty payload is
 * an ACK or a NAK.
 */
public record MessageBlock(int seq, Bytes payload) {
    public static final int MIN_LENGTH = 5;
    public static final int MAX_LENGTH = 64;
    public static final int HEADER_LENGTH = 2;
    public static final int TRAILER_LENGTH = 3;
    public static final int MAX_PAYLOAD = MAX_LENGTH - MIN_LENGTH;
    public static final int SEQ_MASK = 0x0F;
    public static final int DEST = 0x10;
    public static final int SYNC = 0x7E;

    public MessageBlock {
        Objects.requireNonNull(payload);
        if (seq < 0 || seq > SEQ_MASK) throw new IllegalArgumentException("seq " + seq + " is not 0..15");
        if (payload.size() > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.size() + " bytes exceeds " + MAX_PAYLOAD);
        }
    }

    /** The empty block carrying {@code seq}: an ACK, or a NAK when it repeats the last one. */
    public static MessageBlock ack(int seq) {
        return new MessageBlock(seq, Bytes.EMPTY);
    }

    public boolean isAck() {
        return payload.size() == 0;
    }

    /** Length on the wire. */
    public int length() {
        return payload.size() + MIN_LENGTH;
    }

    public byte[] encode() {
        byte[] out = new byte[length()];
        payload.copyTo(out, HEADER_LENGTH);
        frame(out, 0, seq, payload.size());
        return out;
    }

    /**
     * Frames a payload already written at {@code offset + 2}: writes LEN, SEQ, CRC and SYNC
     * around it. Returns the block length. The hot path for encoders that avoid allocation.
     */
    public static int frame(byte[] buf, int offset, int seq, int payloadLength) {
        int len = payloadLength + MIN_LENGTH;
        buf[offset] = (byte) len;
        buf[offset + 1] = (byte) (DEST | (seq & SEQ_MASK));
        int crc = Crc16.compute(buf, offset, len - TRAILER_LENGTH);
        buf[offset + len - 3] = (byte) (crc >>> 8);
        buf[offset + len - 2] = (byte) crc;
        buf[offset + len - 1] = (byte) SYNC;
        return len;
    }
}
