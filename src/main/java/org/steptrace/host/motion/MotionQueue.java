package org.steptrace.host.motion;

import java.util.ArrayList;
import java.util.List;

/**
 * The planned trajectory on the print-time axis: each trapezoid becomes up to three segments
 * (accelerate, cruise, decelerate) of constant acceleration; between moves the toolhead rests.
 * Position at local time t in a segment: start + axesR·(startV·t + halfAccel·t²).
 */
public final class MotionQueue {
    /** One constant-acceleration piece of a move. Positions are x, y, z, e in mm. */
    public record Segment(double startS, double durationS, double startV, double halfAccel, double[] startPos, double[] axesR) {
        public double endS() {
            return startS + durationS;
        }

        /** Distance along the move at absolute time {@code tS} (clamped to the segment). */
        public double distanceAt(double tS) {
            double t = Math.max(0, Math.min(durationS, tS - startS));
            return (startV + halfAccel * t) * t;
        }

        public void positionAt(double tS, double[] out) {
            double d = distanceAt(tS);
            for (int i = 0; i < 4; i++) out[i] = startPos[i] + axesR[i] * d;
        }
    }

    private final List<Segment> segments = new ArrayList<>();
    private final double[] restPos;
    private int cursor;

    public MotionQueue(double[] initialPosition) {
        this.restPos = initialPosition.clone();
    }

    /** Lays {@code t} at {@code printTimeS}; returns the time it ends. */
    public double append(Trapezoid t, double printTimeS) {
        if (!segments.isEmpty() && printTimeS < segments.get(segments.size() - 1).endS() - 1e-12) {
            throw new IllegalArgumentException("move at " + printTimeS + " s overlaps the previous one");
        }
        double[] pos = t.start().clone();
        double time = printTimeS;
        double a = t.accelMmPerS2();
        time = add(time, t.accelT(), t.startV(), 0.5 * a, pos, t.axesR());
        time = add(time, t.cruiseT(), t.cruiseV(), 0, pos, t.axesR());
        time = add(time, t.decelT(), t.cruiseV(), -0.5 * a, pos, t.axesR());
        System.arraycopy(t.end(), 0, restPos, 0, 4);
        return time;
    }

    /** The toolhead is declared to rest at {@code pos} from {@code timeS} (a set-position: no motion). */
    public void rest(double timeS, double[] pos) {
        if (!segments.isEmpty() && timeS < segments.get(segments.size() - 1).endS() - 1e-12) {
            throw new IllegalArgumentException("rest at " + timeS + " s overlaps the previous move");
        }
        segments.add(new Segment(timeS, 0, 0, 0, pos.clone(), new double[4]));
        System.arraycopy(pos, 0, restPos, 0, 4);
    }

    private double add(double time, double duration, double startV, double halfAccel, double[] pos, double[] axesR) {
        if (duration <= 0) return time;
        Segment s = new Segment(time, duration, startV, halfAccel, pos.clone(), axesR.clone());
        segments.add(s);
        double d = (startV + halfAccel * duration) * duration;
        for (int i = 0; i < 4; i++) pos[i] += axesR[i] * d;
        return time + duration;
    }

    /** The toolhead position (x, y, z, e) at {@code tS}. */
    public void positionAt(double tS, double[] out) {
        Segment s = segmentAtOrBefore(tS);
        if (s == null) {
            double[] first = segments.isEmpty() ? restPos : segments.get(0).startPos();
            System.arraycopy(first, 0, out, 0, 4);
            return;
        }
        s.positionAt(tS, out);
    }

    /** The segment containing {@code tS}, or the last one that ended before it (null if none). */
    Segment segmentAtOrBefore(double tS) {
        if (segments.isEmpty()) return null;
        if (cursor >= segments.size()) cursor = segments.size() - 1;
        while (cursor > 0 && segments.get(cursor).startS() > tS) cursor--;
        while (cursor + 1 < segments.size() && segments.get(cursor + 1).startS() <= tS) cursor++;
        Segment s = segments.get(cursor);
        return s.startS() <= tS ? s : null;
    }

    /** Index of the segment containing {@code tS} or the last before it; -1 if none (for scanning {@link #segments()}). */
    public int indexAtOrBefore(double tS) {
        return segmentAtOrBefore(tS) == null ? -1 : cursor;
    }

    /** Start of the next segment after {@code tS}, or +infinity: a bound for the step solver's search. */
    public double nextBoundaryAfter(double tS) {
        Segment s = segmentAtOrBefore(tS);
        if (s == null) return segments.isEmpty() ? Double.POSITIVE_INFINITY : segments.get(0).startS();
        if (tS < s.endS()) return s.endS();
        // segmentAtOrBefore left the cursor on s.
        return cursor + 1 < segments.size() ? segments.get(cursor + 1).startS() : Double.POSITIVE_INFINITY;
    }

    /**
     * Cuts the plan at {@code tS}: what would have run after it never will (a homing move
     * stopped by its endstop). The toolhead rests where it was at {@code tS}.
     */
    public void truncateAfter(double tS) {
        double[] at = new double[4];
        positionAt(tS, at);
        while (!segments.isEmpty() && segments.get(segments.size() - 1).startS() >= tS) segments.remove(segments.size() - 1);
        if (!segments.isEmpty()) {
            Segment last = segments.get(segments.size() - 1);
            if (last.endS() > tS) {
                segments.set(segments.size() - 1, new Segment(last.startS(), tS - last.startS(), last.startV(), last.halfAccel(),
                        last.startPos(), last.axesR()));
            }
        }
        cursor = 0;
        System.arraycopy(at, 0, restPos, 0, 4);
    }

    /** Drops segments that ended before {@code tS} (history no longer needed). */
    public void expireBefore(double tS) {
        int n = 0;
        while (n < segments.size() - 1 && segments.get(n).endS() < tS) n++;
        if (n > 0) {
            segments.subList(0, n).clear();
            cursor = 0;
        }
    }

    public List<Segment> segments() {
        return java.util.Collections.unmodifiableList(segments);
    }
}
