package org.steptrace.firmware.board;

import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.plant.BoardPlant;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSink;

/** The emulated MCU's side of a trace: the moves its steppers loaded, its shutdown, late timers. */
public final class McuTraceTap implements McuTap {
    private final TraceSink sink;
    private final double clockHz;
    /** Timers later than this get a lateness record (the run's full histogram is reported apart). */
    static final double LATE_RECORD_S = 0.000020;
    private BoardPlant plant;

    public McuTraceTap(TraceSink sink, double clockHz) {
        this.sink = sink;
        this.clockHz = clockHz;
    }

    /** Adds the plant's true temperatures to the MCU's temperature reports (emulated boards). */
    public void watchPlant(BoardPlant plant) {
        this.plant = plant;
    }

    @Override
    public void analogReport(long tick, int oid, int pin, int sum) {
        if (plant == null) return;
        for (var h : plant.heaters()) {
            if (h.sensorPin() == pin) {
                sink.record(new TraceRecord.Thermal(h.name(), tick / clockHz, sum, null, null, null, h.plant().blockC()));
            }
        }
    }

    @Override
    public void stepperMoveLoaded(long tick, int oid, long firstStepTick, long interval, int count, int add, int dir) {
        sink.record(new TraceRecord.McuStepBatch(oid, tick, firstStepTick, interval, count, add, dir));
    }

    @Override
    public void stepperStopped(long tick, int oid, int position) {
        sink.record(new TraceRecord.StepperStop(oid, tick, position));
    }

    @Override
    public void shutdown(long tick, String reason) {
        sink.record(new TraceRecord.Shutdown("mcu", reason, tick, tick / clockHz));
    }

    @Override
    public void timerLate(long tick, long lateTicks) {
        // Every timer reports; only those noticeably late are worth a line each.
        if (lateTicks < LATE_RECORD_S * clockHz) return;
        sink.record(new TraceRecord.Lateness(tick, lateTicks / clockHz * 1e6));
    }
}
