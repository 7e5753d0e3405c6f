package org.steptrace.firmware;

/**
 * Raised inside command or timer handling when the firmware shuts down; unwinds the rest of
 * the block being executed, as the firmware's longjmp does.
 */
public final class McuShutdown extends RuntimeException {
    private final String reason;

    public McuShutdown(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    /** The static string the {@code shutdown} message names. */
    public String reason() {
        return reason;
    }
}
