package org.steptrace.firmware;

/** A timer of the emulated firmware: a shutdown raised while it runs shuts the MCU down. */
public abstract class McuTimer extends Scheduler.Timer {
    protected final Mcu mcu;

    protected McuTimer(Mcu mcu) {
        this.mcu = mcu;
    }

    @Override
    protected final long fire(long nowTick) {
        try {
            return run(nowTick);
        } catch (McuShutdown s) {
            mcu.shutdown(s.reason());
            return Scheduler.DONE;
        }
    }

    /** The timer's work; returns the next wake tick or {@link Scheduler#DONE}. */
    protected abstract long run(long nowTick);
}
