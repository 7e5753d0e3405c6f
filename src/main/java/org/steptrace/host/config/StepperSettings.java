package org.steptrace.host.config;

/**
 * A [stepper_*] section (or the stepper half of [extruder]): pins and the distance one
 * microstep moves. {@code rail} is null for an extruder.
 */
public record StepperSettings(
        String name,
        PinSpec stepPin,
        PinSpec dirPin,
        PinSpec enablePin,
        int microsteps,
        int fullStepsPerRotation,
        double rotationDistanceMm,
        double gearRatio,
        RailSettings rail) {

    /** Millimetres (or for a delta carriage, millimetres of carriage travel) per microstep. */
    public double stepDistanceMm() {
        return rotationDistanceMm / (fullStepsPerRotation * (double) microsteps * gearRatio);
    }
}
