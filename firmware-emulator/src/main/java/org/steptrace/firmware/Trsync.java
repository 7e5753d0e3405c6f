package org.steptrace.firmware;

import java.util.IdentityHashMap;
import java.util.Map;

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
    private final Map<Object, Runnable> signals = new IdentityHashMap<>();
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

    /** Registers what to stop when this triggers; each owner once. */
    void addSignal(Object owner, Runnable stop) {
        if (signals.containsKey(owner)) throw new McuShutdown(ShutdownReason.SIGNAL_ALREADY_ACTIVE);
        signals.put(owner, stop);
    }

    /** Triggers with {@code reason} unless already triggered. */
    void trigger(int reason) {
        if (!canTrigger) return;
        canTrigger = false;
        triggerReason = reason;
        mcu.cancelTimer(timeoutTimer);
        signals.values().forEach(Runnable::run);
        signals.clear();
        report(mcu.nowTick());
    }

    private void hostTrigger(int reason) {
        trigger(reason);
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
        signals.clear();
        canTrigger = false;
    }

    @Override
    public void onShutdown() {
        clear();
    }
}
