package org.steptrace.protocol;

/** A byte stream that is not a clean sequence of message blocks; carries the byte offset. */
public final class CorruptStreamException extends ProtocolException {
    private final long offset;

    public CorruptStreamException(long offset, String what) {
        super("byte offset " + offset + ": " + what);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }
}
