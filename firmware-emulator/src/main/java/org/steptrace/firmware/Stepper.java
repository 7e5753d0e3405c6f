package org.steptrace.firmware;

import java.util.ArrayDeque;
import org.steptrace.protocol.Message;

/**
 * A stepper as the firmware runs it: queued (interval, count, add) moves, step k of a move at
 * T0 + k·interval + add·k(k−1)/2 in 32-bit clock arithmetic, direction changes applied when a
 * move loads, a step counter, and the stop-on-trigger used by homing.
 */
final class Stepper implements McuObject {
    private record Move(int interval, int count, int add, int dir) {}

    static void register(CommandRegistry r, Mcu mcu) {
        r.response("stepper_position oid=%c pos=%i");
        r.command("config_stepper oid=%c step_pin=%c dir_pin=%c invert_step=%c step_pulse_ticks=%u",
                m -> mcu.assignOid(m.getLong("oid"), new Stepper(mcu, m)));
        r.command("queue_step oid=%c interval=%u count=%hu add=%hi",
                m -> mcu.lookup(m.getLong("oid"), Stepper.class)
                        .queueStep(m.getInt("interval"), (int) m.getLong("count"), m.getInt("add")));
        r.command("set_next_step_dir oid=%c dir=%c",
                m -> mcu.lookup(m.getLong("oid"), Stepper.class).nextDir = m.getInt("dir") & 1);
        r.command("reset_step_clock oid=%c clock=%u",
                m -> mcu.lookup(m.getLong("oid"), Stepper.class).resetClock(m.getLong("clock")));
        r.command("stepper_get_position oid=%c", m -> {
            Stepper s = mcu.lookup(m.getLong("oid"), Stepper.class);
            mcu.respond("stepper_position", s.oid, s.position);
        });
        r.command("stepper_stop_on_trigger oid=%c trsync_oid=%c", m -> {
            Stepper s = mcu.lookup(m.getLong("oid"), Stepper.class);
            mcu.lookup(m.getLong("trsync_oid"), Trsync.class).addSignal(s.stopSignal);
        });
    }

    private final Mcu mcu;
    private final int oid;
    private final int stepPin;
    private final int dirPin;
    private final long pulseTicks;
    private final long tooFarInPastTicks;
    private final ArrayDeque<Move> moves = new ArrayDeque<>();
    private final McuTimer timer;

    private boolean active;
    private boolean needReset;
    private int nextDir;
    private int dirLevel;
    private int position;
    private long stepsTaken;
    /** Scheduled (formula) tick of the last step: T0 of the next move. */
    private long lastStepTick;
    /** When the last step pulse really went out, for the minimum spacing to the next. */
    private long lastPulseTick;
    /** Scheduled (formula) tick of the next step; the timer may run it later, never earlier. */
    private long nextStepTick;
    private final StopSignal stopSignal = new StopSignal(this::stopByTrigger);
    private int interval;
    private int add;
    private int remaining;

    private Stepper(Mcu mcu, Message config) {
        this.mcu = mcu;
        this.oid = (int) config.getLong("oid");
        this.stepPin = (int) config.getLong("step_pin");
        this.dirPin = (int) config.getLong("dir_pin");
        this.pulseTicks = config.getLong("step_pulse_ticks");
        this.tooFarInPastTicks = mcu.spec().ticks(0.001);
        this.timer = new McuTimer(mcu, this::step);
    }

    private void queueStep(int interval, int count, int add) {
        if (count == 0) throw new McuShutdown(ShutdownReason.INVALID_COUNT);
        if (needReset) return;
        mcu.useMoveSlot();
        moves.add(new Move(interval, count, add, nextDir));
        if (!active) mcu.addTimer(timer, load(false));
    }

    /**
     * Makes the next queued move current; {@code afterStep} when it follows a step just taken.
     * Returns the tick to run its first step: the scheduled one, or later if the pulse spacing
     * needs it (the schedule itself is not shifted).
     */
    private long load(boolean afterStep) {
        Move m = moves.poll();
        mcu.freeMoveSlots(1);
        boolean dirChange = m.dir() != dirLevel;
        if (dirChange) {
            dirLevel = m.dir();
            mcu.pins().writeDigital(dirPin, dirLevel, mcu.nowTick());
        }
        long first = mcu.extendClock((lastStepTick + Integer.toUnsignedLong(m.interval())) & 0xFFFFFFFFL);
        long runAt = first;
        if (afterStep) {
            long earliest = lastPulseTick + pulseTicks + (dirChange ? pulseTicks : 0);
            if (first < earliest - tooFarInPastTicks) throw new McuShutdown(ShutdownReason.STEPPER_TOO_FAR_IN_PAST);
            runAt = Math.max(first, earliest);
        }
        nextStepTick = first;
        interval = m.interval();
        add = m.add();
        remaining = m.count();
        active = true;
        mcu.tap().stepperMoveLoaded(mcu.nowTick(), oid, first, Integer.toUnsignedLong(m.interval()), m.count(), m.add(), dirLevel);
        return runAt;
    }

    private long step(long nowTick) {
        position += dirLevel == 1 ? 1 : -1;
        stepsTaken++;
        lastStepTick = nextStepTick;
        lastPulseTick = nowTick;
        mcu.pins().stepped(stepPin, nowTick, position);
        if (--remaining > 0) {
            interval += add;
            nextStepTick += Integer.toUnsignedLong(interval);
            return nextStepTick;
        }
        if (moves.isEmpty()) {
            active = false;
            return Scheduler.DONE;
        }
        return load(true);
    }

    private void resetClock(long clock) {
        if (active) throw new McuShutdown(ShutdownReason.RESET_TIME_WHEN_ACTIVE);
        lastStepTick = mcu.extendClock(clock);
        lastPulseTick = Math.min(lastPulseTick, lastStepTick);
        needReset = false;
    }

    private void stopByTrigger() {
        halt();
        mcu.tap().stepperStopped(mcu.nowTick(), oid, position);
        needReset = true;
        nextDir = 0;
        if (dirLevel != 0) {
            dirLevel = 0;
            mcu.pins().writeDigital(dirPin, 0, mcu.nowTick());
        }
    }

    private void halt() {
        mcu.cancelTimer(timer);
        mcu.freeMoveSlots(moves.size());
        moves.clear();
        active = false;
    }

    /** The firmware stops a stepper at shutdown as a trigger does: it must be reset before moving again. */
    @Override
    public void onShutdown() {
        stopByTrigger();
    }

    int oid() {
        return oid;
    }

    /** Steps taken: +1 for each step with the dir pin high, −1 with it low. */
    int position() {
        return position;
    }

    int stepPin() {
        return stepPin;
    }

    long stepsTaken() {
        return stepsTaken;
    }

    boolean isActive() {
        return active;
    }
}
