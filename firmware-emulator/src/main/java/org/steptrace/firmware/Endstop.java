package org.steptrace.firmware;

/**
 * An endstop input polled during homing: every rest_ticks until it reads the wanted level, then
 * confirmed sample_count times sample_ticks apart (the immediate re-read being the first), then
 * its trsync triggers.
 */
final class Endstop implements McuObject {
    static void register(CommandRegistry r, Mcu mcu) {
        r.response("endstop_state oid=%c homing=%c next_clock=%u pin_value=%c");
        r.command("config_endstop oid=%c pin=%c pull_up=%c",
                m -> mcu.assignOid(m.getLong("oid"), new Endstop(mcu, (int) m.getLong("oid"), (int) m.getLong("pin"))));
        r.command("endstop_home oid=%c clock=%u sample_ticks=%u sample_count=%c rest_ticks=%u pin_value=%c trsync_oid=%c trigger_reason=%c",
                m -> {
                    Endstop e = mcu.lookup(m.getLong("oid"), Endstop.class);
                    int count = (int) m.getLong("sample_count");
                    Trsync t = count == 0 ? null : mcu.lookup(m.getLong("trsync_oid"), Trsync.class);
                    e.home(m.getLong("clock"), m.getLong("sample_ticks"), count, m.getLong("rest_ticks"),
                            (int) m.getLong("pin_value"), t, (int) m.getLong("trigger_reason"));
                });
        r.command("endstop_query_state oid=%c", m -> mcu.lookup(m.getLong("oid"), Endstop.class).queryState());
    }

    private final Mcu mcu;
    private final int oid;
    private final int pin;
    private final McuTimer timer;
    private boolean homing;
    private boolean confirming;
    private long sampleTicks;
    private int sampleCount;
    private long restTicks;
    private int pinValue;
    private Trsync trsync;
    private int reason;
    private int confirmed;
    private long pollTick;

    private Endstop(Mcu mcu, int oid, int pin) {
        this.mcu = mcu;
        this.oid = oid;
        this.pin = pin;
        this.timer = new McuTimer(mcu, this::poll);
    }

    private void home(long clock, long sampleTicks, int sampleCount, long restTicks, int pinValue, Trsync trsync, int reason) {
        mcu.cancelTimer(timer);
        homing = sampleCount != 0;
        confirming = false;
        if (!homing) return;
        this.sampleTicks = sampleTicks;
        this.sampleCount = sampleCount;
        this.restTicks = restTicks;
        this.pinValue = pinValue & 1;
        this.trsync = trsync;
        this.reason = reason;
        pollTick = mcu.extendClock(clock);
        mcu.addTimer(timer, pollTick);
    }

    private long poll(long nowTick) {
        boolean match = read(nowTick) == pinValue;
        if (!confirming) {
            pollTick = nowTick;
            if (!match) return nowTick + restTicks;
            confirming = true;
            confirmed = 0;
            match = read(nowTick) == pinValue; // the immediate re-read is the first confirming sample
        }
        if (!match) {
            confirming = false;
            return Math.max(nowTick, pollTick + restTicks);
        }
        if (++confirmed < sampleCount) return nowTick + sampleTicks;
        // Polling ends here; the homing flag stays until the host's next endstop_home, as in the firmware.
        trsync.trigger(reason);
        return Scheduler.DONE;
    }

    private int read(long tick) {
        return mcu.pins().readDigital(pin, tick) & 1;
    }

    private void queryState() {
        long next = homing ? (confirming ? pollTick + restTicks : timer.wakeTick()) : pollTick + restTicks;
        mcu.respond("endstop_state", oid, homing ? 1 : 0, next & 0xFFFFFFFFL, read(mcu.nowTick()));
    }

    @Override
    public void onShutdown() {
        mcu.cancelTimer(timer);
        homing = false;
    }
}
