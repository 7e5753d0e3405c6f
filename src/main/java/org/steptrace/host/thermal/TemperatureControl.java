package org.steptrace.host.thermal;

/** Turns temperature samples into a heater duty (0..max power). */
public interface TemperatureControl {
    /** A new sample: {@code tempC} read at {@code timeS} with target {@code targetC}; returns the duty. */
    double update(double timeS, double tempC, double targetC);

    /**
     * The target the rest of the host should see for {@code targetC}: the runaway check follows
     * it. A relay autotune aims 5 °C lower while its heater is off.
     */
    default double effectiveTargetC(double targetC) {
        return targetC;
    }

    /** Whether a waiting command (M109/M190) must still wait. */
    boolean busy(double smoothedC, double targetC);
}
