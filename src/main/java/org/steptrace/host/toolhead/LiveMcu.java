package org.steptrace.host.toolhead;

import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.steptrace.host.mcu.TrsyncWatch;
import org.steptrace.protocol.Message;

/**
 * What the toolhead needs from a live MCU session (none in file output): the MCU's print time
 * now, a way to let time pass, queries that follow everything already queued, and the trsync
 * watch that tells when an endstop stopped a homing move.
 */
public interface LiveMcu {
    /** The MCU's current print time (seconds of its nominal clock). */
    double estimatedPrintTimeS();

    /**
     * Lets time pass, with steps flushed in the background, until the MCU's print time reaches
     * {@code printTimeS} or {@code stop} holds.
     */
    void waitForPrintTime(double printTimeS, BooleanSupplier stop);

    /** Sends a query once every command queued before it has gone, and waits for its answer. */
    Message query(String command, Predicate<Message> answer);

    TrsyncWatch trsyncs();

    /** The 64-bit MCU clock nearest the last one seen whose low 32 bits are {@code clock32}. */
    long extendClock(long clock32);
}
