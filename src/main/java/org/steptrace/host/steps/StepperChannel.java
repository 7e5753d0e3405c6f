package org.steptrace.host.steps;

import java.util.function.Consumer;

/**
 * One stepper's way to the wire: step times become clocks, a step immediately undone within
 * 750 µs is dropped with its undoing step, direction changes flush the steps before them and
 * send the new pin level, steps far after the last one go alone with their exact clock, and the
 * rest is compressed into queue_step runs.
 */
public final class StepperChannel {
    /** A step this far after the previous one is sent alone (3<<28 ticks). */
    public static final long CLOCK_DIFF_MAX = 3L << 28;
    static final double SDS_FILTER_TIME_S = 0.000750;

    private final int oid;
    private final boolean invertDir;
    private final double clockHz;
    private final long sdsFilterTicks;
    private final StepCompressor compressor;
    private final Consumer<StepperMessage> out;
    private int dir = -1;
    private boolean held;
    private long heldClock;
    private boolean heldPositive;
    private long stepCount;
    private long stepsSent;
    /** Runs sent lately, newest last: where the stepper stood at a past clock (a homing trigger). */
    private final java.util.ArrayDeque<SentRun> history = new java.util.ArrayDeque<>();
    /** The position (host direction) once every run sent so far has executed. */
    private long sentPosition;

    /** A run as the MCU executes it: steps at prev + k·interval + add·k(k−1)/2, k = 1..count. */
    private record SentRun(long previousClock, long interval, int count, int add, int sign, long positionBefore) {}

    static final int HISTORY_RUNS = 4096;

    public StepperChannel(int oid, boolean invertDir, double clockHz, int maxErrorTicks, Consumer<StepperMessage> out) {
        this.oid = oid;
        this.invertDir = invertDir;
        this.clockHz = clockHz;
        this.sdsFilterTicks = (long) (SDS_FILTER_TIME_S * clockHz);
        this.compressor = new StepCompressor(maxErrorTicks, 0);
        this.out = out;
    }

    /** A step at {@code timeS} (print time, seconds); positive when the actuator moves up. */
    public void step(boolean positive, double timeS) {
        long clock = Math.round(timeS * clockHz);
        if (held && heldPositive != positive && clock - heldClock < sdsFilterTicks) {
            held = false; // step + dir + step: both cancelled
            return;
        }
        if (held) commit(heldClock, heldPositive);
        held = true;
        heldClock = clock;
        heldPositive = positive;
    }

    private void commit(long clock, boolean positive) {
        int pinLevel = (positive ? 1 : 0) ^ (invertDir ? 1 : 0);
        if (pinLevel != dir) {
            drain(Long.MAX_VALUE);
            out.accept(new StepperMessage.SetDir(oid, pinLevel, compressor.lastStepClock()));
            dir = pinLevel;
        }
        stepCount += positive ? 1 : -1;
        stepsSent++;
        if (clock - compressor.lastStepClock() >= CLOCK_DIFF_MAX) {
            drain(clock - CLOCK_DIFF_MAX + 1);
            if (clock - compressor.lastStepClock() >= CLOCK_DIFF_MAX && compressor.pending() == 0) {
                long prev = compressor.lastStepClock();
                StepSequence far = new StepSequence((clock - prev) & 0xFFFFFFFFL, 1, 0);
                // The exact clock, unsearched and unverified: valid mod 2^32, sent no earlier than 3<<29 ahead.
                out.accept(new StepperMessage.QueueStep(oid, far, clock, clock, clock, prev));
                remember(prev, clock - prev, far);
                compressor.resetClock(clock);
                return;
            }
        }
        compressor.add(clock);
    }

    /** Emits runs while the last emitted step is before {@code untilClock} and steps are pending. */
    private void drain(long untilClock) {
        while (compressor.pending() > 0 && compressor.lastStepClock() < untilClock) {
            long prev = compressor.lastStepClock();
            StepSequence s = compressor.next();
            out.accept(new StepperMessage.QueueStep(oid, s, prev, prev + s.interval(), compressor.lastStepClock(), prev));
            remember(prev, s.interval(), s);
        }
    }

    private void remember(long previousClock, long interval, StepSequence s) {
        int sign = ((dir == 1) ^ invertDir) ? 1 : -1;
        history.addLast(new SentRun(previousClock, interval, s.count(), s.add(), sign, sentPosition));
        if (history.size() > HISTORY_RUNS) history.removeFirst();
        sentPosition += (long) sign * s.count();
    }

    /**
     * Where the stepper stood (steps, host direction) at {@code clock} by the runs sent: every
     * step whose clock is at or before it has run. Clocks older than the history give its start.
     */
    public long positionAt(long clock) {
        for (var it = history.descendingIterator(); it.hasNext(); ) {
            SentRun r = it.next();
            if (r.previousClock() + r.interval() > clock) {
                if (!it.hasNext()) return r.positionBefore();
                continue;
            }
            int n = 0;
            long t = r.previousClock();
            long gap = r.interval();
            while (n < r.count() && t + gap <= clock) {
                t += gap;
                gap += r.add();
                n++;
            }
            return r.positionBefore() + (long) r.sign() * n;
        }
        return sentPosition;
    }

    /** The position (host direction) once every run sent so far has executed. */
    public long sentPosition() {
        return sentPosition;
    }

    /**
     * Sends what is due by {@code flushClock}: the held step once the flush reaches it, and runs
     * while the last sent step is before it (a run may use steps beyond it).
     */
    public void flush(long flushClock) {
        if (held && heldClock <= flushClock) {
            held = false;
            commit(heldClock, heldPositive);
        }
        drain(flushClock);
    }

    public boolean hasHeldStep() {
        return held;
    }

    public boolean heldPositive() {
        return heldPositive;
    }

    /**
     * Commits the held step now: the actuator has reached the step's full position, so no
     * immediate step back can cancel it any more.
     */
    public void commitHeld() {
        if (held) {
            held = false;
            commit(heldClock, heldPositive);
        }
    }

    /** Sends everything, including a held step. */
    public void flushAll() {
        flush(Long.MAX_VALUE);
    }

    /**
     * The MCU's step clock was reset to 0 (after a homing stop): the next step goes out with
     * its absolute clock and a fresh direction. Flush first; nothing pending survives this.
     */
    public void resetClock() {
        held = false;
        dir = -1;
        compressor.resetClock(0);
    }

    /** Steps committed so far, with direction: the MCU's position after they run. */
    public long committedSteps() {
        return stepCount;
    }

    /** Steps committed so far, whatever their direction. */
    public long stepsSent() {
        return stepsSent;
    }
}
