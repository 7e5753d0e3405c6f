package org.steptrace.host.thermal;

/** On at max power below target − max_delta, off above target + max_delta, as it was in between. */
public final class BangBangControl implements TemperatureControl {
    private final double maxDeltaC;
    private final double maxPower;
    private boolean heating;

    public BangBangControl(double maxDeltaC, double maxPower) {
        this.maxDeltaC = maxDeltaC;
        this.maxPower = maxPower;
    }

    @Override
    public double update(double timeS, double tempC, double targetC) {
        if (heating && tempC >= targetC + maxDeltaC) heating = false;
        else if (!heating && tempC <= targetC - maxDeltaC) heating = true;
        return heating ? maxPower : 0;
    }

    @Override
    public boolean busy(double smoothedC, double targetC) {
        return smoothedC < targetC - maxDeltaC;
    }
}
