package org.steptrace.protocol;

/** A message that cannot be encoded: missing or out-of-range parameter, unknown enum name. */
public final class EncodingException extends ProtocolException {
    public EncodingException(String message) {
        super(message);
    }
}
