package org.steptrace.host.motion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class LookaheadTest {
    private static final MotionLimits LIMITS = new MotionLimits(300, 3000, 5, 0.5);
    private static final double EPS = 1e-6;

    private static List<Trapezoid> plan(List<double[]> points, double speed) {
        List<Trapezoid> out = new ArrayList<>();
        LookaheadQueue q = new LookaheadQueue(out::add);
        for (int i = 1; i < points.size(); i++) q.add(new Move(points.get(i - 1), points.get(i), speed, LIMITS));
        q.flushAll();
        return out;
    }

    @Property(tries = 300)
    void trapezoidsRespectEveryLimitAndJoinUp(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                              @ForAll @IntRange(min = 2, max = 60) int count) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<double[]> pts = new ArrayList<>();
        double[] p = {100, 100, 0, 0};
        pts.add(p.clone());
        for (int i = 0; i < count; i++) {
            double step = r.nextInt(4) == 0 ? 50 : 2; // long travels and short segments
            p = new double[] {p[0] + r.nextDouble(-step, step), p[1] + r.nextDouble(-step, step), p[2], p[3] + r.nextDouble(0, 0.2)};
            pts.add(p.clone());
        }
        double speed = r.nextDouble(5, 400);
        List<Trapezoid> t = plan(pts, speed);
        assertEquals(count, t.size());
        assertEquals(0, t.get(0).startV(), EPS, "starts from standstill");
        assertEquals(0, t.get(t.size() - 1).endV(), EPS, "ends at a stop");
        for (int i = 0; i < t.size(); i++) {
            Trapezoid z = t.get(i);
            assertTrue(z.cruiseV() <= Math.min(speed, 300) + EPS, "cruise within the requested and max velocity");
            assertTrue(z.startV() <= z.cruiseV() + EPS && z.endV() <= z.cruiseV() + EPS);
            assertTrue(z.accelT() >= -EPS && z.cruiseT() >= -EPS && z.decelT() >= -EPS, "no negative phase");
            assertEquals(z.distanceMm(), z.distanceAt(z.durationS()), 1e-6, "the phases add up to the move");
            if (z.accelT() > 1e-9) assertEquals(3000, (z.cruiseV() - z.startV()) / z.accelT(), 1e-6);
            if (i > 0) {
                assertEquals(t.get(i - 1).endV(), z.startV(), 1e-9, "junction speed continuous");
                double jv2 = junctionLimitV2(t.get(i - 1), z);
                assertTrue(z.startV() * z.startV() <= jv2 * (1 + 1e-9) + 1e-9, "junction within the deviation limit");
            }
        }
    }

    /** The deviation and centripetal limits at the corner between a and b, from the formula. */
    private static double junctionLimitV2(Trapezoid a, Trapezoid b) {
        double cos = -(a.axesR()[0] * b.axesR()[0] + a.axesR()[1] * b.axesR()[1] + a.axesR()[2] * b.axesR()[2]);
        double sinHalf = Math.sqrt(Math.max(0, (1 - cos) / 2));
        double cosHalf = Math.sqrt(Math.max(0, (1 + cos) / 2));
        if (!(1 - sinHalf > 0 && cosHalf > 0)) return Double.MAX_VALUE;
        double r = sinHalf / (1 - sinHalf);
        double tanHalf = sinHalf / cosHalf;
        double jd = LIMITS.junctionDeviationMm();
        return Math.min(r * jd * 3000, Math.min(2 * a.distanceMm() * 3000 * 0.25 * tanHalf, 2 * b.distanceMm() * 3000 * 0.25 * tanHalf));
    }

    @Test
    void aSquareCornerIsTakenAtTheSquareCornerVelocity() {
        List<Trapezoid> t = plan(List.of(new double[] {0, 0, 0, 0}, new double[] {100, 0, 0, 0}, new double[] {100, 100, 0, 0}), 200);
        assertEquals(5.0, t.get(0).endV(), 1e-9);
        assertEquals(5.0, t.get(1).startV(), 1e-9);
    }

    @Test
    void collinearMovesDoNotSlowDownAndAReversalStops() {
        List<Trapezoid> t = plan(List.of(new double[] {0, 0, 0, 0}, new double[] {50, 0, 0, 0}, new double[] {100, 0, 0, 0}), 100);
        assertEquals(100, t.get(0).endV(), 1e-9);
        t = plan(List.of(new double[] {0, 0, 0, 0}, new double[] {50, 0, 0, 0}, new double[] {0, 0, 0, 0}), 100);
        assertEquals(0, t.get(0).endV(), 1e-9);
    }

    @Test
    void theMinimumCruiseRatioKeepsHalfOfAShortMoveAtCruise() {
        List<Trapezoid> t = plan(List.of(new double[] {0, 0, 0, 0}, new double[] {10, 0, 0, 0}), 300);
        Trapezoid z = t.get(0);
        assertEquals(5.0, z.cruiseV() * z.cruiseT(), 1e-9, "cruise covers half the move");
        assertEquals(Math.sqrt(3000 * 10 / 2.0), z.cruiseV(), 1e-9);
    }

    @Test
    void lazyFlushingEmitsOnlyWhatLaterMovesCannotChange() {
        List<Trapezoid> out = new ArrayList<>();
        LookaheadQueue q = new LookaheadQueue(out::add);
        double[] p = {0, 0, 0, 0};
        for (int i = 0; i < 400; i++) {
            double[] n = {p[0] + (i % 2 == 0 ? 10 : 0), p[1] + (i % 2 == 1 ? 10 : 0), 0, 0};
            q.add(new Move(p, n, 100, LIMITS));
            p = n;
        }
        int lazily = out.size();
        assertTrue(lazily > 300 && lazily < 400, "most moves leave before the end: " + lazily);
        q.flushAll();
        assertEquals(400, out.size());
        List<Trapezoid> allAtOnce = new ArrayList<>();
        LookaheadQueue q2 = new LookaheadQueue(allAtOnce::add, false);
        p = new double[] {0, 0, 0, 0};
        for (int i = 0; i < 400; i++) {
            double[] n = {p[0] + (i % 2 == 0 ? 10 : 0), p[1] + (i % 2 == 1 ? 10 : 0), 0, 0};
            q2.add(new Move(p, n, 100, LIMITS));
            p = n;
        }
        q2.flushAll();
        for (int i = 0; i < 400; i++) {
            assertEquals(allAtOnce.get(i).startV(), out.get(i).startV(), 1e-9, "lazy output equals the full plan at " + i);
            assertEquals(allAtOnce.get(i).cruiseV(), out.get(i).cruiseV(), 1e-9);
        }
    }

    @Test
    void theFilamentSpeedLimitsAJunctionIntoATravelMove() {
        List<Trapezoid> out = new ArrayList<>();
        LookaheadQueue q = new LookaheadQueue(out::add);
        Move print = new Move(new double[] {0, 0, 0, 0}, new double[] {40, 0, 0, 1.5}, 100, LIMITS);
        Move travel = new Move(new double[] {40, 0, 0, 1.5}, new double[] {80, 0, 0, 1.5}, 100, LIMITS);
        print.setExtruderCornerVelocity(1);
        travel.setExtruderCornerVelocity(1);
        q.add(print);
        q.add(travel);
        q.flushAll();
        // e_ratio drops by 1.5/40 = 0.0375: the junction may be at most 1 / 0.0375 = 26.7 mm/s.
        assertEquals(1 / 0.0375, out.get(0).endV(), 1e-9);
    }
}
