package org.steptrace.firmware.board;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.steptrace.firmware.McuSpec;
import org.steptrace.firmware.faults.Fault;
import org.steptrace.firmware.plant.HeaterParams;
import org.steptrace.machine.CartesianKinematics;
import org.steptrace.machine.CoreXYKinematics;
import org.steptrace.machine.DeltaKinematics;
import org.steptrace.machine.Kinematics;
import org.steptrace.machine.Thermistor;
import org.steptrace.machine.ThermistorCircuit;
import org.steptrace.machine.Vec3;
import org.steptrace.protocol.Enumeration;

/**
 * Reads board files. A bad file fails with one message naming the file and the field. Built-in
 * boards are packaged in the jar under {@code /boards/NAME.json}.
 */
public final class BoardLoader {
    /** The boards that ship with steptrace. */
    public static final List<String> BUILT_IN = List.of("avr-cartesian", "arm-corexy", "arm-delta");

    private static final ObjectMapper JSON = new ObjectMapper();

    private BoardLoader() {}

    /** A built-in board by name, or a board file by path. */
    public static BoardDefinition load(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) return builtIn(nameOrPath);
        Path p = Path.of(nameOrPath);
        if (!Files.exists(p)) {
            throw new BoardFormatException("no built-in board or file '" + nameOrPath + "' (built-in: " + String.join(", ", BUILT_IN) + ")");
        }
        return load(p);
    }

    public static BoardDefinition builtIn(String name) {
        try (InputStream in = BoardLoader.class.getResourceAsStream("/boards/" + name + ".json")) {
            if (in == null) throw new BoardFormatException("built-in board '" + name + "' is missing from the jar");
            return parse(in.readAllBytes(), "built-in board " + name);
        } catch (IOException e) {
            throw new BoardFormatException("built-in board '" + name + "': " + e.getMessage(), e);
        }
    }

    public static BoardDefinition load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new BoardFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new BoardFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Whether the board file describes a Raspberry Pi GPIO board (it has a "gpio" section). */
    public static boolean isGpioBoard(Path file) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()).has("gpio");
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads a GPIO board file: "name", "description", "mcu" as for emulated boards, and "gpio". */
    public static GpioBoardSpec loadGpio(Path file) {
        String source = file.toString();
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new BoardFormatException(source + ": " + e.getMessage(), e);
        }
        Fields f = new Fields(source, "", root);
        f.allowOnly("name", "description", "mcu", "gpio");
        McuSpec mcu = mcu(f.object("mcu"));
        Enumeration pins = Enumeration.fromDefinition("pin", mcu.pins());
        Fields g = f.object("gpio");
        g.allowOnly("pins", "adc");
        java.util.Map<String, Integer> bcm = new java.util.LinkedHashMap<>();
        Fields p = g.object("pins");
        for (var it = g.raw("pins").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (pins.valueOf(name).isEmpty()) throw new BoardFormatException(p.where(name) + ": no pin '" + name + "' on this MCU");
            long n = p.integer(name);
            if (n < 0 || n > 27) throw new BoardFormatException(p.where(name) + ": BCM GPIO numbers run 0..27, got " + n);
            bcm.put(name, (int) n);
        }
        Fields adc = g.object("adc");
        adc.allowOnly("chip", "spi_bus", "chip_select", "baud", "channels");
        if (!adc.string("chip").equals("mcp3008")) throw new BoardFormatException(adc.where("chip") + ": only mcp3008 is supported");
        java.util.Map<String, Integer> channels = new java.util.LinkedHashMap<>();
        Fields ch = adc.object("channels");
        for (var it = adc.raw("channels").fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (pins.valueOf(name).isEmpty()) throw new BoardFormatException(ch.where(name) + ": no pin '" + name + "' on this MCU");
            long n = ch.integer(name);
            if (n < 0 || n > 7) throw new BoardFormatException(ch.where(name) + ": MCP3008 channels run 0..7, got " + n);
            channels.put(name, (int) n);
        }
        if (mcu.adcMax() != 1023) throw new BoardFormatException(source + ": mcu.adc_max must be 1023 for a 10-bit MCP3008");
        return new GpioBoardSpec(f.string("name"), f.string("description", ""), mcu, bcm, (int) adc.integer("spi_bus", 0),
                (int) adc.integer("chip_select", 0), (int) adc.integer("baud", 1_000_000), channels);
    }

    public static BoardDefinition parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new BoardFormatException(source + ": not valid JSON" + (loc == null ? "" : " at line " + loc.getLineNr()
                    + ", column " + loc.getColumnNr()) + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BoardFormatException(source + ": " + e.getMessage(), e);
        }
        Fields f = new Fields(source, "", root);
        f.allowOnly("name", "description", "mcu", "mechanism", "steppers", "endstops", "heaters", "fans", "faults");
        McuSpec mcu = mcu(f.object("mcu"));
        Enumeration pins = Enumeration.fromDefinition("pin", mcu.pins());

        Fields mech = f.object("mechanism");
        mech.allowOnly("kinematics", "initial_position_mm", "delta_radius_mm", "delta_arm_mm", "delta_tower_angle_deg");
        String kinName = mech.string("kinematics");
        Kinematics kin = kinematics(mech, kinName);
        double[] init = mech.numbers("initial_position_mm", 3);

        List<BoardDefinition.StepperDef> steppers = new ArrayList<>();
        Set<String> usedPins = new HashSet<>();
        for (Fields s : f.objects("steppers")) {
            s.allowOnly("name", "step_pin", "dir_pin", "enable_pin", "steps_per_mm", "dir_high_is_positive", "actuator");
            long actuator = s.integer("actuator", -1);
            if (actuator < -1 || actuator >= kin.actuatorCount()) {
                throw new BoardFormatException(s.where("actuator") + ": must be -1 (extruder) or 0.." + (kin.actuatorCount() - 1));
            }
            steppers.add(new BoardDefinition.StepperDef(s.string("name"), pin(s, "step_pin", pins, usedPins),
                    pin(s, "dir_pin", pins, usedPins), s.has("enable_pin") ? pin(s, "enable_pin", pins, usedPins) : null,
                    s.positive("steps_per_mm"), s.bool("dir_high_is_positive", true), (int) actuator));
        }
        List<BoardDefinition.EndstopDef> endstops = new ArrayList<>();
        for (Fields e : f.objects("endstops")) {
            e.allowOnly("name", "pin", "axis", "side", "trigger_mm", "hysteresis_mm", "closed_level");
            String axis = e.string("axis");
            if (!List.of("x", "y", "z", "carriage0", "carriage1", "carriage2").contains(axis)) {
                throw new BoardFormatException(e.where("axis") + ": must be x, y, z or carriage0..carriage2, got '" + axis + "'");
            }
            String side = e.string("side");
            if (!side.equals("min") && !side.equals("max")) throw new BoardFormatException(e.where("side") + ": must be min or max");
            long level = e.integer("closed_level", 1);
            if (level != 0 && level != 1) throw new BoardFormatException(e.where("closed_level") + ": must be 0 or 1");
            endstops.add(new BoardDefinition.EndstopDef(e.string("name"), pin(e, "pin", pins, usedPins), axis,
                    side.equals("max"), e.number("trigger_mm"), e.nonNegative("hysteresis_mm", 0.01), (int) level));
        }
        List<BoardDefinition.HeaterDef> heaters = new ArrayList<>();
        for (Fields h : f.objects("heaters")) {
            h.allowOnly("name", "heater_pin", "sensor_pin", "plant", "thermistor", "pullup_ohm", "inline_resistor_ohm", "adc_noise_lsb_rms");
            heaters.add(new BoardDefinition.HeaterDef(h.string("name"), pin(h, "heater_pin", pins, usedPins),
                    pin(h, "sensor_pin", pins, usedPins), plant(h.object("plant")),
                    new ThermistorCircuit(thermistor(h.object("thermistor")), h.has("pullup_ohm") ? h.positive("pullup_ohm")
                            : ThermistorCircuit.DEFAULT_PULLUP_OHM, h.nonNegative("inline_resistor_ohm", 0)),
                    h.nonNegative("adc_noise_lsb_rms", 0)));
        }
        List<BoardDefinition.FanDef> fans = new ArrayList<>();
        for (Fields fan : f.objects("fans")) {
            fan.allowOnly("name", "pin");
            fans.add(new BoardDefinition.FanDef(fan.string("name"), pin(fan, "pin", pins, usedPins)));
        }
        List<Fault> faults = new ArrayList<>();
        for (Fields fault : f.objects("faults")) {
            fault.allowOnly("kind", "at_s", "heater");
            try {
                faults.add(new Fault(org.steptrace.firmware.faults.FaultKind.fromCliName(fault.string("kind")),
                        fault.number("at_s"), fault.has("heater") ? fault.string("heater") : null));
            } catch (IllegalArgumentException e) {
                throw new BoardFormatException(fault.where("kind") + ": " + e.getMessage());
            }
        }
        for (Fault fault : faults) {
            if (fault.heater() != null && heaters.stream().noneMatch(h -> h.name().equals(fault.heater()))) {
                throw new BoardFormatException(source + ": faults: no heater named '" + fault.heater() + "'");
            }
        }
        return new BoardDefinition(f.string("name"), f.string("description", ""), mcu, kinName, kin,
                new Vec3(init[0], init[1], init[2]), steppers, endstops, heaters, fans, faults);
    }

    private static McuSpec mcu(Fields m) {
        m.allowOnly("chip", "clock_freq_hz", "serial_baud", "receive_window_bytes", "adc_max", "pwm_max", "move_count",
                "timer_lateness_limit_s", "pins");
        long clock = m.integer("clock_freq_hz");
        if (clock <= 0 || 3.0 * clock > Integer.MAX_VALUE) {
            throw new BoardFormatException(m.where("clock_freq_hz") + ": must be 1 Hz..715 MHz, got " + clock);
        }
        long moveCount = m.integer("move_count");
        if (moveCount < 1 || moveCount > 65535) throw new BoardFormatException(m.where("move_count") + ": must be 1..65535");
        long adcMax = m.integer("adc_max");
        if (adcMax < 1 || adcMax > 65535) throw new BoardFormatException(m.where("adc_max") + ": must be 1..65535");
        Fields pinsField = m.object("pins");
        Map<String, Enumeration.EntryDefinition> pins = new LinkedHashMap<>();
        m.raw("pins").properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isIntegralNumber()) {
                pins.put(e.getKey(), Enumeration.EntryDefinition.single(v.asLong()));
            } else if (v.isArray() && v.size() == 2 && v.get(0).isIntegralNumber() && v.get(1).isIntegralNumber() && v.get(1).asLong() > 0) {
                pins.put(e.getKey(), Enumeration.EntryDefinition.range(v.get(0).asLong(), v.get(1).asLong()));
            } else {
                throw new BoardFormatException(pinsField.where(e.getKey()) + ": must be a pin number or [first, count]");
            }
        });
        if (pins.isEmpty()) throw new BoardFormatException(m.where("pins") + ": names no pins");
        return new McuSpec(m.string("chip"), clock, m.integer("serial_baud", 0), (int) m.integer("receive_window_bytes", 0),
                (int) adcMax, (int) m.integer("pwm_max", 255), (int) moveCount,
                (long) (m.nonNegative("timer_lateness_limit_s", 0.001) * clock), pins);
    }

    private static Kinematics kinematics(Fields mech, String name) {
        return switch (name) {
            case "cartesian" -> new CartesianKinematics();
            case "corexy" -> new CoreXYKinematics();
            case "delta" -> {
                double radius = mech.positive("delta_radius_mm");
                double[] arms = mech.numbers("delta_arm_mm", 3);
                double[] angles = mech.has("delta_tower_angle_deg") ? mech.numbers("delta_tower_angle_deg", 3) : new double[] {210, 330, 90};
                for (double a : arms) {
                    if (!(a > radius)) throw new BoardFormatException(mech.where("delta_arm_mm") + ": arms must be longer than the radius");
                }
                yield new DeltaKinematics(radius, arms, angles);
            }
            default -> throw new BoardFormatException(mech.where("kinematics") + ": must be cartesian, corexy or delta, got '" + name + "'");
        };
    }

    private static HeaterParams plant(Fields p) {
        p.allowOnly("heater_power_w", "heat_capacity_j_per_k", "loss_w_per_k", "ambient_c", "sensor_time_constant_s", "dead_time_s");
        return new HeaterParams(p.positive("heater_power_w"), p.positive("heat_capacity_j_per_k"), p.positive("loss_w_per_k"),
                p.number("ambient_c", 25), p.positive("sensor_time_constant_s"), p.nonNegative("dead_time_s", 0));
    }

    private static Thermistor thermistor(Fields t) {
        t.allowOnly("type", "beta", "r25_ohm", "points");
        if (t.has("type")) {
            try {
                return Thermistor.named(t.string("type"));
            } catch (IllegalArgumentException e) {
                throw new BoardFormatException(t.where("type") + ": " + e.getMessage());
            }
        }
        if (t.has("beta")) return Thermistor.beta(25, t.positive("r25_ohm"), t.positive("beta"));
        if (t.has("points")) {
            double[] p = t.numbers("points", 6);
            return Thermistor.fromPoints(p[0], p[1], p[2], p[3], p[4], p[5]);
        }
        throw t.fail("needs a type, a beta with r25_ohm, or points [t1, r1, t2, r2, t3, r3]");
    }

    private static String pin(Fields f, String key, Enumeration pins, Set<String> used) {
        String name = f.string(key);
        if (pins.valueOf(name).isEmpty()) throw new BoardFormatException(f.where(key) + ": '" + name + "' is not a pin of this MCU");
        if (!used.add(name)) throw new BoardFormatException(f.where(key) + ": pin '" + name + "' is already used");
        return name;
    }
}
