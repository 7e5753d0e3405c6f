package org.steptrace.firmware.board;

/** A board file that cannot be used; the message names the file and the field. */
public final class BoardFormatException extends RuntimeException {
    public BoardFormatException(String message) {
        super(message);
    }

    public BoardFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
