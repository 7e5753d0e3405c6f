package org.steptrace.host.thermal;

/** Turns temperature samples into a heater duty (0..max power). */
public interface TemperatureControl {
    /** A new sample: {@code tempC} read at {@code timeS} with target {@code targetC}; returns the duty. */
    double update(double timeS, double tempC, double targetC);

    /** Whether a waiting command (M109/M190) must still wait. */
    boolean busy(double smoothedC, double targetC);
}
