package org.steptrace.host.config;

/** The heater keys of [extruder] and [heater_bed]. PID gains are in the config's 0..255 units. */
public record HeaterSettings(
        String name,
        PinSpec heaterPin,
        String sensorType,
        PinSpec sensorPin,
        double pullupOhm,
        double inlineResistorOhm,
        String control,
        double pidKp,
        double pidKi,
        double pidKd,
        double maxDeltaC,
        double minTempC,
        double maxTempC,
        double maxPower,
        double pwmCycleTimeS,
        double smoothTimeS,
        double minExtrudeTempC) {}
