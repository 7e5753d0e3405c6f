package org.steptrace.machine;

/**
 * A thermistor in a divider: pull-up to the ADC reference, thermistor (plus an optional inline
 * resistor) to ground. Maps temperature to the ADC's normalised reading (0..1) and back.
 */
public record ThermistorCircuit(Thermistor thermistor, double pullupOhm, double inlineOhm) {
    public static final double DEFAULT_PULLUP_OHM = 4700;

    public ThermistorCircuit {
        if (!(pullupOhm > 0)) throw new IllegalArgumentException("pull-up must be positive, got " + pullupOhm);
        if (inlineOhm < 0) throw new IllegalArgumentException("inline resistor must not be negative, got " + inlineOhm);
    }

    /** Normalised ADC value at {@code tempC}; 1 at or below absolute zero. */
    public double adcFraction(double tempC) {
        if (tempC <= -Thermistor.KELVIN_OFFSET) return 1;
        double r = thermistor.resistanceOhm(tempC) + inlineOhm;
        return r / (pullupOhm + r);
    }

    /** Temperature for a normalised ADC value (clamped to 0.00001..0.99999 as hosts do). */
    public double temperatureC(double adcFraction) {
        double v = Math.max(0.00001, Math.min(0.99999, adcFraction));
        double r = pullupOhm * v / (1 - v) - inlineOhm;
        return thermistor.temperatureC(Math.max(r, 1e-9));
    }
}
