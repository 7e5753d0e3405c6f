package org.steptrace.trace;

/** A trace that cannot be read; the message names the file and line. */
public final class TraceFormatException extends RuntimeException {
    public TraceFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    public TraceFormatException(String message) {
        super(message);
    }
}
