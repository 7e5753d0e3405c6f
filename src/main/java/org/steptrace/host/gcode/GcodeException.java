package org.steptrace.host.gcode;

/** A G-code line that cannot be run; the message starts with file:line. */
public final class GcodeException extends RuntimeException {
    public GcodeException(String message) {
        super(message);
    }
}
