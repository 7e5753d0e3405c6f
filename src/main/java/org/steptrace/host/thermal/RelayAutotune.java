package org.steptrace.host.thermal;

import java.util.ArrayList;
import java.util.List;

/**
 * Relay autotune: full power up to the target, off until 5 °C below it, and again; the peaks of
 * the oscillation give the ultimate gain Ku = 4·P/(π·a) (describing function of a relay of
 * power P against an oscillation of amplitude a) and period Tu, and from them classic
 * Ziegler–Nichols PID gains in the 0..255 convention.
 */
public final class RelayAutotune implements TemperatureControl {
    static final double TUNE_DELTA_C = 5.0;
    static final int PEAKS_NEEDED = 12;

    /** The tuning's outcome: Ku in duty per °C, Tu in seconds, gains in config units. */
    public record Result(double ku, double tuS, double kp, double ki, double kd, double amplitudeC) {}

    /** A recorded extreme: temperature and when. */
    public record Peak(double tempC, double timeS) {}

    private final double maxPower;
    private final List<Peak> peaks = new ArrayList<>();
    private boolean heating;
    private double peakTempC;
    private double peakTimeS;
    private boolean started;

    public RelayAutotune(double maxPower) {
        this.maxPower = maxPower;
    }

    @Override
    public double update(double timeS, double tempC, double targetC) {
        if (!started) {
            peakTempC = Math.max(peakTempC, tempC);
            if (tempC <= targetC) {
                // The first switch on: its entry is a placeholder (0 °C at 0 s) from below the
                // target, or the highest temperature seen when it started above.
                started = true;
                heating = true;
                peaks.add(new Peak(peakTempC > targetC ? peakTempC : 0, 0));
                peakTempC = tempC;
                peakTimeS = timeS;
            }
        } else if (heating && tempC >= targetC) {
            heating = false;
            record();
            peakTempC = tempC;
            peakTimeS = timeS;
        } else if (!heating && tempC <= targetC - TUNE_DELTA_C) {
            heating = true;
            record();
            peakTempC = tempC;
            peakTimeS = timeS;
        }
        // While on the temperature still falls for a while (the lag): track the trough; while off, the crest.
        if (started && (heating ? tempC < peakTempC : tempC > peakTempC)) {
            peakTempC = tempC;
            peakTimeS = timeS;
        }
        return heating ? maxPower : 0;
    }

    @Override
    public double effectiveTargetC(double targetC) {
        // Each switch is a new target to the runaway check, which then tracks progress afresh.
        return started && !heating ? targetC - TUNE_DELTA_C : targetC;
    }

    private void record() {
        peaks.add(new Peak(peakTempC, peakTimeS));
    }

    /** Enough peaks, and the heater off. */
    public boolean done() {
        return peaks.size() >= PEAKS_NEEDED && !heating;
    }

    @Override
    public boolean busy(double smoothedC, double targetC) {
        return !done();
    }

    public List<Peak> peaks() {
        return List.copyOf(peaks);
    }

    /** Ku and Tu at one peak position p (uses p, p−1, p−2). */
    public Result resultAt(int p) {
        double amplitude = 0.5 * Math.abs(peaks.get(p).tempC() - peaks.get(p - 1).tempC());
        double ku = 4 * maxPower / (Math.PI * amplitude);
        double tu = peaks.get(p).timeS() - peaks.get(p - 2).timeS();
        double ti = 0.5 * tu;
        double td = 0.125 * tu;
        double kp = 0.6 * ku * PidControl.PID_PARAM_BASE;
        return new Result(ku, tu, kp, kp / ti, kp * td, amplitude);
    }

    /** The result at the peak whose cycle time is the median of positions 4..n−1. */
    public Result result() {
        if (peaks.size() < PEAKS_NEEDED) throw new IllegalStateException("autotune has " + peaks.size() + " peaks, needs " + PEAKS_NEEDED);
        List<double[]> cycles = new ArrayList<>();
        for (int p = 4; p < peaks.size(); p++) cycles.add(new double[] {peaks.get(p).timeS() - peaks.get(p - 2).timeS(), p});
        cycles.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        return resultAt((int) cycles.get(cycles.size() / 2)[1]);
    }
}
