package org.steptrace.host.config;

/** [extruder]: its stepper, its filament geometry, pressure advance and its heater. */
public record ExtruderSettings(
        StepperSettings stepper,
        double nozzleDiameterMm,
        double filamentDiameterMm,
        double pressureAdvanceS,
        double pressureAdvanceSmoothTimeS,
        double maxExtrudeOnlyDistanceMm,
        double instantaneousCornerVelocityMmPerS,
        double maxExtrudeCrossSectionMm2,
        double maxExtrudeOnlyVelocityMmPerS,
        double maxExtrudeOnlyAccelMmPerS2,
        HeaterSettings heater) {

    public double filamentAreaMm2() {
        return Math.PI * filamentDiameterMm * filamentDiameterMm / 4;
    }
}
