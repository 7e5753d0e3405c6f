package org.steptrace.host.steps;

import java.util.List;
import org.steptrace.host.motion.MotionQueue;

/**
 * The extruder's position with pressure advance: filament is pushed ahead of the nominal
 * position by K × the filament speed on printing moves (moves with X/Y motion that extrude),
 * and the result is smoothed by a tent window of half-width h = smooth_time / 2:
 * e_s(t) = (1/h²) ∫ e_pa(τ)·(h − |t − τ|) dτ over [t − h, t + h].
 * Within a segment e_pa is quadratic and the tent linear on either side of t, so Simpson's rule
 * on each piece is exact.
 */
public final class PressureAdvance {
    private final double advanceS;
    private final double halfWindowS;

    /**
     * @param advanceS     K: seconds of filament speed pushed ahead
     * @param smoothTimeS  the full width of the smoothing window
     */
    public PressureAdvance(double advanceS, double smoothTimeS) {
        if (advanceS < 0 || smoothTimeS < 0) throw new IllegalArgumentException("pressure advance and smooth time must be >= 0");
        this.advanceS = advanceS;
        this.halfWindowS = smoothTimeS / 2;
    }

    /** The advanced, smoothed extruder position (mm of filament) at {@code tS}. */
    public double positionMm(MotionQueue q, double tS) {
        List<MotionQueue.Segment> segs = q.segments();
        double h = halfWindowS;
        if (h == 0) {
            int i = q.indexAtOrBefore(tS);
            return i >= 0 && tS < segs.get(i).endS() ? advanced(segs.get(i), tS) : restE(q, tS);
        }
        double hi = tS + h;
        double cur = tS - h;
        int i = q.indexAtOrBefore(cur);
        double sum = 0;
        while (cur < hi) {
            double end;
            if (i >= 0 && cur < segs.get(i).endS()) {
                MotionQueue.Segment s = segs.get(i);
                end = Math.min(hi, s.endS());
                sum += tent(tS, cur, end, tau -> advanced(s, tau));
            } else {
                double next = i + 1 < segs.size() ? segs.get(i + 1).startS() : Double.POSITIVE_INFINITY;
                end = Math.min(hi, next);
                double e = restE(q, cur);
                if (end > cur) sum += tent(tS, cur, end, tau -> e);
                if (end >= next) i++;
            }
            cur = end;
        }
        return sum / (h * h);
    }

    /** ∫ f(τ)·(h − |t − τ|) dτ over [a, b], split at t where the tent has its peak. */
    private double tent(double t, double a, double b, java.util.function.DoubleUnaryOperator f) {
        if (a < t && b > t) return simpson(t, a, t, f) + simpson(t, t, b, f);
        return simpson(t, a, b, f);
    }

    private double simpson(double t, double a, double b, java.util.function.DoubleUnaryOperator f) {
        if (b <= a) return 0;
        double m = (a + b) / 2;
        return (b - a) / 6 * (weighted(t, a, f) + 4 * weighted(t, m, f) + weighted(t, b, f));
    }

    private double weighted(double t, double tau, java.util.function.DoubleUnaryOperator f) {
        return f.applyAsDouble(tau) * (halfWindowS - Math.abs(t - tau));
    }

    /** e + K·e' inside a segment, the advance only on printing moves. */
    private double advanced(MotionQueue.Segment s, double tau) {
        double u = Math.max(0, Math.min(s.durationS(), tau - s.startS()));
        double[] r = s.axesR();
        double e = s.startPos()[3] + r[3] * (s.startV() + s.halfAccel() * u) * u;
        boolean printing = (r[0] != 0 || r[1] != 0) && r[3] > 0;
        return printing ? e + advanceS * r[3] * (s.startV() + 2 * s.halfAccel() * u) : e;
    }

    private static double restE(MotionQueue q, double tS) {
        double[] p = new double[4];
        q.positionAt(tS, p);
        return p[3];
    }
}
