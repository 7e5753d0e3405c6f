package org.steptrace.host.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.steptrace.host.motion.LookaheadQueue;
import org.steptrace.host.motion.MotionLimits;
import org.steptrace.host.motion.MotionQueue;
import org.steptrace.host.motion.Move;
import org.steptrace.host.motion.Trapezoid;
import org.steptrace.machine.DeltaKinematics;
import org.steptrace.machine.Kinematics;
import org.steptrace.machine.Vec3;

class StepSolverTest {
    private static final MotionLimits LIMITS = new MotionLimits(300, 3000, 5, 0.5);

    /** Plans the path and lays it on a motion queue from t = 0.25 s. */
    private static MotionQueue trajectory(List<double[]> points, double speed, double[] endTime) {
        MotionQueue q = new MotionQueue(points.get(0));
        double[] t = {0.25};
        LookaheadQueue la = new LookaheadQueue(z -> t[0] = q.append(z, t[0]));
        for (int i = 1; i < points.size(); i++) la.add(new Move(points.get(i - 1), points.get(i), speed, LIMITS));
        la.flushAll();
        endTime[0] = t[0];
        return q;
    }

    @Test
    void cartesianStepsFallExactlyOnTheHalfStepCrossings() {
        double[] end = new double[1];
        MotionQueue q = trajectory(List.of(new double[] {0, 0, 0, 0}, new double[] {100, 0, 0, 0}), 100, end);
        Trapezoid z = null;
        List<Double> times = new ArrayList<>();
        StepSolver s = new StepSolver(p -> p[0], 0.0125, 0);
        s.generate(q, 0, end[0] + 0.1, (pos, tS) -> {
            assertTrue(pos);
            times.add(tS);
        });
        assertEquals(8000, times.size());
        assertEquals(8000, s.commandedSteps());
        MotionQueue.Segment first = q.segments().get(0);
        for (int k = 0; k < 8000; k++) {
            double target = (k + 0.5) * 0.0125;
            double[] p = new double[4];
            q.positionAt(times.get(k), p);
            assertEquals(target, p[0], 1e-7, "step " + k + " at its crossing");
            if (k > 0) assertTrue(times.get(k) > times.get(k - 1));
        }
        assertTrue(times.get(0) > first.startS());
    }

    @Property(tries = 100)
    void theClosedFormForLinearActuatorsAgreesWithTheSearch(@ForAll @LongRange(min = 0, max = 100_000) long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {100, 100, 5, 0});
        for (int i = 0; i < 8; i++) pts.add(new double[] {r.nextDouble(50, 150), r.nextDouble(50, 150), r.nextDouble(0, 10), r.nextDouble(-2, 2)});
        double[] end = new double[1];
        MotionQueue q = trajectory(pts, r.nextDouble(10, 250), end);
        double[] coeffs = {1, -1, 0.5, 0}; // a corexy-like belt with some z in it
        StepSolver search = new StepSolver(p -> p[0] - p[1] + 0.5 * p[2], 0.0125, 0);
        StepSolver closed = StepSolver.linear(coeffs, 0.0125, 0);
        search.setPosition(pts.get(0));
        closed.setPosition(pts.get(0));
        List<double[]> a = new ArrayList<>();
        List<double[]> b = new ArrayList<>();
        // In uneven windows, as flushes cut them.
        double t = 0;
        while (t < end[0] + 0.1) {
            double next = t + r.nextDouble(0.001, 0.3);
            search.generate(q, t, next, (pos, tS) -> a.add(new double[] {pos ? 1 : -1, tS}));
            closed.generate(q, t, next, (pos, tS) -> b.add(new double[] {pos ? 1 : -1, tS}));
            t = next;
        }
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i)[0], b.get(i)[0], "direction of step " + i);
            assertEquals(a.get(i)[1], b.get(i)[1], 2e-9, "time of step " + i);
        }
        assertEquals(search.commandedSteps(), closed.commandedSteps());
    }

    @Property(tries = 40)
    void deltaStepCountsEqualTheExactCarriagePositions(@ForAll @LongRange(min = 0, max = 100_000) long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        Kinematics k = DeltaKinematics.symmetric(120, 250);
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 0, 50, 0});
        for (int i = 0; i < 6; i++) pts.add(new double[] {r.nextDouble(-80, 80), r.nextDouble(-80, 80), r.nextDouble(0, 100), 0});
        double[] end = new double[1];
        MotionQueue q = trajectory(pts, r.nextDouble(20, 200), end);
        double stepDist = 0.0125;
        for (int tower = 0; tower < 3; tower++) {
            final int tw = tower;
            double startH = k.actuatorPosition(tw, new Vec3(0, 0, 50));
            long startSteps = Math.round(startH / stepDist);
            StepSolver s = new StepSolver(p -> k.actuatorPosition(tw, new Vec3(p[0], p[1], p[2])), stepDist, startSteps);
            double[] last = {0};
            long[] net = {0};
            s.generate(q, 0, end[0] + 0.1, (positive, tS) -> {
                assertTrue(tS >= last[0], "steps in time order");
                last[0] = tS;
                net[0] += positive ? 1 : -1;
            });
            double[] fin = pts.get(pts.size() - 1);
            double exact = k.actuatorPosition(tw, new Vec3(fin[0], fin[1], fin[2])) / stepDist;
            assertEquals(Math.round(exact), s.commandedSteps(), "tower " + tw);
            assertEquals(s.commandedSteps() - startSteps, net[0]);
        }
    }
}
