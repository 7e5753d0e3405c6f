package org.steptrace.protocol;

/** A cursor over a payload: reads integers and buffers, failing clearly when bytes run out. */
public final class PayloadReader {
    private final byte[] buf;
    private final int start;
    private final int limit;
    private int pos;

    public PayloadReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.start = offset;
        this.pos = offset;
        this.limit = offset + length;
    }

    public PayloadReader(Bytes payload) {
        this(payload.backingArray(), 0, payload.size());
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    /** Position relative to the start of the payload. */
    public int position() {
        return pos - start;
    }

    public int readVlq() {
        long d = Vlq.decode(buf, pos, limit);
        if (d == -1L) {
            throw new MalformedPayloadException("integer runs past the end of the payload", position());
        }
        pos += Vlq.length(d);
        return Vlq.value(d);
    }

    /** The next integer without consuming it. */
    public int peekVlq() {
        int here = pos;
        try {
            return readVlq();
        } finally {
            pos = here;
        }
    }

    public Bytes readBuffer() {
        if (pos >= limit) {
            throw new MalformedPayloadException("buffer length missing", position());
        }
        int n = buf[pos] & 0xFF;
        if (pos + 1 + n > limit) {
            throw new MalformedPayloadException("buffer of " + n + " bytes runs past the end of the payload", position());
        }
        Bytes b = Bytes.of(buf, pos + 1, n);
        pos += 1 + n;
        return b;
    }
}
