package org.steptrace.host.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.machine.Thermistor;

/**
 * A printer config in the widely used printer.cfg format, read into typed settings. Errors name
 * file:line; sections and options steptrace does not use are warnings, not errors.
 */
public record PrinterConfig(
        String file,
        String sha256,
        McuSettings mcu,
        PrinterSettings printer,
        List<StepperSettings> steppers,
        ExtruderSettings extruder,
        HeaterSettings heaterBed,
        FanSettings fan,
        List<String> warnings) {

    public PrinterConfig {
        steppers = List.copyOf(steppers);
        warnings = List.copyOf(warnings);
    }

    public static PrinterConfig load(Path path) {
        try {
            return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException(path + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(path + ": cannot read: " + e.getMessage());
        }
    }

    /** A printer config shipped in the jar (each built-in board's own, under /boards), or null if there is none. */
    public static PrinterConfig builtIn(String name) {
        String text = builtInText(name);
        return text == null ? null : parse(text, name + ".cfg");
    }

    /** The text of a printer config shipped in the jar, or null if there is none. */
    public static String builtInText(String name) {
        try (java.io.InputStream in = PrinterConfig.class.getResourceAsStream("/boards/" + name + ".cfg")) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(name + ".cfg: " + e.getMessage());
        }
    }

    public static PrinterConfig parse(String text, String file) {
        RawConfig raw = RawConfig.parse(text, file);
        Map<String, ConfigSection> sections = new LinkedHashMap<>();
        raw.sections().forEach(s -> sections.put(s.name(), new ConfigSection(s)));
        List<String> warnings = new ArrayList<>();

        ConfigSection mcuSection = require(sections, "mcu", file);
        McuSettings mcu = new McuSettings(mcuSection.string("serial"), (long) mcuSection.above("baud", 250000, 0),
                mcuSection.choice("restart_method", "command", List.of("arduino", "cheetah", "rpi_usb", "command")));

        ConfigSection p = require(sections, "printer", file);
        String kin = p.choice("kinematics", null, List.of("cartesian", "corexy", "delta"));
        double maxV = p.above("max_velocity", 0);
        double maxA = p.above("max_accel", 0);
        boolean delta = kin.equals("delta");
        double deltaRadius = delta ? p.above("delta_radius", 0) : Double.NaN;
        PrinterSettings printer = new PrinterSettings(kin, maxV, maxA,
                p.above("max_z_velocity", maxV, 0), p.above("max_z_accel", maxA, 0),
                p.within("square_corner_velocity", 5.0, 0, Double.MAX_VALUE),
                p.within("minimum_cruise_ratio", 0.5, 0, 0.999),
                deltaRadius, delta ? p.above("print_radius", deltaRadius, 0) : Double.NaN,
                delta ? p.number("minimum_z_position", 0) : Double.NaN);

        List<StepperSettings> steppers = new ArrayList<>();
        if (delta) {
            ConfigSection a = require(sections, "stepper_a", file);
            double[] angles = {210, 330, 90};
            String[] names = {"stepper_a", "stepper_b", "stepper_c"};
            for (int i = 0; i < 3; i++) {
                ConfigSection s = require(sections, names[i], file);
                steppers.add(stepper(s, deltaRail(s, a, angles[i], i == 0)));
            }
        } else {
            for (String n : List.of("stepper_x", "stepper_y", "stepper_z")) {
                ConfigSection s = require(sections, n, file);
                steppers.add(stepper(s, cartesianRail(s)));
            }
        }

        ExtruderSettings extruder = null;
        ConfigSection e = sections.get("extruder");
        if (e != null) {
            double nozzle = e.above("nozzle_diameter", 0);
            double filament = e.above("filament_diameter", 0);
            double area = Math.PI * filament * filament / 4;
            double crossSection = e.above("max_extrude_cross_section", 4 * nozzle * nozzle, 0);
            double ratio = crossSection / area;
            extruder = new ExtruderSettings(stepper(e, null), nozzle, filament,
                    e.within("pressure_advance", 0, 0, 10), e.within("pressure_advance_smooth_time", 0.040, 0.001, 0.2),
                    e.above("max_extrude_only_distance", 50, 0), e.within("instantaneous_corner_velocity", 1, 0, Double.MAX_VALUE),
                    crossSection, e.above("max_extrude_only_velocity", maxV * ratio, 0), e.above("max_extrude_only_accel", maxA * ratio, 0),
                    heater(e, "extruder"));
        }
        ConfigSection bed = sections.get("heater_bed");
        HeaterSettings heaterBed = bed == null ? null : heater(bed, "heater_bed");
        ConfigSection f = sections.get("fan");
        FanSettings fan = f == null ? null : new FanSettings(f.pin("pin"), f.within("max_power", 1, 0, 1),
                f.above("cycle_time", 0.010, 0), f.within("kick_start_time", 0.1, 0, 10), f.within("off_below", 0, 0, 1));

        for (ConfigSection s : sections.values()) {
            if (!List.of("mcu", "printer", "stepper_x", "stepper_y", "stepper_z", "stepper_a", "stepper_b", "stepper_c",
                    "extruder", "heater_bed", "fan").contains(s.name())) {
                warnings.add(s.where() + ": section [" + s.name() + "] is not used by steptrace");
            } else {
                warnings.addAll(s.unusedOptions());
            }
        }
        return new PrinterConfig(file, sha256(text), mcu, printer, steppers, extruder, heaterBed, fan, warnings);
    }

    private static ConfigSection require(Map<String, ConfigSection> sections, String name, String file) {
        ConfigSection s = sections.get(name);
        if (s == null) throw new ConfigException(file + ": section [" + name + "] is missing");
        return s;
    }

    private static StepperSettings stepper(ConfigSection s, RailSettings rail) {
        return new StepperSettings(s.name(), s.pin("step_pin"), s.pin("dir_pin"), s.pinOrNull("enable_pin"),
                s.integer("microsteps", 1, 1 << 12), s.integer("full_steps_per_rotation", 200, 1, 1 << 16),
                s.above("rotation_distance", 0), gearRatio(s), rail);
    }

    /** gear_ratio is "a:b, c:d, …": the product of the a/b. */
    private static double gearRatio(ConfigSection s) {
        if (!s.has("gear_ratio")) return 1;
        double ratio = 1;
        for (String part : s.string("gear_ratio").split(",")) {
            String[] ab = part.strip().split(":");
            try {
                if (ab.length != 2) throw new NumberFormatException();
                double a = Double.parseDouble(ab[0].strip());
                double b = Double.parseDouble(ab[1].strip());
                if (!(a > 0 && b > 0)) throw new NumberFormatException();
                ratio *= a / b;
            } catch (NumberFormatException ex) {
                throw s.error("gear_ratio", "'gear_ratio' must be like '80:20, 60:15', got '" + s.string("gear_ratio") + "'");
            }
        }
        return ratio;
    }

    private static RailSettings cartesianRail(ConfigSection s) {
        PinSpec endstop = s.pin("endstop_pin");
        double posEndstop = s.number("position_endstop");
        double posMin = s.number("position_min", 0);
        double posMax = s.number("position_max");
        if (!(posMax > posMin)) throw s.error("position_max", "'position_max' must be above position_min (" + posMin + ")");
        if (posEndstop < posMin || posEndstop > posMax) {
            throw s.error("position_endstop", "'position_endstop' must be within position_min..position_max");
        }
        boolean positive;
        if (s.has("homing_positive_dir")) {
            positive = s.bool("homing_positive_dir", false);
        } else {
            double quarter = (posMax - posMin) / 4;
            if (posEndstop <= posMin + quarter) positive = false;
            else if (posEndstop >= posMax - quarter) positive = true;
            else throw s.error("position_endstop", "cannot tell the homing direction: set homing_positive_dir");
        }
        double speed = s.above("homing_speed", 5.0, 0);
        return new RailSettings(endstop, posEndstop, posMin, posMax, speed, s.above("second_homing_speed", speed / 2, 0),
                s.within("homing_retract_dist", 5.0, 0, Double.MAX_VALUE), s.above("homing_retract_speed", speed, 0),
                positive, Double.NaN, Double.NaN);
    }

    /** Delta rails run from 0 to the endstop and home up; b and c inherit a's settings. */
    private static RailSettings deltaRail(ConfigSection s, ConfigSection a, double defaultAngle, boolean isA) {
        double posEndstop = s.has("position_endstop") || isA ? s.number("position_endstop") : a.number("position_endstop");
        double arm = s.has("arm_length") || isA ? s.above("arm_length", 0) : a.above("arm_length", 0);
        double speed = s.has("homing_speed") || isA ? s.above("homing_speed", 5.0, 0) : a.above("homing_speed", 5.0, 0);
        return new RailSettings(s.pin("endstop_pin"), posEndstop, s.number("position_min", 0), s.number("position_max", posEndstop),
                speed, s.above("second_homing_speed", speed / 2, 0), s.within("homing_retract_dist", 5.0, 0, Double.MAX_VALUE),
                s.above("homing_retract_speed", speed, 0), true, arm, s.number("angle", defaultAngle));
    }

    private static HeaterSettings heater(ConfigSection s, String name) {
        String sensor = s.string("sensor_type");
        if (!Thermistor.knownNames().contains(sensor)) {
            throw s.error("sensor_type", "unknown sensor_type '" + sensor + "' (known: " + String.join(", ", Thermistor.knownNames()) + ")");
        }
        String control = s.choice("control", null, List.of("pid", "watermark"));
        boolean pid = control.equals("pid");
        double minTemp = s.number("min_temp");
        double maxTemp = s.number("max_temp");
        if (!(maxTemp > minTemp)) throw s.error("max_temp", "'max_temp' must be above min_temp");
        return new HeaterSettings(name, s.pin("heater_pin"), sensor, s.pin("sensor_pin"), s.above("pullup_resistor", 4700, 0),
                s.within("inline_resistor", 0, 0, Double.MAX_VALUE), control,
                pid ? s.number("pid_kp") : Double.NaN, pid ? s.number("pid_ki") : Double.NaN, pid ? s.number("pid_kd") : Double.NaN,
                pid ? Double.NaN : s.above("max_delta", 2.0, 0), minTemp, maxTemp, s.within("max_power", 1, 0.000001, 1),
                s.above("pwm_cycle_time", 0.100, 0), s.above("smooth_time", 1.0, 0), s.number("min_extrude_temp", 170));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public StepperSettings stepper(String name) {
        return steppers.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stepper " + name));
    }
}
