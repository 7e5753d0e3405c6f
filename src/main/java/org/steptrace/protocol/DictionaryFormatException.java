package org.steptrace.protocol;

/** A data dictionary or format string that cannot be used; the message says where. */
public final class DictionaryFormatException extends ProtocolException {
    public DictionaryFormatException(String message) {
        super(message);
    }

    public DictionaryFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
