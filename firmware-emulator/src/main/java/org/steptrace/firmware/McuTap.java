package org.steptrace.firmware;

import org.steptrace.protocol.Message;

/** What the emulated MCU did, for traces: every method is a recording tap with a no-op default. */
public interface McuTap {
    McuTap NONE = new McuTap() {};

    default void commandExecuted(long tick, Message command) {}

    default void responseSent(long tick, Message response) {}

    /** A queue_step became the stepper's current move: its first step tick and its triple. */
    default void stepperMoveLoaded(long tick, int oid, long firstStepTick, long interval, int count, int add, int dir) {}

    /** A trigger (or shutdown) stopped the stepper: what was queued is dropped; {@code position} is its step count now. */
    default void stepperStopped(long tick, int oid, int position) {}

    default void digitalOut(long tick, int oid, int pin, int level) {}

    default void analogReport(long tick, int oid, int pin, int sum) {}

    default void shutdown(long tick, String reason) {}

    /** A timer ran {@code lateTicks} after its wake tick (real-time pacing). */
    default void timerLate(long tick, long lateTicks) {}
}
