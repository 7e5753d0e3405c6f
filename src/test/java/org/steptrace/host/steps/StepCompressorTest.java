package org.steptrace.host.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.steptrace.testing.Fixtures;

class StepCompressorTest {
    private static final int MAX_ERROR = 1250; // 25 µs at 50 MHz

    /** Compresses {@code clocks} and checks every emitted step lies in its window; returns the sequences. */
    static List<StepSequence> compressAndCheck(long[] clocks, int maxError) {
        StepCompressor c = new StepCompressor(maxError, 0);
        for (long t : clocks) c.add(t);
        List<StepSequence> out = new ArrayList<>();
        long last = 0;
        int i = 0;
        StepSequence s;
        while ((s = c.next()) != null) {
            out.add(s);
            long interval = s.interval();
            long pos = last;
            for (int k = 0; k < s.count(); k++, i++) {
                pos += interval;
                interval += s.add();
                long exact = clocks[i];
                long prev = i == 0 ? 0 : clocks[i - 1];
                long early = exact - pos;
                assertTrue(early >= 0, "step " + i + " late by " + -early);
                assertTrue(early <= Math.min(maxError, (exact - prev) / 2), "step " + i + " early by " + early);
            }
            last = pos;
            assertEquals(last, c.lastStepClock());
        }
        assertEquals(clocks.length, i, "every step emitted once");
        return out;
    }

    @Property(tries = 300)
    void everyStepWithinItsWindowAndNeverLate(@ForAll @DoubleRange(min = 1, max = 400) double startV,
                                             @ForAll @DoubleRange(min = -3000, max = 3000) double accel,
                                             @ForAll @IntRange(min = 1, max = 3000) int stepCount,
                                             @ForAll @LongRange(min = 1, max = 1_000_000) long offset) {
        // A trapezoid-like stretch of steps at 80 steps/mm on a 50 MHz clock.
        double stepMm = 1 / 80.0;
        long[] clocks = new long[stepCount];
        double t = 0;
        for (int k = 0; k < stepCount; k++) {
            double d = (k + 0.5) * stepMm;
            double tk;
            if (Math.abs(accel) < 1e-9) {
                tk = d / startV;
            } else {
                double disc = startV * startV + 2 * accel * d;
                if (disc <= 0) { // decelerated to a stop: the rest come at the minimum speed
                    tk = t + stepMm / 1.0;
                } else {
                    tk = (Math.sqrt(disc) - startV) / accel;
                }
            }
            t = Math.max(t + 1e-9, tk);
            clocks[k] = offset + (long) (t * 50e6);
        }
        for (int k = 1; k < stepCount; k++) clocks[k] = Math.max(clocks[k], clocks[k - 1] + 1);
        compressAndCheck(clocks, MAX_ERROR);
    }

    @Test
    void aConstantRateIsOneSequence() {
        long[] clocks = new long[1000];
        for (int k = 0; k < clocks.length; k++) clocks[k] = 100_000 + 12_500L * (k + 1);
        List<StepSequence> seqs = compressAndCheck(clocks, MAX_ERROR);
        assertEquals(2, seqs.size());
        assertEquals(new StepSequence(112_500, 1, 0), seqs.get(0));
        assertEquals(new StepSequence(12_500, 999, 0), seqs.get(1));
    }

    @Test
    void recompressingARealHostsStepsIsAsCompact() {
        // Expand the X stepper's queue_steps of the fixture (after its first far step) to clocks and compress them again.
        List<long[]> seqs = new ArrayList<>();
        for (String line : Fixtures.text("streams/small-print.linuxprocess.dump.txt").lines().toList()) {
            if (!line.startsWith("queue_step oid=2 ")) continue;
            String[] p = line.split(" ");
            seqs.add(new long[] {Long.parseLong(p[2].substring(9)), Long.parseLong(p[3].substring(6)), Long.parseLong(p[4].substring(4))});
        }
        List<Long> clocks = new ArrayList<>();
        long pos = seqs.get(0)[0];
        int directions = 0;
        for (int i = 1; i < seqs.size(); i++) {
            long interval = seqs.get(i)[0];
            if (interval >= 0x80000000L) break; // the next far step: the stretch ends here
            for (int k = 0; k < seqs.get(i)[1]; k++) {
                pos += interval;
                clocks.add(pos - seqs.get(0)[0]);
                interval += seqs.get(i)[2];
            }
            directions++;
        }
        long[] arr = clocks.stream().mapToLong(Long::longValue).toArray();
        List<StepSequence> ours = compressAndCheck(arr, MAX_ERROR);
        assertTrue(arr.length > 1000);
        assertTrue(ours.size() <= directions, ours.size() + " sequences for what the reference wrote in " + directions);
    }
}
