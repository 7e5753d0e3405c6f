package org.steptrace.host.config;

/**
 * The homing half of a [stepper_*] section: the endstop and the rail's range. For a delta,
 * {@code armLengthMm} and {@code towerAngleDeg} are set (NaN otherwise).
 */
public record RailSettings(
        PinSpec endstopPin,
        double positionEndstopMm,
        double positionMinMm,
        double positionMaxMm,
        double homingSpeedMmPerS,
        double secondHomingSpeedMmPerS,
        double homingRetractDistMm,
        double homingRetractSpeedMmPerS,
        boolean homingPositiveDir,
        double armLengthMm,
        double towerAngleDeg) {}
