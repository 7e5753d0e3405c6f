package org.steptrace.host.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A printer config flattened to neutral names with units, for the trace's config record: what a
 * reader of the trace needs to interpret steps, limits and heater outputs without the config
 * file itself (and without its syntax).
 */
public final class ConfigSummary {
    private ConfigSummary() {}

    public static Map<String, Object> of(PrinterConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        PrinterSettings p = c.printer();
        m.put("kinematics", p.kinematics());
        m.put("max_velocity_mm_per_s", p.maxVelocityMmPerS());
        m.put("max_accel_mm_per_s2", p.maxAccelMmPerS2());
        m.put("max_z_velocity_mm_per_s", p.maxZVelocityMmPerS());
        m.put("max_z_accel_mm_per_s2", p.maxZAccelMmPerS2());
        m.put("square_corner_velocity_mm_per_s", p.squareCornerVelocityMmPerS());
        m.put("minimum_cruise_ratio", p.minimumCruiseRatio());
        if (!Double.isNaN(p.deltaRadiusMm())) m.put("delta_radius_mm", p.deltaRadiusMm());
        m.put("serial_baud", c.mcu().baud());
        for (StepperSettings s : c.steppers()) stepper(m, s);
        if (c.extruder() != null) {
            ExtruderSettings e = c.extruder();
            stepper(m, e.stepper());
            m.put("extruder.filament_diameter_mm", e.filamentDiameterMm());
            m.put("extruder.nozzle_diameter_mm", e.nozzleDiameterMm());
            m.put("extruder.pressure_advance_s", e.pressureAdvanceS());
            m.put("extruder.pressure_advance_smooth_time_s", e.pressureAdvanceSmoothTimeS());
            heater(m, e.heater());
        }
        if (c.heaterBed() != null) heater(m, c.heaterBed());
        if (c.fan() != null) {
            m.put("fan.max_power", c.fan().maxPower());
            m.put("fan.cycle_time_s", c.fan().cycleTimeS());
            m.put("fan.kick_start_time_s", c.fan().kickStartTimeS());
        }
        return m;
    }

    private static void stepper(Map<String, Object> m, StepperSettings s) {
        String k = "stepper." + s.name() + ".";
        m.put(k + "step_distance_mm", s.stepDistanceMm());
        m.put(k + "microsteps", s.microsteps());
        m.put(k + "full_steps_per_rotation", s.fullStepsPerRotation());
        m.put(k + "rotation_distance_mm", s.rotationDistanceMm());
        if (s.rail() != null) {
            RailSettings r = s.rail();
            m.put(k + "position_endstop_mm", r.positionEndstopMm());
            m.put(k + "position_max_mm", r.positionMaxMm());
            m.put(k + "homing_speed_mm_per_s", r.homingSpeedMmPerS());
            if (r.armLengthMm() > 0) m.put(k + "arm_length_mm", r.armLengthMm());
        }
    }

    private static void heater(Map<String, Object> m, HeaterSettings h) {
        String k = "heater." + h.name() + ".";
        m.put(k + "control", h.control());
        m.put(k + "sensor", h.sensorType());
        m.put(k + "pullup_ohm", h.pullupOhm());
        if (h.control().equals("pid")) {
            m.put(k + "kp", h.pidKp());
            m.put(k + "ki", h.pidKi());
            m.put(k + "kd", h.pidKd());
        } else {
            m.put(k + "max_delta_c", h.maxDeltaC());
        }
        m.put(k + "min_temp_c", h.minTempC());
        m.put(k + "max_temp_c", h.maxTempC());
        m.put(k + "max_power", h.maxPower());
        m.put(k + "pwm_cycle_time_s", h.pwmCycleTimeS());
        m.put(k + "smooth_time_s", h.smoothTimeS());
    }
}
