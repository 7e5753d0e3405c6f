package org.steptrace.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable string of bytes: buffer parameters, block payloads, dictionary blobs. */
public final class Bytes implements Comparable<Bytes> {
    public static final Bytes EMPTY = new Bytes(new byte[0]);
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    public static Bytes of(byte... data) {
        return data.length == 0 ? EMPTY : new Bytes(data.clone());
    }

    public static Bytes of(byte[] data, int offset, int length) {
        return length == 0 ? EMPTY : new Bytes(Arrays.copyOfRange(data, offset, offset + length));
    }

    /** Parses hex digits, ignoring blanks, e.g. {@code "05 10 9e 81 7e"}. */
    public static Bytes fromHex(String hex) {
        return new Bytes(HEX.parseHex(hex.replaceAll("\\s+", "")));
    }

    /** Wraps without copying; only for arrays the caller never touches again. */
    static Bytes wrap(byte[] data) {
        return data.length == 0 ? EMPTY : new Bytes(data);
    }

    /** The backing array, for readers in this package that never write to it. */
    byte[] backingArray() {
        return data;
    }

    public int size() {
        return data.length;
    }

    public int get(int index) {
        return data[index] & 0xFF;
    }

    public byte[] toByteArray() {
        return data.clone();
    }

    /** Copies into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(data, 0, dst, offset, data.length);
    }

    public String hex() {
        return HEX.formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public int compareTo(Bytes o) {
        return Arrays.compareUnsigned(data, o.data);
    }

    @Override
    public String toString() {
        return "[hex=" + hex() + "]";
    }
}
