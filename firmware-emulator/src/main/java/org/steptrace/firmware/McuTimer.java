package org.steptrace.firmware;

/** A timer of the emulated firmware: a shutdown raised while its work runs shuts the MCU down. */
public final class McuTimer extends Scheduler.Timer {
    /** What a timer does: given the tick it runs at, returns its next wake tick or {@link Scheduler#DONE}. */
    @FunctionalInterface
    public interface Work {
        long run(long nowTick);
    }

    private final Mcu mcu;
    private final Work work;

    public McuTimer(Mcu mcu, Work work) {
        this.mcu = mcu;
        this.work = work;
    }

    @Override
    protected long fire(long nowTick) {
        try {
            return work.run(nowTick);
        } catch (McuShutdown s) {
            mcu.shutdown(s.reason());
            return Scheduler.DONE;
        }
    }
}
