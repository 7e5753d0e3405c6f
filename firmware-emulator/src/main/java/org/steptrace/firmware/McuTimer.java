package org.steptrace.firmware;

/** A timer of the emulated firmware: a shutdown raised while its work runs shuts the MCU down. */
public final class McuTimer extends Scheduler.Timer {
    /** What a timer does: given the tick it runs at, returns its next wake tick or {@link Scheduler#DONE}. */
    @FunctionalInterface
    public interface Work {
        long run(long nowTick);
    }

    /** Runs at one tick without time moving on before the firmware would call it a runaway. */
    private static final int MAX_RUNS_AT_ONE_TICK = 1 << 17;

    private final Mcu mcu;
    private final Work work;
    private long lastRunTick = Long.MIN_VALUE;
    private int runsAtThisTick;

    public McuTimer(Mcu mcu, Work work) {
        this.mcu = mcu;
        this.work = work;
    }

    @Override
    protected long fire(long nowTick) {
        // A timer that keeps re-arming at the same tick (a zero period) would stall the clock
        // forever; the real MCU falls behind and shuts down, so this one does too.
        runsAtThisTick = nowTick == lastRunTick ? runsAtThisTick + 1 : 0;
        lastRunTick = nowTick;
        try {
            if (runsAtThisTick > MAX_RUNS_AT_ONE_TICK) throw new McuShutdown(ShutdownReason.RESCHEDULED_TIMER_IN_THE_PAST);
            return work.run(nowTick);
        } catch (McuShutdown s) {
            mcu.shutdown(s.reason());
            return Scheduler.DONE;
        }
    }
}
