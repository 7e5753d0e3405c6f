package org.steptrace.host.thermal;

/**
 * PID on the measurement: gains are given in the 0..255 output convention and used on a 0..1
 * duty; the derivative is smoothed over {@code minDerivTimeS}; the integral is clamped so that it
 * alone never asks for more than max power, and frozen while the output saturates.
 */
public final class PidControl implements TemperatureControl {
    public static final double PID_PARAM_BASE = 255.0;
    static final double AMBIENT_GUESS_C = 25.0;

    private final double kp;
    private final double ki;
    private final double kd;
    private final double maxPower;
    private final double minDerivTimeS;
    private final double integralMax;
    private double prevTempC = AMBIENT_GUESS_C;
    private double prevTimeS;
    private double prevDeriv;
    private double prevIntegral;

    public PidControl(double kp255, double ki255, double kd255, double maxPower, double smoothTimeS) {
        this.kp = kp255 / PID_PARAM_BASE;
        this.ki = ki255 / PID_PARAM_BASE;
        this.kd = kd255 / PID_PARAM_BASE;
        this.maxPower = maxPower;
        this.minDerivTimeS = smoothTimeS;
        this.integralMax = ki == 0 ? 0 : maxPower / ki;
    }

    @Override
    public double update(double timeS, double tempC, double targetC) {
        double dt = timeS - prevTimeS;
        double dT = tempC - prevTempC;
        double deriv = dt >= minDerivTimeS ? dT / dt : (prevDeriv * (minDerivTimeS - dt) + dT) / minDerivTimeS;
        double err = targetC - tempC;
        double integral = Math.max(0, Math.min(integralMax, prevIntegral + err * dt));
        double co = kp * err + ki * integral - kd * deriv;
        double out = Math.max(0, Math.min(maxPower, co));
        prevTempC = tempC;
        prevTimeS = timeS;
        prevDeriv = deriv;
        if (co == out) prevIntegral = integral;
        return out;
    }

    @Override
    public boolean busy(double smoothedC, double targetC) {
        return Math.abs(targetC - smoothedC) > 1.0 || Math.abs(prevDeriv) > 0.1;
    }
}
