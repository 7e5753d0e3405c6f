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
    private final double stepDistMm;
    private final double[] pos = new double[4];
    /** Where the stepper is commanded to be (mm): a step boundary, or wherever a set-position put it. */
    private double commandedMm;
    private long commandedSteps;
    private double lastStepTimeS = Double.NaN;
    private double seekS = SEEK_TIME_RESET_S;

    public StepSolver(ToDoubleFunction<double[]> actuator, double stepDistMm, long commandedSteps) {
        this.actuator = actuator;
        this.stepDistMm = stepDistMm;
        this.commandedSteps = commandedSteps;
        this.commandedMm = commandedSteps * stepDistMm;
    }

    /** Steps taken, with direction, counted from the starting count. */
    public long commandedSteps() {
        return commandedSteps;
    }

    public double stepDistMm() {
        return stepDistMm;
    }

    /** Sets the position without stepping (after homing or a set-position): the actuator is exactly here. */
    public void setPosition(double[] toolheadPosition) {
        commandedMm = actuator.applyAsDouble(toolheadPosition);
    }

    /** The actuator position (mm) for a toolhead position. */
    public double actuatorMm(double[] toolheadPosition) {
        return actuator.applyAsDouble(toolheadPosition);
    }

    private double actuatorAt(MotionQueue q, double tS) {
        q.positionAt(tS, pos);
        return actuator.applyAsDouble(pos);
    }

    /** Emits every step whose crossing lies in (fromS, toS]. */
    public void generate(MotionQueue q, double fromS, double toS, StepSink sink) {
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
