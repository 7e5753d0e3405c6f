package org.steptrace.firmware;

import java.util.ArrayList;
import java.util.List;

/**
 * A trigger synchronisation object: armed by trsync_start, triggered by an endstop, a timeout
 * or the host; when it triggers it runs its stop signals (steppers) and reports.
 */
final class Trsync implements McuObject {
    static void register(CommandRegistry r, Mcu mcu) {
        r.response("trsync_state oid=%c can_trigger=%c trigger_reason=%c clock=%u");
        r.command("config_trsync oid=%c", m -> mcu.assignOid(m.getLong("oid"), new Trsync(mcu, (int) m.getLong("oid"))));
        r.command("trsync_start oid=%c report_clock=%u report_ticks=%u expire_reason=%c", m -> mcu
                .lookup(m.getLong("oid"), Trsync.class)
                .start(m.getLong("report_clock"), m.getLong("report_ticks"), (int) m.getLong("expire_reason")));
        r.command("trsync_set_timeout oid=%c clock=%u",
                m -> mcu.lookup(m.getLong("oid"), Trsync.class).setTimeout(m.getLong("clock")));
        r.command("trsync_trigger oid=%c reason=%c",
                m -> mcu.lookup(m.getLong("oid"), Trsync.class).hostTrigger((int) m.getLong("reason")));
    }

    private final Mcu mcu;
    private final int oid;
    /** In the order added, so a run stops its steppers in a reproducible order. */
    private final List<StopSignal> signals = new ArrayList<>();
    private boolean canTrigger;
    private int triggerReason;
    private int expireReason;
    private long reportTicks;
    private final McuTimer reportTimer;
    private final McuTimer timeoutTimer;

    private Trsync(Mcu mcu, int oid) {
        this.mcu = mcu;
        this.oid = oid;
        this.reportTimer = new McuTimer(mcu, nowTick -> {
            report(nowTick);
            return nowTick + reportTicks;
        });
        this.timeoutTimer = new McuTimer(mcu, nowTick -> {
            trigger(expireReason);
            return Scheduler.DONE;
        });
    }

    private void start(long reportClock, long reportTicks, int expireReason) {
        clear();
        canTrigger = true;
        triggerReason = 0;
        this.expireReason = expireReason;
        this.reportTicks = reportTicks;
        if (reportTicks != 0) mcu.addTimer(reportTimer, mcu.extendClock(reportClock));
    }

    private void setTimeout(long clock) {
        if (canTrigger) mcu.addTimer(timeoutTimer, mcu.extendClock(clock));
    }

    /** Registers what to stop when this triggers. */
    void addSignal(StopSignal signal) {
        signal.attach(this);
        signals.add(signal);
    }

    /** Triggers with {@code reason} unless already triggered, and reports it at once. */
    void trigger(int reason) {
        if (fire(reason)) report(mcu.nowTick());
    }

    private boolean fire(int reason) {
        if (!canTrigger) return false;
        canTrigger = false;
        triggerReason = reason;
        mcu.cancelTimer(timeoutTimer);
        List<StopSignal> firing = List.copyOf(signals);
        signals.clear();
        firing.forEach(StopSignal::fire);
        return true;
    }

    /** The host's trigger: one answer only, with clock 0, naming whichever trigger came first. */
    private void hostTrigger(int reason) {
        fire(reason);
        mcu.cancelTimer(reportTimer);
        mcu.cancelTimer(timeoutTimer);
        mcu.respond("trsync_state", oid, 0, triggerReason, 0);
    }

    private void report(long nowTick) {
        mcu.respond("trsync_state", oid, canTrigger ? 1 : 0, triggerReason, nowTick & 0xFFFFFFFFL);
    }

    private void clear() {
        mcu.cancelTimer(reportTimer);
        mcu.cancelTimer(timeoutTimer);
        signals.forEach(StopSignal::detach);
        signals.clear();
        canTrigger = false;
    }

    @Override
    public void onShutdown() {
        clear();
    }
}
