package org.steptrace.host.motion;

/** The toolhead's current limits: speed, acceleration, cornering and minimum cruise ratio. */
public record MotionLimits(double maxVelocityMmPerS, double maxAccelMmPerS2, double squareCornerVelocityMmPerS,
                           double minimumCruiseRatio) {
    public MotionLimits {
        if (!(maxVelocityMmPerS > 0) || !(maxAccelMmPerS2 > 0)) throw new IllegalArgumentException("velocity and accel must be positive");
        if (squareCornerVelocityMmPerS < 0) throw new IllegalArgumentException("square corner velocity must not be negative");
        if (minimumCruiseRatio < 0 || minimumCruiseRatio >= 1) throw new IllegalArgumentException("minimum cruise ratio must be in [0, 1)");
    }

    /** scv² (√2 − 1) / a: the deviation that makes a 90° corner take exactly scv. */
    public double junctionDeviationMm() {
        return squareCornerVelocityMmPerS * squareCornerVelocityMmPerS * (Math.sqrt(2) - 1) / maxAccelMmPerS2;
    }
}
