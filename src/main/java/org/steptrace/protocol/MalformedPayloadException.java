package org.steptrace.protocol;

/** A block payload that does not parse as messages: truncated parameters, unknown id. */
public final class MalformedPayloadException extends ProtocolException {
    private final int payloadOffset;

    public MalformedPayloadException(String message, int payloadOffset) {
        super(message + " (payload byte " + payloadOffset + ")");
        this.payloadOffset = payloadOffset;
    }

    /** Offset inside the payload where parsing failed. */
    public int payloadOffset() {
        return payloadOffset;
    }
}
