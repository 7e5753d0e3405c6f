package org.steptrace.host.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.steptrace.testing.Fixtures;

class PrinterConfigTest {
    @Test
    void readsTheFixturePrinterConfig() {
        PrinterConfig c = PrinterConfig.load(Fixtures.path("streams/linux-cartesian.cfg"));
        assertEquals("cartesian", c.printer().kinematics());
        assertEquals(300, c.printer().maxVelocityMmPerS());
        assertEquals(5.0, c.printer().squareCornerVelocityMmPerS());
        assertEquals(0.5, c.printer().minimumCruiseRatio());
        StepperSettings x = c.stepper("stepper_x");
        assertEquals(0.0125, x.stepDistanceMm(), 1e-15);
        assertEquals("gpio1", x.stepPin().name());
        assertTrue(x.enablePin().invert());
        assertTrue(x.rail().endstopPin().pullup());
        assertEquals("gpio4", x.rail().endstopPin().name());
        assertFalse(x.rail().homingPositiveDir());
        assertEquals(50, x.rail().homingSpeedMmPerS());
        assertEquals(25, x.rail().secondHomingSpeedMmPerS());
        assertEquals(5, x.rail().homingRetractDistMm());
        StepperSettings z = c.stepper("stepper_z");
        assertEquals(0.5, z.rail().positionEndstopMm());
        assertTrue(z.dirPin().invert());
        assertEquals(8.0 / 3200, z.stepDistanceMm(), 1e-15);
        assertEquals(33.5 / 3200, c.extruder().stepper().stepDistanceMm(), 1e-15);
        assertEquals("EPCOS 100K B57560G104F", c.extruder().heater().sensorType());
        assertEquals(22.2, c.extruder().heater().pidKp());
        assertEquals("watermark", c.heaterBed().control());
        assertEquals("analog1", c.heaterBed().sensorPin().name());
        assertNull(c.fan());
        assertEquals(64, c.sha256().length());
        assertTrue(c.warnings().isEmpty(), c.warnings().toString());
    }

    @Test
    void everyBuiltInBoardsPrinterConfigReads() {
        PrinterConfig avr = PrinterConfig.load(Path.of("boards/avr-cartesian.cfg"));
        assertTrue(avr.stepper("stepper_y").dirPin().invert());
        assertEquals("PH6", avr.fan().pin().name());
        PrinterConfig corexy = PrinterConfig.load(Path.of("boards/arm-corexy.cfg"));
        assertEquals("corexy", corexy.printer().kinematics());
        assertTrue(corexy.stepper("stepper_x").rail().homingPositiveDir(), "endstop at the max end");
        PrinterConfig delta = PrinterConfig.load(Path.of("boards/arm-delta.cfg"));
        assertEquals(120, delta.printer().deltaRadiusMm());
        StepperSettings c = delta.stepper("stepper_c");
        assertEquals(280, c.rail().positionEndstopMm(), "inherited from stepper_a");
        assertEquals(250, c.rail().armLengthMm());
        assertEquals(90, c.rail().towerAngleDeg());
        for (PrinterConfig p : new PrinterConfig[] {avr, corexy, delta}) assertTrue(p.warnings().isEmpty(), p.warnings().toString());
    }

    @Test
    void commentsContinuationsAndWarnings() {
        String text = """
                # a comment
                [mcu]
                serial: /dev/x   ; inline comment
                [printer]
                kinematics = cartesian
                max_velocity: 100  # mm/s
                max_accel: 1000
                [stepper_x]
                step_pin: PF0
                dir_pin: PF1
                microsteps: 16
                rotation_distance: 40
                endstop_pin: ^PE5
                position_endstop: 0
                position_max: 200
                [stepper_y]
                step_pin: PF6
                dir_pin: !PF7
                microsteps: 16
                rotation_distance: 40
                endstop_pin: ^PJ1
                position_endstop: 200
                position_max: 200
                colour: blue
                [stepper_z]
                step_pin: PL3
                dir_pin: PL1
                microsteps: 16
                rotation_distance: 8
                endstop_pin: ^PD3
                position_endstop: 0
                position_max: 200
                [gcode_macro START]
                gcode:
                  G28
                  G1 X10
                """;
        PrinterConfig c = PrinterConfig.parse(text, "t.cfg");
        assertEquals("/dev/x", c.mcu().serial());
        assertTrue(c.stepper("stepper_y").rail().homingPositiveDir());
        assertEquals(2, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).startsWith("t.cfg:24: option 'colour'"), c.warnings().get(0));
        assertTrue(c.warnings().get(1).startsWith("t.cfg:33: section [gcode_macro START] is not used"), c.warnings().get(1));
        RawConfig raw = RawConfig.parse(text, "t.cfg");
        assertEquals("G28\nG1 X10", raw.sections().get(5).options().get("gcode").value());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a missing section       | [stepper_z]                 | [stepper_q]                  | t.cfg: section [stepper_z] is missing",
        "a bad number            | max_accel: 3000             | max_accel: fast              | t.cfg:7: 'max_accel' must be a number, got 'fast'",
        "an unknown kinematics   | kinematics: cartesian       | kinematics: scara            | t.cfg:5: 'kinematics' must be one of [cartesian, corexy, delta], got 'scara'",
        "a negative rotation     | rotation_distance: 8        | rotation_distance: -8        | t.cfg:30: 'rotation_distance' must be above 0, got -8",
        "an unknown sensor       | sensor_type: Generic 3950   | sensor_type: Mystery         | t.cfg:47: unknown sensor_type 'Mystery'",
        "a bad pin               | step_pin: PF0               | step_pin: !!PF0              | t.cfg:10: 'step_pin': pin '!!PF0' repeats '!'",
        "an ambiguous endstop    | position_endstop: 0\\nposition_max: 200\\n\\n[stepper_y] | position_endstop: 100\\nposition_max: 200\\n\\n[stepper_y] | t.cfg:15: cannot tell the homing direction",
        "an option before any [] | [mcu]                       | serial: x\\n[mcu]                | t.cfg:1: option outside any [section]",
    })
    void errorsNameFileAndLine(String what, String from, String to, String message) {
        String base = """
                [mcu]
                serial: /dev/x
                
                [printer]
                kinematics: cartesian
                max_velocity: 300
                max_accel: 3000
                
                [stepper_x]
                step_pin: PF0
                dir_pin: PF1
                microsteps: 16
                rotation_distance: 40
                endstop_pin: ^PE5
                position_endstop: 0
                position_max: 200
                
                [stepper_y]
                step_pin: PF6
                dir_pin: PF7
                microsteps: 16
                rotation_distance: 40
                endstop_pin: ^PJ1
                position_endstop: 0
                position_max: 200
                
                [stepper_z]
                step_pin: PL3
                dir_pin: PL1
                rotation_distance: 8
                microsteps: 16
                endstop_pin: ^PD3
                position_endstop: 0
                position_max: 200
                
                [extruder]
                step_pin: PA4
                dir_pin: PA6
                microsteps: 16
                rotation_distance: 33
                nozzle_diameter: 0.4
                filament_diameter: 1.75
                heater_pin: PB4
                sensor_pin: PK5
                control: pid
                pid_Kp: 22
                sensor_type: Generic 3950
                pid_Ki: 1
                pid_Kd: 100
                min_temp: 0
                max_temp: 250
                """;
        String fromText = from.replace("\\n", "\n");
        assertTrue(base.contains(fromText), what);
        String broken = base.replaceFirst(java.util.regex.Pattern.quote(fromText), java.util.regex.Matcher.quoteReplacement(to.replace("\\n", "\n")));
        PrinterConfig.parse(base, "t.cfg");
        var e = assertThrows(ConfigException.class, () -> PrinterConfig.parse(broken, "t.cfg"));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void pinsParseWithTheirModifiers() {
        PinSpec p = PinSpec.parse(" ^ !mcu2:PA3 ");
        assertEquals("PA3", p.name());
        assertEquals("mcu2", p.chip());
        assertTrue(p.pullup() && p.invert() && !p.pulldown());
        assertEquals("^!mcu2:PA3", p.toString());
        assertThrows(IllegalArgumentException.class, () -> PinSpec.parse("^~PA3"));
        assertThrows(IllegalArgumentException.class, () -> PinSpec.parse("!"));
        assertEquals("gpiochip0/gpio17", PinSpec.parse("gpiochip0/gpio17").name());
    }
}
