package org.steptrace.machine;

/**
 * A machine geometry: maps the toolhead position to actuator positions (mm of carriage or belt
 * travel) and back. Nothing else: a generic solver turns any of these into step times, and the
 * emulated plant uses the forward map to place the carriage against its endstops.
 */
public interface Kinematics {
    /** How many actuators (steppers, not counting extruders) the geometry drives. */
    int actuatorCount();

    /** Actuator {@code index}'s position for a toolhead at {@code p}. */
    double actuatorPosition(int index, Vec3 p);

    /** The toolhead position for the given actuator positions. */
    Vec3 toolhead(double[] actuatorMm);

    /**
     * For a geometry where actuator {@code index} is a fixed linear combination of x, y and z,
     * those three coefficients (so step times have a closed form); null otherwise.
     */
    default double[] linearCoefficients(int index) {
        return null;
    }

    /** All actuator positions for a toolhead at {@code p}. */
    default double[] actuatorPositions(Vec3 p) {
        double[] out = new double[actuatorCount()];
        for (int i = 0; i < out.length; i++) out[i] = actuatorPosition(i, p);
        return out;
    }
}
