package org.steptrace.host.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.steptrace.host.motion.LookaheadQueue;
import org.steptrace.host.motion.MotionLimits;
import org.steptrace.host.motion.MotionQueue;
import org.steptrace.host.motion.Move;

class PressureAdvanceTest {
    private static final double K = 0.06;
    private static final double SMOOTH_S = 0.040;

    /** Three printing moves and an extrude-only retraction, with rests between groups. */
    private static MotionQueue plan() {
        MotionLimits limits = new MotionLimits(300, 2000, 5, 0.5);
        MotionQueue q = new MotionQueue(new double[4]);
        double[] t = {0.3};
        LookaheadQueue la = new LookaheadQueue(z -> t[0] = q.append(z, t[0]));
        la.add(new Move(new double[] {0, 0, 0, 0}, new double[] {40, 0, 0, 2}, 60, limits));
        la.add(new Move(new double[] {40, 0, 0, 2}, new double[] {40, 30, 0, 3.5}, 60, limits));
        la.flushAll();
        t[0] += 0.2;
        la.add(new Move(new double[] {40, 30, 0, 3.5}, new double[] {40, 30, 0, 2.5}, 30, limits));
        la.add(new Move(new double[] {40, 30, 0, 2.5}, new double[] {0, 30, 0, 2.5}, 100, limits));
        la.flushAll();
        return q;
    }

    /** e + K·e' on printing segments, by plain finite differences of the queue's positions. */
    private static double advancedByDifferences(MotionQueue q, double t) {
        double[] p = new double[4];
        double[] a = new double[4];
        double[] b = new double[4];
        q.positionAt(t, p);
        double dt = 1e-7;
        q.positionAt(t - dt, a);
        q.positionAt(t + dt, b);
        double ve = (b[3] - a[3]) / (2 * dt);
        boolean xy = Math.abs(b[0] - a[0]) + Math.abs(b[1] - a[1]) > 0;
        return xy && ve > 0 ? p[3] + K * ve : p[3];
    }

    @Test
    void theClosedFormEqualsABruteForceTentIntegral() {
        MotionQueue q = plan();
        PressureAdvance pa = new PressureAdvance(K, SMOOTH_S);
        double h = SMOOTH_S / 2;
        for (double t = 0.25; t < 2.5; t += 0.0371) {
            int n = 20_000;
            double sum = 0;
            for (int k = 0; k < n; k++) {
                double tau = t - h + (k + 0.5) * (2 * h / n);
                sum += advancedByDifferences(q, tau) * (h - Math.abs(t - tau));
            }
            double brute = sum * (2 * h / n) / (h * h);
            assertEquals(brute, pa.positionMm(q, t), 2e-5, "at " + t);
        }
    }

    @Test
    void inAConstantSpeedStretchTheFilamentRunsAheadByKTimesItsSpeed() {
        MotionQueue q = plan();
        MotionQueue.Segment cruise = q.segments().stream().filter(s -> s.halfAccel() == 0 && s.durationS() > 0.2).findFirst().orElseThrow();
        double t = cruise.startS() + cruise.durationS() / 2;
        double[] p = new double[4];
        q.positionAt(t, p);
        double eSpeed = cruise.startV() * cruise.axesR()[3];
        assertEquals(p[3] + K * eSpeed, new PressureAdvance(K, SMOOTH_S).positionMm(q, t), 1e-9);
    }

    @Test
    void stepsGoBothWaysButEndWhereTheFilamentEnds() {
        MotionQueue q = plan();
        double stepMm = 1.0 / 400;
        StepSolver solver = StepSolver.pressureAdvanced(new PressureAdvance(K, SMOOTH_S), stepMm);
        List<Boolean> dirs = new ArrayList<>();
        double[] last = {0};
        solver.generate(q, 0, 3.0, (positive, timeS) -> {
            assertTrue(timeS >= last[0], "in time order");
            last[0] = timeS;
            dirs.add(positive);
        });
        long net = dirs.stream().mapToLong(d -> d ? 1 : -1).sum();
        assertEquals(Math.round(2.5 / stepMm), net);
        long changes = 0;
        for (int i = 1; i < dirs.size(); i++) if (!dirs.get(i).equals(dirs.get(i - 1))) changes++;
        assertTrue(changes >= 2, "the advance is taken back when the toolhead slows: " + changes + " direction changes");
    }
}
