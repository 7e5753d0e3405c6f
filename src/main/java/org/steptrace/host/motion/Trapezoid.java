package org.steptrace.host.motion;

/**
 * A planned move: accelerate from {@code startV} to {@code cruiseV}, cruise, decelerate to
 * {@code endV}, along {@code axesR} (the unit direction, x y z e; for an extrude-only move e is
 * ±1). Distances in mm, speeds in mm/s, times in s.
 */
public record Trapezoid(double[] start, double[] end, double[] axesR, double distanceMm, double accelMmPerS2,
                        double startV, double cruiseV, double endV, double accelT, double cruiseT, double decelT) {
    public double durationS() {
        return accelT + cruiseT + decelT;
    }

    /** Distance along the move at {@code t} seconds after its start. */
    public double distanceAt(double t) {
        if (t <= 0) return 0;
        if (t < accelT) return (startV + 0.5 * accelMmPerS2 * t) * t;
        double accelD = (startV + cruiseV) / 2 * accelT;
        if (t < accelT + cruiseT) return accelD + cruiseV * (t - accelT);
        double cruiseEnd = accelD + cruiseV * cruiseT;
        double td = Math.min(t - accelT - cruiseT, decelT);
        return cruiseEnd + (cruiseV - 0.5 * accelMmPerS2 * td) * td;
    }
}
