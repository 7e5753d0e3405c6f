package org.steptrace.host.thermal;

import org.steptrace.machine.ThermistorCircuit;

/**
 * One heater as the host runs it: ADC readings become temperatures (and a smoothed one for
 * waiting), the control law turns them into a duty, and the duty goes out as a PWM update
 * a report period later — unless it changed by less than 5 % of max power and no refresh is
 * due (and never a small change away from off). Off for good after a shutdown.
 */
public final class Heater {
    static final double MIN_PWM_CHANGE_RATIO = 0.05;
    static final double REPORT_TIME_S = 0.300;
    /** An update must come well within the MCU's max_duration (3 s) of the last: three reports' margin. */
    static final double REFRESH_AFTER_S = 3.0 - (3 * REPORT_TIME_S + 0.001);
    /**
     * A heater commanded off that sits this far above its target for this long and still gets
     * hotter is heated by something else: a stuck-on switch. (Cooling down after a lower
     * target, or from a print with the target 0, falls instead.)
     */
    static final double OVERTEMP_MARGIN_C = 15.0;
    static final double OVERTEMP_TIME_S = 10.0;
    /** Still climbing: at least this much over the last 10 s (a neighbour's warmth climbs slower)... */
    static final double OVERTEMP_WINDOW_RISE_C = 1.0;
    /** ...and this much since it went over the margin with the heater off. */
    static final double OVERTEMP_TOTAL_RISE_C = 5.0;

    /** Where duty updates go: {@code duty} from print time {@code atS}. */
    @FunctionalInterface
    public interface PwmOutput {
        void set(double atS, double duty);
    }

    private final String name;
    private final ThermistorCircuit circuit;
    private final double maxPower;
    private final double smoothTimeS;
    private final PwmOutput out;
    private TemperatureControl control;
    private double targetC;
    private double tempC = Double.NaN;
    private double smoothedC = Double.NaN;
    private double lastReadS;
    private double lastDuty;
    private double nextPwmS;
    private double commandedDuty;
    private double overTempSinceS = Double.NaN;
    private double overTempLowestC;
    /** Readings of the last 10 s while over the margin with the heater off: (time, temperature). */
    private final java.util.ArrayDeque<double[]> overTempWindow = new java.util.ArrayDeque<>();
    private boolean shutdown;

    public Heater(String name, ThermistorCircuit circuit, double maxPower, double smoothTimeS, TemperatureControl control, PwmOutput out) {
        this.name = name;
        this.circuit = circuit;
        this.maxPower = maxPower;
        this.smoothTimeS = smoothTimeS;
        this.control = control;
        this.out = out;
    }

    public String name() {
        return name;
    }

    public double maxPower() {
        return maxPower;
    }

    public void setTarget(double targetC) {
        this.targetC = targetC;
    }

    /** The target as the runaway check and traces see it (an autotune moves it while off). */
    public double targetC() {
        return control.effectiveTargetC(targetC);
    }

    /** Swaps the control law (an autotune runs in place of the configured one). */
    public TemperatureControl setControl(TemperatureControl c) {
        TemperatureControl before = control;
        control = c;
        return before;
    }

    /** A reading: the ADC's normalised value sampled at print time {@code readS}. */
    public void reading(double readS, double adcFraction) {
        double t = circuit.temperatureC(adcFraction);
        double dt = Double.isNaN(smoothedC) ? smoothTimeS : readS - lastReadS;
        smoothedC = Double.isNaN(smoothedC) ? t : smoothedC + (t - smoothedC) * Math.min(1, dt / smoothTimeS);
        tempC = t;
        lastReadS = readS;
        double duty = control.update(readS, t, targetC);
        if (targetC <= 0 || shutdown) duty = 0;
        commandedDuty = duty;
        setPwm(readS, duty);
        if (t >= targetC + OVERTEMP_MARGIN_C && duty == 0) {
            if (Double.isNaN(overTempSinceS)) {
                overTempSinceS = readS;
                overTempLowestC = t;
            }
            overTempLowestC = Math.min(overTempLowestC, t);
            overTempWindow.addLast(new double[] {readS, t});
            while (overTempWindow.size() > 1 && overTempWindow.peekFirst()[0] < readS - OVERTEMP_TIME_S) overTempWindow.removeFirst();
        } else {
            overTempSinceS = Double.NaN;
            overTempWindow.clear();
        }
    }

    private void setPwm(double readS, double duty) {
        boolean small = Math.abs(duty - lastDuty) < MIN_PWM_CHANGE_RATIO * maxPower;
        if (small && (readS < nextPwmS || lastDuty == 0)) return;
        double at = readS + REPORT_TIME_S;
        nextPwmS = at + REFRESH_AFTER_S;
        lastDuty = duty;
        out.set(at, duty);
    }

    /**
     * The over-temperature check: above target + 15 °C with the heater commanded off for 10 s,
     * still climbing (1 °C over the last 10 s) and 5 °C above where it was lowest meanwhile.
     */
    public String overTemperatureFault() {
        if (!Double.isNaN(overTempSinceS) && lastReadS - overTempSinceS >= OVERTEMP_TIME_S
                && tempC - overTempWindow.peekFirst()[1] >= OVERTEMP_WINDOW_RISE_C && tempC - overTempLowestC >= OVERTEMP_TOTAL_RISE_C) {
            return String.format(java.util.Locale.ROOT, "Heater %s heating with its heater off (%.0f C above target and rising)", name,
                    tempC - targetC);
        }
        return null;
    }

    /** Off for good (a shutdown): the next reading sends 0 and nothing turns it on again. */
    public void shutdown() {
        shutdown = true;
    }

    public boolean busy() {
        return control.busy(smoothedC, targetC) || Double.isNaN(smoothedC);
    }

    public double temperatureC() {
        return tempC;
    }

    /** The duty the control law asked for at the last reading. */
    public double commandedDuty() {
        return commandedDuty;
    }

    public double lastReadS() {
        return lastReadS;
    }
}
