package org.steptrace.host.gcode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GcodeTest {
    /** Records what the interpreter asks of the toolhead. */
    private static final class RecordingToolhead implements Toolhead {
        final List<String> calls = new ArrayList<>();
        double[] pos = {0, 0, 0, 0};

        @Override
        public double[] position() {
            return pos.clone();
        }

        @Override
        public void move(double[] target, double speed) {
            calls.add(String.format(java.util.Locale.ROOT, "move %.3f %.3f %.3f %.3f @%.3f", target[0], target[1], target[2], target[3], speed));
            pos = target.clone();
        }

        @Override
        public void home(Set<Character> axes) {
            calls.add("home " + axes);
            for (char a : axes) pos["XYZ".indexOf(a)] = 0;
        }

        @Override
        public void dwell(double seconds) {
            calls.add("dwell " + seconds);
        }

        @Override
        public void waitMoves() {
            calls.add("wait");
        }

        @Override
        public void setVelocityLimit(Double v, Double a, Double scv, Double mcr) {
            calls.add("limits " + v + " " + a + " " + scv + " " + mcr);
        }

        @Override
        public void setFanSpeed(double fraction) {
            calls.add("fan " + fraction);
        }

        @Override
        public void motorsOff() {
            calls.add("off");
        }
    }

    private final RecordingToolhead toolhead = new RecordingToolhead();
    private final List<String> replies = new ArrayList<>();
    private final GcodeInterpreter interp = new GcodeInterpreter(toolhead, replies::add);
    private int line;

    private void run(String... lines) {
        for (String l : lines) {
            GcodeCommand c = GcodeParser.parse(l, "t.gcode", ++line);
            if (c != null) interp.run(c);
        }
    }

    @Test
    void parsesClassicAndExtendedCommands() {
        GcodeCommand c = GcodeParser.parse("N12 g01 x10.5 Y-2 e.3 F3000 ; go", "f", 3);
        assertEquals("G1", c.name());
        assertEquals(Map.of("X", "10.5", "Y", "-2", "E", ".3", "F", "3000"), c.params());
        assertEquals(0.3, c.number("E"), 1e-12);
        GcodeCommand ext = GcodeParser.parse("SET_VELOCITY_LIMIT velocity=100 ACCEL=3000", "f", 4);
        assertEquals("SET_VELOCITY_LIMIT", ext.name());
        assertEquals("100", ext.params().get("VELOCITY"));
        assertNull(GcodeParser.parse("   ; only a comment", "f", 5));
        assertEquals("M117", GcodeParser.parse("M117 Hello world", "f", 6).name());
        assertEquals("Hello world", GcodeParser.parse("M117 Hello world", "f", 6).rest());
        GcodeCommand glued = GcodeParser.parse("G1X10Y-5.5 E0.2", "f", 7);
        assertEquals("G1", glued.name());
        assertEquals(Map.of("X", "10", "Y", "-5.5", "E", "0.2"), glued.params());
    }

    @Test
    void checksumsAreVerified() {
        String body = "N3 T0";
        int sum = 0;
        for (char ch : body.toCharArray()) sum ^= ch;
        int cs = sum;
        assertEquals("T0", GcodeParser.parse(body + "*" + cs, "f", 1).name());
        var e = assertThrows(GcodeException.class, () -> GcodeParser.parse(body + "*" + (cs ^ 1), "f", 9));
        assertTrue(e.getMessage().startsWith("f:9: checksum"), e.getMessage());
    }

    @Test
    void badLinesAreErrorsNamingTheLine() {
        var e = assertThrows(GcodeException.class, () -> run("G1 X10", "G1 X1O"));
        assertEquals("t.gcode:2: G1: X must be a number, got '1O'", e.getMessage());
        e = assertThrows(GcodeException.class, () -> run("G1 Q5"));
        assertTrue(e.getMessage().startsWith("t.gcode:3: G1: unknown parameter Q"), e.getMessage());
        e = assertThrows(GcodeException.class, () -> run("M104 S200"));
        assertTrue(e.getMessage().contains("not supported yet"), e.getMessage());
        e = assertThrows(GcodeException.class, () -> run("G20"));
        assertTrue(e.getMessage().startsWith("t.gcode:5:"), e.getMessage());
    }

    @Test
    void absoluteRelativeAndOffsets() {
        run("G28", "G1 X10 Y20 F6000", "G91", "G1 X5", "G90", "G92 X0", "G1 X1", "M114");
        assertEquals(List.of("home [X, Y, Z]", "move 10.000 20.000 0.000 0.000 @100.000", "move 15.000 20.000 0.000 0.000 @100.000",
                "move 16.000 20.000 0.000 0.000 @100.000"), toolhead.calls);
        assertEquals(List.of("X:1.000 Y:20.000 Z:0.000 E:0.000"), replies);
    }

    @Test
    void extrusionModesAndFactors() {
        run("G28", "G1 E1 F60", "G1 E2", "M83", "G1 E1", "G1 E1", "G92 E0", "M82", "G1 E0.5");
        double[] e = toolhead.calls.stream().filter(c -> c.startsWith("move")).mapToDouble(c -> Double.parseDouble(c.split(" ")[4])).toArray();
        assertArrayEquals(new double[] {1, 2, 3, 4, 4.5}, e, 1e-9);
        toolhead.calls.clear();
        run("M221 S50", "G1 E1.5", "M114");
        // The G-code E stays 0.5 across M221; one more mm of G-code E is half a mm of filament.
        assertEquals("move 0.000 0.000 0.000 5.000 @1.000", toolhead.calls.get(0));
        assertEquals("X:0.000 Y:0.000 Z:0.000 E:1.500", replies.get(replies.size() - 1));
    }

    @Test
    void speedFactorAndNoOpMoves() {
        run("G28", "G1 X10 F1200", "M220 S50", "G1 X20", "G1 X20", "G4 P500", "M400");
        assertEquals(List.of("home [X, Y, Z]", "move 10.000 0.000 0.000 0.000 @20.000", "move 20.000 0.000 0.000 0.000 @10.000",
                "dwell 0.5", "wait"), toolhead.calls);
    }

    @Test
    void otherCommands() {
        run("M106 S127.5", "M107", "M204 S1500", "M204 P2000 T1000", "SET_VELOCITY_LIMIT SQUARE_CORNER_VELOCITY=8", "M84", "FOO_BAR X=1", "G28 Y0");
        assertEquals(List.of("fan 0.5", "fan 0.0", "limits null 1500.0 null null", "limits null 1000.0 null null",
                "limits null null 8.0 null", "off", "home [Y]"), toolhead.calls);
        assertEquals(List.of("// Unknown command:\"FOO_BAR\""), replies);
    }
}
