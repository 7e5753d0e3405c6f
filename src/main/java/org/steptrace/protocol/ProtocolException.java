package org.steptrace.protocol;

/** Base of every protocol failure; each subclass names one kind of failure. */
public class ProtocolException extends RuntimeException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
