package org.steptrace.protocol;

/**
 * The variable-length integer of the wire: 7-bit groups, most significant first, the first
 * group's bits 6..5 carrying the sign. Arithmetic is 32-bit wrapping, so values from 2^31 up
 * travel as negative ints; the decoder accepts both the 5-byte forms senders use.
 */
public final class Vlq {
    /** Longest encoding of any 32-bit value. */
    public static final int MAX_BYTES = 5;

    private Vlq() {}

    /** Number of bytes {@link #encode} writes for {@code value}. */
    public static int encodedLength(int value) {
        if (value >= -(1 << 5) && value < (3 << 5)) return 1;
        if (value >= -(1 << 12) && value < (3 << 12)) return 2;
        if (value >= -(1 << 19) && value < (3 << 19)) return 3;
        if (value >= -(1 << 26) && value < (3 << 26)) return 4;
        return 5;
    }

    /** Writes {@code value} at {@code offset}; returns the offset after it. */
    public static int encode(int value, byte[] dst, int offset) {
        int n = encodedLength(value);
        for (int group = n - 1; group > 0; group--) {
            dst[offset++] = (byte) (0x80 | ((value >>> (7 * group)) & 0x7F));
        }
        dst[offset++] = (byte) (value & 0x7F);
        return offset;
    }

    public static byte[] encode(int value) {
        byte[] out = new byte[encodedLength(value)];
        encode(value, out, 0);
        return out;
    }

    /**
     * Decodes the integer starting at {@code offset}. Returns the value in the low 32 bits and
     * the number of bytes used in bits 32..39, so hot paths need no allocation; use
     * {@link #value} and {@link #length} to unpack. Returns -1L if the bytes end first.
     */
    public static long decode(byte[] src, int offset, int limit) {
        if (offset >= limit) return -1L;
        int c = src[offset];
        int v = c & 0x7F;
        if ((c & 0x60) == 0x60) v |= -0x20;
        int i = offset + 1;
        while ((c & 0x80) != 0) {
            if (i >= limit || i - offset >= MAX_BYTES) return -1L;
            c = src[i++];
            v = (v << 7) | (c & 0x7F);
        }
        return ((long) (i - offset) << 32) | (v & 0xFFFFFFFFL);
    }

    public static int value(long decoded) {
        return (int) decoded;
    }

    public static int length(long decoded) {
        return (int) (decoded >>> 32);
    }
}
