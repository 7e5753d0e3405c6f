package org.steptrace.host.gcode;

import java.util.Set;

/** What G-code drives: the motion side of the host, in toolhead coordinates (x, y, z, e). */
public interface Toolhead {
    /** Where the toolhead is (or will be, after queued moves): x, y, z, e in mm. */
    double[] position();

    /** Queues a move to {@code target} (x, y, z, e) at a requested speed. */
    void move(double[] target, double speedMmPerS);

    /** Homes the named axes ('X', 'Y', 'Z'). */
    void home(Set<Character> axes);

    /** Pauses motion for {@code seconds} after the queued moves. */
    void dwell(double seconds);

    /** Plans every queued move to a stop (M400). */
    void waitMoves();

    /** Changes motion limits; a null leaves that limit as it is. */
    void setVelocityLimit(Double velocityMmPerS, Double accelMmPerS2, Double squareCornerVelocityMmPerS, Double minimumCruiseRatio);

    /** Part-cooling fan speed, 0..1. */
    void setFanSpeed(double fraction);

    /** Turns the stepper motors off; every axis must be homed again. */
    void motorsOff();

    /** Sets a heater's target (°C); {@code wait} for M109/M190. Null when heaters are not available. */
    default HeaterTargets heaters() {
        return null;
    }

    /** Where heater commands go. */
    interface HeaterTargets {
        void setTarget(String heater, double targetC, boolean wait);

        /** Waits until {@code sensor} reads within [minC, maxC] (either may be null). */
        default void waitTemperature(String sensor, Double minC, Double maxC) {
            throw new GcodeException("TEMPERATURE_WAIT needs a live MCU");
        }

        /** Relay-autotunes {@code heater} at {@code targetC}; returns the lines to report. */
        default java.util.List<String> calibratePid(String heater, double targetC) {
            throw new GcodeException("PID_CALIBRATE needs a live MCU");
        }
    }
}
