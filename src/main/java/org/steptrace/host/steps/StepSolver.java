package org.steptrace.host.steps;

import java.util.function.ToDoubleFunction;
import org.steptrace.host.motion.MotionQueue;

/**
 * Turns a trajectory into one stepper's step times. The stepper steps when its actuator
 * position crosses the midpoint to the next step position; the solver searches forward in
 * windows that grow from 100 µs (or 1.5 step intervals), never across a segment boundary, and
 * pins each crossing down with a safeguarded secant (regula falsi with bisection) to 1 ns.
 * Generic over the kinematics: {@code actuator} maps a toolhead position to this stepper's.
 */
public final class StepSolver {
    /** Receives steps in time order. */
    @FunctionalInterface
    public interface StepSink {
        void step(boolean positive, double timeS);
    }

    private static final double SEEK_TIME_RESET_S = 0.000100;
    private static final double TIME_TOLERANCE_S = 1e-9;

    private final ToDoubleFunction<double[]> actuator;
    /** x, y, z, e coefficients when the actuator is linear in them (closed-form step times), else null. */
    private final double[] linear;
    /** The extruder's advanced position as a function of time, or null: the actuator follows the toolhead. */
    private final PressureAdvance advance;
    private final double stepDistMm;
    private final double[] pos = new double[4];
    /** Where the stepper is commanded to be (mm): a step boundary, or wherever a set-position put it. */
    private double commandedMm;
    private long commandedSteps;
    private double lastStepTimeS = Double.NaN;
    private double seekS = SEEK_TIME_RESET_S;

    public StepSolver(ToDoubleFunction<double[]> actuator, double stepDistMm, long commandedSteps) {
        this(actuator, null, null, stepDistMm, commandedSteps);
    }

    /** An extruder with pressure advance: its position depends on the filament speed around each instant. */
    public static StepSolver pressureAdvanced(PressureAdvance advance, double stepDistMm) {
        return new StepSolver(p -> p[3], null, advance, stepDistMm, 0);
    }

    /**
     * A solver for an actuator that is {@code coefficients} · (x, y, z, e): step times come in
     * closed form from each segment's quadratic, with no search.
     */
    public static StepSolver linear(double[] coefficients, double stepDistMm, long commandedSteps) {
        double[] c = coefficients.clone();
        return new StepSolver(p -> c[0] * p[0] + c[1] * p[1] + c[2] * p[2] + c[3] * p[3], c, null, stepDistMm, commandedSteps);
    }

    private StepSolver(ToDoubleFunction<double[]> actuator, double[] linear, PressureAdvance advance, double stepDistMm,
                       long commandedSteps) {
        this.actuator = actuator;
        this.linear = linear;
        this.advance = advance;
        this.stepDistMm = stepDistMm;
        this.commandedSteps = commandedSteps;
        this.commandedMm = commandedSteps * stepDistMm;
    }

    /** Steps taken, with direction, counted from the starting count. */
    public long commandedSteps() {
        return commandedSteps;
    }

    /** Where the stepper is commanded to be (mm). */
    public double commandedMm() {
        return commandedMm;
    }

    public double stepDistMm() {
        return stepDistMm;
    }

    /** Sets the position without stepping (after homing or a set-position): the actuator is exactly here. */
    public void setPosition(double[] toolheadPosition) {
        commandedMm = actuator.applyAsDouble(toolheadPosition);
    }

    /**
     * Whether at {@code tS} the actuator has reached the position of the last step taken (its
     * full step position, not just the midpoint that triggered it).
     */
    public boolean reachedLastStep(MotionQueue q, double tS, boolean lastPositive) {
        double a = actuatorAt(q, tS);
        return lastPositive ? a >= commandedMm : a <= commandedMm;
    }

    /** The actuator position (mm) for a toolhead position. */
    public double actuatorMm(double[] toolheadPosition) {
        return actuator.applyAsDouble(toolheadPosition);
    }

    private double actuatorAt(MotionQueue q, double tS) {
        if (advance != null) return advance.positionMm(q, tS);
        q.positionAt(tS, pos);
        return actuator.applyAsDouble(pos);
    }

    /** Emits every step whose crossing lies in (fromS, toS]. */
    public void generate(MotionQueue q, double fromS, double toS, StepSink sink) {
        if (linear != null) {
            generateLinear(q, fromS, toS, sink);
            return;
        }
        double t = fromS;
        while (t < toS) {
            double bound = Math.min(toS, q.nextBoundaryAfter(t));
            if (bound <= t) bound = toS;
            double up = commandedMm + 0.5 * stepDistMm;
            double down = commandedMm - 0.5 * stepDistMm;
            double tn = Math.min(t + seekS, bound);
            double g = actuatorAt(q, tn);
            if (g >= up || g <= down) {
                boolean positive = g >= up;
                double root = solve(q, t, tn, positive ? up : down);
                commandedSteps += positive ? 1 : -1;
                commandedMm += positive ? stepDistMm : -stepDistMm;
                sink.step(positive, root);
                // Search the next step over about one and a half intervals of this one.
                if (!Double.isNaN(lastStepTimeS)) seekS = Math.max(1e-9, Math.min(SEEK_TIME_RESET_S * 100, 1.5 * (root - lastStepTimeS)));
                lastStepTimeS = root;
                t = root;
            } else {
                t = tn;
                if (tn >= bound) seekS = Math.min(seekS, SEEK_TIME_RESET_S);
                else seekS *= 2;
            }
        }
    }

    /**
     * Linear actuators: along a segment the actuator moves k·d(t) with d(t) = (v0 + h·t)·t, which
     * never runs backwards, so each next boundary is reached at the root of h·t² + v0·t = q,
     * taken in the stable form t = 2q / (v0 + √(v0² + 4hq)).
     */
    private void generateLinear(MotionQueue q, double fromS, double toS, StepSink sink) {
        java.util.List<MotionQueue.Segment> segs = q.segments();
        int i = Math.max(0, q.indexAtOrBefore(fromS));
        for (; i < segs.size(); i++) {
            MotionQueue.Segment s = segs.get(i);
            if (s.startS() >= toS) break;
            if (s.endS() <= fromS || s.durationS() <= 0) continue;
            double k = linear[0] * s.axesR()[0] + linear[1] * s.axesR()[1] + linear[2] * s.axesR()[2] + linear[3] * s.axesR()[3];
            if (Math.abs(k) < 1e-15) continue;
            double a0 = linear[0] * s.startPos()[0] + linear[1] * s.startPos()[1] + linear[2] * s.startPos()[2] + linear[3] * s.startPos()[3];
            boolean positive = k > 0;
            double half = 0.5 * stepDistMm;
            double lo = Math.max(fromS, s.startS()) - s.startS();
            double hi = Math.min(toS, s.endS()) - s.startS();
            double v0 = s.startV();
            double h = s.halfAccel();
            while (true) {
                double target = commandedMm + (positive ? half : -half);
                double dist = (target - a0) / k;
                double disc = v0 * v0 + 4 * h * dist;
                if (dist <= 0 || disc < 0) {
                    if (dist <= 0) {
                        // Already past this boundary at the segment start: a set-position put it here.
                        double t = lo;
                        if (t > hi) break;
                        emit(positive, s.startS() + t, sink);
                        continue;
                    }
                    break;
                }
                double t = 2 * dist / (v0 + Math.sqrt(disc));
                if (t > hi) break;
                if (t < lo) t = lo; // reached exactly at the window start: it belongs to this window
                emit(positive, s.startS() + t, sink);
            }
        }
    }

    private void emit(boolean positive, double timeS, StepSink sink) {
        commandedSteps += positive ? 1 : -1;
        commandedMm += positive ? stepDistMm : -stepDistMm;
        sink.step(positive, timeS);
    }

    /** The time in (a, b] where the actuator reaches {@code target}; it is past it at b. */
    private double solve(MotionQueue q, double a, double b, double target) {
        double fa = actuatorAt(q, a) - target;
        double fb = actuatorAt(q, b) - target;
        int side = 0;
        while (b - a > TIME_TOLERANCE_S) {
            double c = fa == fb ? (a + b) / 2 : b - fb * (b - a) / (fb - fa);
            if (!(c > a && c < b)) c = (a + b) / 2;
            double fc = actuatorAt(q, c) - target;
            if (Math.abs(fc) <= 1e-12) return c;
            if ((fc > 0) == (fb > 0)) {
                b = c;
                fb = fc;
                if (side == -1) fa /= 2; // Illinois: keep the stale end from stalling convergence
                side = -1;
            } else {
                a = c;
                fa = fc;
                if (side == 1) fb /= 2;
                side = 1;
            }
        }
        return b;
    }
}
