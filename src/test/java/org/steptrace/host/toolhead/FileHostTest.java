package org.steptrace.host.toolhead;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.protocol.DataDictionary;
import org.steptrace.testing.Fixtures;

class FileHostTest {
    /** Per stepper oid: steps (with direction) after its last homing, and the clock of its last step. */
    private static Map<Integer, long[]> stepsAfterHoming(List<String> lines) {
        int lastHomingEnd = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("endstop_home") && lines.get(i).contains("sample_count=0")) lastHomingEnd = i;
        }
        Map<Integer, long[]> out = new HashMap<>(); // {net steps, last clock, dir, clock}
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            String[] p = l.split(" ");
            if (l.startsWith("set_next_step_dir")) {
                int oid = Integer.parseInt(p[1].substring(4));
                out.computeIfAbsent(oid, k -> new long[4])[2] = Long.parseLong(p[2].substring(4));
            } else if (l.startsWith("queue_step")) {
                int oid = Integer.parseInt(p[1].substring(4));
                long[] s = out.computeIfAbsent(oid, k -> new long[4]);
                long interval = Long.parseLong(p[2].substring(9));
                int count = Integer.parseInt(p[3].substring(6));
                int add = Integer.parseInt(p[4].substring(4));
                for (int k = 0; k < count; k++) {
                    s[3] += interval;
                    interval += add;
                }
                if (i > lastHomingEnd) s[0] += s[2] == 1 ? count : -count;
                s[1] = s[3];
            }
        }
        return out;
    }

    @Test
    void plansTheFixturePrintLikeTheReferenceHost() {
        PrinterConfig cfg = PrinterConfig.load(Fixtures.path("streams/linux-cartesian.cfg"));
        DataDictionary dict = Fixtures.linuxDictionary();
        FileHost.Result r = FileHost.plan(cfg, dict, Fixtures.text("streams/small-print.gcode").lines().toList(), "small-print.gcode");
        List<String> reference = Fixtures.text("streams/small-print.linuxprocess.dump.txt").lines().toList();
        List<String> decoded = new java.util.ArrayList<>();
        new org.steptrace.protocol.StreamDump(dict).dump(r.stream(), false, decoded::add);
        assertEquals(reference.subList(0, 26), decoded.subList(0, 26), "config, CRC and init");
        Map<Integer, long[]> ref = stepsAfterHoming(reference);
        Map<Integer, long[]> ours = stepsAfterHoming(decoded);
        for (int oid : new int[] {2, 5, 8, 9}) {
            assertEquals(ref.get(oid)[0], ours.get(oid)[0], "oid " + oid + ": steps after homing");
            assertEquals(ref.get(oid)[1] / 50e6, ours.get(oid)[1] / 50e6, 0.001, "oid " + oid + ": time of the last step (s)");
        }
        assertEquals(80.378, r.exitPrintTimeS(), 0.001);
        // With the drip during homing and the same flush cadence, X's and Y's step messages are
        // the reference's to the letter, homing included.
        for (String oid : new String[] {"oid=2 ", "oid=5 "}) {
            assertEquals(stepLines(reference, oid), stepLines(decoded, oid), oid);
        }
    }

    private static List<String> stepLines(List<String> lines, String oid) {
        return lines.stream().filter(l -> (l.startsWith("queue_step ") || l.startsWith("set_next_step_dir ")) && l.contains(oid)).toList();
    }

    private static FileHost.Result planBoard(String board, String... gcode) {
        PrinterConfig cfg = PrinterConfig.load(java.nio.file.Path.of("boards/" + board + ".cfg"));
        DataDictionary dict = org.steptrace.firmware.board.BoardLoaderAccess.emulatorDictionary(board);
        return FileHost.plan(cfg, dict, List.of(gcode), "t.gcode");
    }

    private static List<String> decode(String board, FileHost.Result r) {
        List<String> out = new java.util.ArrayList<>();
        new org.steptrace.protocol.StreamDump(org.steptrace.firmware.board.BoardLoaderAccess.emulatorDictionary(board))
                .dump(r.stream(), false, out::add);
        return out;
    }

    @Test
    void coreXyHomingStopsBothBelts() {
        List<String> lines = decode("arm-corexy", planBoard("arm-corexy", "G28"));
        List<String> stops = lines.stream().filter(l -> l.startsWith("stepper_stop_on_trigger")).toList();
        // X (trsync 1) stops A (oid 2) then B (oid 5), twice (two passes); Y stops B then A; Z its own.
        assertEquals(List.of("stepper_stop_on_trigger oid=2 trsync_oid=1", "stepper_stop_on_trigger oid=5 trsync_oid=1"), stops.subList(0, 2));
        assertEquals(List.of("stepper_stop_on_trigger oid=5 trsync_oid=4", "stepper_stop_on_trigger oid=2 trsync_oid=4"), stops.subList(4, 6));
        assertEquals(10, stops.size());
    }

    @Test
    void extrusionLimitsAreEnforced() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.host.gcode.GcodeException.class,
                () -> planBoard("avr-cartesian", "G28", "G1 X10 E5"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("t.gcode:2: G1: Move exceeds maximum extrusion"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.host.gcode.GcodeException.class,
                () -> planBoard("avr-cartesian", "G28", "G1 E60"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("t.gcode:2: G1: Extrude only move too long"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.host.gcode.GcodeException.class,
                () -> planBoard("avr-cartesian", "G28", "G1 Z5 E60"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("t.gcode:2: G1: Extrude only move too long"), e.getMessage());
        // A normal line and a retraction plan fine; the retraction runs at the extrude-only speed.
        FileHost.Result ok = planBoard("avr-cartesian", "G28", "G1 X50 Y50 F6000", "G1 X60 E0.5 F1800", "G1 E-2 F2400", "G1 E2");
        assertEquals(2 * 96, ok.stepsByStepper().get("extruder"), "absolute E: the filament ends at 2 mm");
    }

    @Test
    void velocityLimitsAcceptZeroesAndRefuseWhatCannotBe() {
        planBoard("avr-cartesian", "G28", "SET_VELOCITY_LIMIT SQUARE_CORNER_VELOCITY=0 MINIMUM_CRUISE_RATIO=0", "G1 X10 Y10 F3000", "G1 X20");
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.host.gcode.GcodeException.class,
                () -> planBoard("avr-cartesian", "SET_VELOCITY_LIMIT MINIMUM_CRUISE_RATIO=1"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("MINIMUM_CRUISE_RATIO must be within"), e.getMessage());
    }

    @Test
    void pressureAdvanceChangesWhenFilamentMovesButNotHowMuch() {
        String base = org.steptrace.testing.Fixtures.text("streams/linux-cartesian.cfg");
        PrinterConfig plain = PrinterConfig.parse(base, "plain.cfg");
        PrinterConfig pa = PrinterConfig.parse(base.replace("[extruder]", "[extruder]\npressure_advance: 0.05"), "pa.cfg");
        List<String> gcode = List.of("G28", "M83", "G1 X50 Y50 F6000", "G1 X80 E1.5 F2400", "G1 Y80 E1.5", "G1 X50 E1.5", "G1 E-1 F2400", "G1 X20 F6000");
        FileHost.Result a = FileHost.plan(plain, Fixtures.linuxDictionary(), gcode, "t.gcode");
        FileHost.Result b = FileHost.plan(pa, Fixtures.linuxDictionary(), gcode, "t.gcode");
        assertEquals(a.stepsByStepper().get("extruder"), b.stepsByStepper().get("extruder"), "the same filament in the end");
        org.junit.jupiter.api.Assertions.assertTrue(b.totalSteps() > a.totalSteps(),
                "advance pushes ahead and takes back at every speed change: more steps both ways");
        assertEquals(a.stepsByStepper().get("stepper_x"), b.stepsByStepper().get("stepper_x"));
    }

    @Test
    void aDeltaHomesItsTowersTogetherAndStepsToTheExactCarriageHeights() {
        FileHost.Result homed = planBoard("arm-delta", "G28");
        FileHost.Result moved = planBoard("arm-delta", "G28", "G1 X20 Y-15 Z50 F3000", "G1 X-30 Y10 Z30 F3000");
        List<String> lines = decode("arm-delta", homed);
        assertEquals(6, lines.stream().filter(l -> l.startsWith("trsync_start")).count(), "three towers, two passes");
        assertEquals(6, lines.stream().filter(l -> l.startsWith("endstop_home") && l.contains("sample_count=0")).count());
        org.steptrace.machine.DeltaKinematics k = org.steptrace.machine.DeltaKinematics.symmetric(120, 250);
        double stepMm = 40.0 / 3200;
        org.steptrace.machine.Vec3 top = new org.steptrace.machine.Vec3(0, 0, 280);
        org.steptrace.machine.Vec3 end = new org.steptrace.machine.Vec3(-30, 10, 30);
        String[] towers = {"stepper_a", "stepper_b", "stepper_c"};
        for (int i = 0; i < 3; i++) {
            long net = moved.stepsByStepper().get(towers[i]) - homed.stepsByStepper().get(towers[i]);
            double exact = (k.actuatorPosition(i, end) - k.actuatorPosition(i, top)) / stepMm;
            assertEquals(Math.round(exact), net, towers[i]);
        }
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.host.gcode.GcodeException.class,
                () -> planBoard("arm-delta", "G28", "G1 X125 Y0 Z10"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("t.gcode:2: G1: Move out of range"), e.getMessage());
    }
}
