package org.steptrace.host.steps;

import java.util.Arrays;

/**
 * Finds the {@code (interval, count, add)} sequences that reproduce a stepper's step clocks,
 * each step within its window: never late, early by at most the maximum error and by at most
 * half the gap to the step before. The search is the reference host's: for each candidate add,
 * grow the run while an integer interval fits every window, keep the run that reaches furthest,
 * narrow the add range toward what the failing step needed, and prefer add = 0 when it is
 * nearly as good. Every sequence is verified step by step before it is returned.
 */
public final class StepCompressor {
    private static final int MAX_COUNT = 65535;
    private static final int QUADRATIC_DEV = 11;

    private final int maxErrorTicks;
    private long[] steps = new long[1024];
    private int head;
    private int tail;
    private long lastStepClock;

    /** @param maxErrorTicks how early a step may be sent (25 µs in ticks) */
    public StepCompressor(int maxErrorTicks, long lastStepClock) {
        this.maxErrorTicks = maxErrorTicks;
        this.lastStepClock = lastStepClock;
    }

    /** Adds the next step's exact clock (absolute ticks, after every step added before). */
    public void add(long stepClock) {
        if (stepClock < (tail > head ? steps[tail - 1] : lastStepClock)) {
            throw new IllegalArgumentException("step clock " + stepClock + " goes backwards");
        }
        if (tail == steps.length) {
            int live = tail - head;
            long[] into = head >= steps.length / 2 ? steps : new long[steps.length * 2];
            System.arraycopy(steps, head, into, 0, live);
            steps = into;
            head = 0;
            tail = live;
        }
        steps[tail++] = stepClock;
    }

    public int pending() {
        return tail - head;
    }

    public long lastStepClock() {
        return lastStepClock;
    }

    /** Clock of the oldest pending step, or Long.MAX_VALUE. */
    public long nextStepClock() {
        return head < tail ? steps[head] : Long.MAX_VALUE;
    }

    /** Moves the reference point (after a reset_step_clock). Only with nothing pending. */
    public void resetClock(long clock) {
        if (head != tail) throw new IllegalStateException("steps still pending");
        lastStepClock = clock;
    }

    /**
     * Compresses and removes the next run of pending steps. Returns null when nothing is
     * pending. The caller emits sequences in order; {@link #lastStepClock()} then is the clock
     * of the sequence's last step.
     */
    public StepSequence next() {
        if (head == tail) return null;
        StepSequence s = search();
        verify(s);
        lastStepClock += s.span();
        head += s.count();
        return s;
    }

    /** Window [lo, hi] of pending step j (0 = oldest), relative to the last emitted step. */
    private long hi(int j) {
        return steps[head + j] - lastStepClock;
    }

    private long lo(int j) {
        long prev = j == 0 ? lastStepClock : steps[head + j - 1];
        long gap = steps[head + j] - prev;
        return hi(j) - Math.min(maxErrorTicks, gap / 2);
    }

    private StepSequence search() {
        int avail = Math.min(tail - head, MAX_COUNT);
        long outLo = lo(0);
        long outHi = hi(0);
        int add = 0;
        long addMin = -32768;
        long addMax = 32767;
        long bestInterval = 0;
        int bestCount = 1;
        int bestAdd = 1;
        long bestReach = Long.MIN_VALUE;
        long zeroInterval = 0;
        int zeroCount = 0;
        while (true) {
            long lo = outLo;
            long hi = outHi;
            long interval = hi;
            int n = 1;
            while (true) {
                n++;
                if (n > avail) return new StepSequence(interval, n - 1, add);
                long f = (long) n * (n - 1) / 2;
                long c = add * f;
                long loN = lo(n - 1);
                long hiN = hi(n - 1);
                if (lo * n < loN - c) lo = ceilDiv(loN - c, n);
                if (hi * n > hiN - c) hi = floorDiv(hiN - c, n);
                if (lo > hi) break;
                interval = hi;
            }
            int count = n - 1;
            long reach = add * (long) count * (count - 1) / 2 + interval * count;
            if (reach > bestReach || (reach == bestReach && interval > bestInterval)) {
                bestInterval = interval;
                bestCount = count;
                bestAdd = add;
                bestReach = reach;
                if (add == 0) {
                    zeroInterval = interval;
                    zeroCount = count;
                }
                if (count > 0x200) break;
            }
            long f = (long) n * (n - 1) / 2;
            long loN = lo(n - 1);
            long hiN = hi(n - 1);
            if (add * f + interval * n < loN) {
                addMin = add + 1;
                outHi = hi;
            } else {
                addMax = add - 1;
                outLo = lo;
            }
            if (count > 1) {
                long d = ((long) maxErrorTicks * QUADRATIC_DEV) / ((long) count * count);
                addMin = Math.max(addMin, add - d);
                addMax = Math.min(addMax, add + d);
            }
            if (addMin * f < loN - outHi * n) addMin = ceilDiv(loN - outHi * n, f);
            if (addMax * f > hiN - outLo * n) addMax = floorDiv(hiN - outLo * n, f);
            if (addMin > addMax) break;
            add = (int) (addMax - (addMax - addMin) / 4);
        }
        if (zeroCount + zeroCount / 16 >= bestCount) return new StepSequence(zeroInterval, zeroCount, 0);
        return new StepSequence(bestInterval, bestCount, bestAdd);
    }

    /** Checks every step of {@code s} against its window, as the reference host does before queueing. */
    private void verify(StepSequence s) {
        if (s.count() <= 0 || (s.interval() == 0 && s.add() == 0 && s.count() > 1) || s.interval() >= 0x80000000L
                || s.interval() < 0) {
            throw new StepCompressionException("invalid sequence " + s);
        }
        long interval = s.interval();
        long pos = 0;
        for (int k = 0; k < s.count(); k++) {
            if (interval >= 0x80000000L || interval < 0) throw new StepCompressionException(s + ": interval overflow");
            pos += interval;
            if (pos < lo(k) || pos > hi(k)) {
                throw new StepCompressionException(s + ": point " + (k + 1) + ": " + pos + " not in " + lo(k) + ":" + hi(k));
            }
            interval += s.add();
        }
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static long floorDiv(long a, long b) {
        return Math.floorDiv(a, b);
    }

    /** A sequence failed its own verification: a bug, as the reference host treats it. */
    public static final class StepCompressionException extends RuntimeException {
        public StepCompressionException(String message) {
            super("Internal error in stepcompress: " + message);
        }
    }
}
