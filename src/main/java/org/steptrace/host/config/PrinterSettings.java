package org.steptrace.host.config;

/**
 * [printer]: the kinematics and the motion limits. For a delta, {@code deltaRadiusMm} and
 * {@code printRadiusMm} are set (NaN otherwise).
 */
public record PrinterSettings(
        String kinematics,
        double maxVelocityMmPerS,
        double maxAccelMmPerS2,
        double maxZVelocityMmPerS,
        double maxZAccelMmPerS2,
        double squareCornerVelocityMmPerS,
        double minimumCruiseRatio,
        double deltaRadiusMm,
        double printRadiusMm,
        double minimumZPositionMm) {}
