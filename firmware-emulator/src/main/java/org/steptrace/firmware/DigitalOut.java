package org.steptrace.firmware;

import java.util.ArrayDeque;
import org.steptrace.protocol.Message;

/**
 * A digital output with queued updates and software PWM, guarded by max_duration: while the pin
 * is away from its default (or toggling) the next update must come within max_duration ticks,
 * else the firmware shuts down.
 */
final class DigitalOut implements McuObject {
    private static final long NEVER = Long.MAX_VALUE;

    private record Update(long tick, long onTicks) {}

    static void register(CommandRegistry r, Mcu mcu) {
        r.command("config_digital_out oid=%c pin=%u value=%c default_value=%c max_duration=%u",
                m -> mcu.assignOid(m.getLong("oid"), new DigitalOut(mcu, m)));
        r.command("set_digital_out_pwm_cycle oid=%c cycle_ticks=%u",
                m -> mcu.lookup(m.getLong("oid"), DigitalOut.class).setCycle(m.getLong("cycle_ticks")));
        r.command("queue_digital_out oid=%c clock=%u on_ticks=%u",
                m -> mcu.lookup(m.getLong("oid"), DigitalOut.class).queue(m.getLong("clock"), m.getLong("on_ticks")));
        r.command("update_digital_out oid=%c value=%c",
                m -> mcu.lookup(m.getLong("oid"), DigitalOut.class).update((int) m.getLong("value") & 1));
        r.command("set_digital_out pin=%u value=%c",
                m -> mcu.pins().writeDigital((int) m.getLong("pin"), (int) m.getLong("value") & 1, mcu.nowTick()));
    }

    private final Mcu mcu;
    private final int oid;
    private final int pin;
    private final int defaultLevel;
    private final long maxDurationTicks;
    private final ArrayDeque<Update> queue = new ArrayDeque<>();
    private final McuTimer timer;
    private long cycleTicks;
    private int level;
    private boolean toggling;
    private long onTicks;
    private long nextToggleTick = NEVER;
    private long endTick = NEVER;

    private DigitalOut(Mcu mcu, Message config) {
        this.mcu = mcu;
        this.oid = (int) config.getLong("oid");
        this.pin = (int) config.getLong("pin");
        this.defaultLevel = (int) config.getLong("default_value") & 1;
        this.maxDurationTicks = config.getLong("max_duration");
        this.timer = new McuTimer(mcu, this::event);
        drive((int) config.getLong("value") & 1);
    }

    private void setCycle(long ticks) {
        if (!queue.isEmpty()) throw new McuShutdown(ShutdownReason.PWM_CYCLE_WHILE_PENDING);
        cycleTicks = ticks;
    }

    private void queue(long clock, long onTicks) {
        mcu.useMoveSlot();
        Update u = new Update(mcu.extendClock(clock), onTicks);
        if (queue.isEmpty() && u.tick() > endTick) throw new McuShutdown(ShutdownReason.EXCEED_MAX_DURATION);
        queue.add(u);
        if (queue.size() == 1) reschedule(true);
    }

    private void update(int value) {
        if (!queue.isEmpty()) throw new McuShutdown(ShutdownReason.UPDATE_WITH_ACTIVE_QUEUE);
        toggling = false;
        nextToggleTick = NEVER;
        drive(value);
        endTick = needsRefresh() ? mcu.nowTick() + maxDurationTicks : NEVER;
        reschedule(false);
    }

    private long event(long nowTick) {
        if (!queue.isEmpty() && queue.peek().tick() <= nowTick) {
            load(queue.poll(), nowTick);
        } else if (nextToggleTick <= nowTick) {
            drive(level ^ 1);
            nextToggleTick += level == 1 ? onTicks : cycleTicks - onTicks;
        } else if (endTick <= nowTick) {
            throw new McuShutdown(ShutdownReason.MISSED_DIGITAL_OUT);
        }
        long wake = nextWake();
        return wake == NEVER ? Scheduler.DONE : wake;
    }

    private void load(Update u, long nowTick) {
        mcu.freeMoveSlots(1);
        onTicks = u.onTicks();
        toggling = onTicks > 0 && cycleTicks > 0 && onTicks < cycleTicks;
        if (toggling) {
            drive(1);
            nextToggleTick = u.tick() + onTicks;
        } else {
            drive(onTicks > 0 ? 1 : 0);
            nextToggleTick = NEVER;
        }
        endTick = needsRefresh() ? u.tick() + maxDurationTicks : NEVER;
        if (!queue.isEmpty() && queue.peek().tick() > endTick) throw new McuShutdown(ShutdownReason.EXCEED_MAX_DURATION);
    }

    private boolean needsRefresh() {
        return maxDurationTicks != 0 && (toggling || level != defaultLevel);
    }

    private long nextWake() {
        long wake = Math.min(nextToggleTick, endTick);
        if (!queue.isEmpty()) wake = Math.min(wake, queue.peek().tick());
        return wake;
    }

    /** Puts the timer at the next event; {@code checked} applies the firmware's "Timer too close". */
    private void reschedule(boolean checked) {
        long wake = nextWake();
        if (wake == NEVER) {
            mcu.cancelTimer(timer);
        } else if (!timer.isScheduled() || wake < timer.wakeTick()) {
            if (checked) mcu.addTimer(timer, wake);
            else mcu.rescheduleTimer(timer, Math.max(wake, mcu.nowTick()));
        }
    }

    private void drive(int newLevel) {
        level = newLevel;
        mcu.pins().writeDigital(pin, newLevel, mcu.nowTick());
        mcu.tap().digitalOut(mcu.nowTick(), oid, pin, newLevel);
    }

    @Override
    public void onShutdown() {
        mcu.cancelTimer(timer);
        mcu.freeMoveSlots(queue.size());
        queue.clear();
        toggling = false;
        nextToggleTick = NEVER;
        endTick = NEVER;
        drive(defaultLevel);
    }
}
