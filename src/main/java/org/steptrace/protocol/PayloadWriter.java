package org.steptrace.protocol;

import java.util.Arrays;

/** A growable byte buffer that messages are encoded into. */
public final class PayloadWriter {
    private byte[] buf;
    private int size;

    public PayloadWriter() {
        this(64);
    }

    public PayloadWriter(int initialCapacity) {
        buf = new byte[Math.max(8, initialCapacity)];
    }

    public PayloadWriter writeVlq(int value) {
        ensure(Vlq.MAX_BYTES);
        size = Vlq.encode(value, buf, size);
        return this;
    }

    /** One raw length byte, then the bytes (the encoding of all three string types). */
    public PayloadWriter writeBuffer(Bytes value) {
        if (value.size() > 255) {
            throw new EncodingException("buffer of " + value.size() + " bytes exceeds 255");
        }
        ensure(1 + value.size());
        buf[size++] = (byte) value.size();
        value.copyTo(buf, size);
        size += value.size();
        return this;
    }

    public PayloadWriter writeBytes(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, buf, size, length);
        size += length;
        return this;
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    /** The internal array; valid up to {@link #size()} until the next write. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    public Bytes toBytes() {
        return Bytes.wrap(toByteArray());
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
