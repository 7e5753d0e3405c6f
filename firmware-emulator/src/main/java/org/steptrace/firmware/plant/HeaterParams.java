package org.steptrace.firmware.plant;

/**
 * A heater's thermal plant: a lumped block heated by {@code powerW} and losing
 * {@code lossWPerK}·(T − ambient) to the room, and a sensor node that follows the block with
 * time constant {@code sensorTimeConstantS}; heater power reaches the block after
 * {@code deadTimeS} (the heater core warming its sleeve and contact).
 */
public record HeaterParams(double powerW, double heatCapacityJPerK, double lossWPerK, double ambientC,
                           double sensorTimeConstantS, double deadTimeS) {
    public HeaterParams {
        if (!(powerW > 0)) throw new IllegalArgumentException("heater power must be positive");
        if (!(heatCapacityJPerK > 0)) throw new IllegalArgumentException("heat capacity must be positive");
        if (!(lossWPerK > 0)) throw new IllegalArgumentException("loss must be positive");
        if (!(sensorTimeConstantS > 0)) throw new IllegalArgumentException("sensor time constant must be positive");
        if (deadTimeS < 0) throw new IllegalArgumentException("dead time must not be negative");
    }

    /** The block's own time constant C/G in seconds. */
    public double blockTimeConstantS() {
        return heatCapacityJPerK / lossWPerK;
    }

    /** The temperature the block settles at with the heater fully on. */
    public double fullPowerSteadyStateC() {
        return ambientC + powerW / lossWPerK;
    }
}
