package org.steptrace.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.EmulatedBoard;
import org.steptrace.firmware.plant.Mechanism;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.machine.Vec3;

/**
 * The live host prints on each built-in emulated board in virtual time: homing stops on the
 * emulated switches, and at the end the MCU's step counters equal what the host commanded and
 * the emulated carriage stands where the G-code put it.
 */
class LiveRunTest {
    private static final List<String> PRINT = List.of(
            "G28", "M83", "G1 Z5 F600", "G1 X20 Y20 F6000", "G1 Z0.3 F600",
            "G1 X60 Y20 E2 F1800", "G1 X60 Y60 E2", "G1 X20 Y60 E2", "G1 X20 Y20 E2",
            "G1 E-1 F2400", "G1 X40 Y40 Z2 F6000", "G4 P200", "G1 E1 F2400", "G1 X45 Y35 E0.3 F1200", "M400");

    @org.junit.jupiter.api.Test
    void theFanRunsAtTheAskedDutyAfterAKickStartAndStopsAtTheEnd() {
        BoardDefinition def = BoardLoader.builtIn("avr-cartesian");
        int fanPin = (int) (long) org.steptrace.protocol.Enumeration.fromDefinition("pin", def.mcu().pins()).valueOf("PH6").orElseThrow();
        java.util.List<long[]> edges = new java.util.ArrayList<>();
        McuTap tap = new McuTap() {
            @Override
            public void digitalOut(long tick, int oid, int pin, int level) {
                if (pin == fanPin) edges.add(new long[] {tick, level});
            }
        };
        VirtualBench bench = new VirtualBench(def, 1, tap, (f, t) -> {});
        PrinterConfig cfg = PrinterConfig.load(Path.of("boards", "avr-cartesian.cfg"));
        LiveHost host = LiveHost.start(bench.connection(), cfg);
        host.run(List.of("G28", "G1 X10 Y10 F3000", "M106 S128", "G1 X150 Y150 F1200", "M400"), "fan.gcode");
        host.finish();
        double hz = def.mcu().clockFrequencyHz();
        long firstOn = edges.stream().filter(e -> e[1] == 1).findFirst().orElseThrow()[0];
        // Kick start: full power for the kick-start time, then 128/255 of each 10 ms cycle.
        assertEquals(0.1, highFraction(edges, firstOn, firstOn + (long) (0.09 * hz)) * 0.1, 0.002, "full power while kicking");
        long from = firstOn + (long) (0.5 * hz);
        assertEquals(128 / 255.0, highFraction(edges, from, from + (long) hz), 0.01);
        assertEquals(0, edges.get(edges.size() - 1)[1], "off at the end");
    }

    private static double highFraction(List<long[]> edges, long from, long to) {
        long high = 0;
        int level = 0;
        long at = from;
        for (long[] e : edges) {
            if (e[0] <= from) {
                level = (int) e[1];
                continue;
            }
            if (e[0] >= to) break;
            if (level == 1) high += e[0] - at;
            at = e[0];
            level = (int) e[1];
        }
        if (level == 1) high += to - at;
        return (double) high / (to - from);
    }

    @org.junit.jupiter.api.Test
    void anEndstopThatNeverClosesFailsHomingByNameAndLeavesTheAxisUnhomed() throws Exception {
        String json = java.nio.file.Files.readString(Path.of("boards", "avr-cartesian.json"))
                .replace("\"name\": \"x_min\", \"pin\": \"PE5\", \"axis\": \"x\", \"side\": \"min\", \"trigger_mm\": 0.0",
                        "\"name\": \"x_min\", \"pin\": \"PE5\", \"axis\": \"x\", \"side\": \"min\", \"trigger_mm\": -1000.0");
        BoardDefinition def = BoardLoader.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "broken-switch.json");
        VirtualBench bench = new VirtualBench(def, 1, McuTap.NONE, (f, t) -> {});
        LiveHost host = LiveHost.start(bench.connection(), PrinterConfig.load(Path.of("boards", "avr-cartesian.cfg")));
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.host.gcode.GcodeException.class,
                () -> host.run(List.of("G28 X"), "home.gcode"));
        assertEquals("home.gcode:1: G28: No trigger on stepper_x after full movement", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.host.gcode.GcodeException.class,
                () -> host.run(List.of("G1 X10"), "move.gcode"));
        assertTrue(e.getMessage().contains("Must home axis first"), e.getMessage());
        assertNull(bench.mcu().shutdownReason(), "the MCU is fine: only the host's homing failed");
        LiveHost.Result r = host.finish();
        assertEquals(r.commandedStepPositions(), r.mcuStepPositions(), "the host still knows where every stepper is");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"avr-cartesian", "arm-corexy", "arm-delta"})
    void aPrintEndsWithTheEmulatorWhereTheHostCommandedIt(String board) {
        BoardDefinition def = BoardLoader.builtIn(board);
        VirtualBench bench = new VirtualBench(def, 11, McuTap.NONE, (f, t) -> {});
        PrinterConfig cfg = PrinterConfig.load(Path.of("boards", board + ".cfg"));
        LiveHost host = LiveHost.start(bench.connection(), cfg);
        List<String> gcode = board.equals("arm-delta") ? PRINT.stream().map(l -> l.replace("X20", "X-20").replace("Y20", "Y-20")).toList()
                : PRINT;
        host.run(gcode, "print.gcode");
        LiveHost.Result r = host.finish();

        assertNull(bench.mcu().shutdownReason());
        assertEquals(r.commandedStepPositions(), r.mcuStepPositions(), "every step counter where the host commanded it");
        Mechanism m = ((EmulatedBoard) bench.target()).plant().mechanism();
        Vec3 at = m.toolhead();
        double[] want = r.positionMm();
        // Cartesian steppers land exactly; a delta's carriages are quantised, so its toolhead within a carriage step.
        double tol = board.equals("arm-delta") ? 0.0125 : 1e-9;
        assertEquals(want[0], at.x(), tol, "x");
        assertEquals(want[1], at.y(), tol, "y");
        assertEquals(want[2], at.z(), tol, "z");
        assertEquals(want[3], m.extruderMm("extruder"), cfg.extruder().stepper().stepDistanceMm() / 2 + 1e-9, "filament, to the nearest step");
        assertTrue(r.printTimeS() > 5, "print time " + r.printTimeS());
        assertEquals(def.mcu().clockFrequencyHz(), host.measuredClockHz(), def.mcu().clockFrequencyHz() * 1e-5);
    }
}
