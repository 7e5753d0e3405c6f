package org.steptrace.sim.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.steptrace.firmware.faults.Fault;
import org.steptrace.firmware.faults.FaultKind;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.link.VirtualWire;

/**
 * The built-in scenarios: every kind of situation on every board, round after round, each with
 * its parameters (speeds, accelerations, corner angles, geometry, targets, plant constants, fault
 * times, wire damage) drawn from its own seed. The same library seed gives the same scenarios.
 */
public final class ScenarioLibrary {
    /** The kinds, in the order one round visits them. */
    public static final List<String> KINDS = List.of("print", "corners", "heat-up", "autotune", "homing", "bed",
            "fault-thermistor-open", "fault-heater-dead", "lossy-link", "fault-thermistor-short", "fault-heater-stuck-on",
            "late-host", "fault-thermistor-detached", "fault-link-drop", "short-moves");

    private final List<BoardSource> boards;
    private final long seed;

    public ScenarioLibrary(List<BoardSource> boards, long seed) {
        if (boards.isEmpty()) throw new IllegalArgumentException("no boards");
        this.boards = List.copyOf(boards);
        this.seed = seed;
    }

    /** Scenario number {@code i}: kinds cycle fastest, then boards, so any prefix is balanced. */
    public Scenario scenario(int i) {
        String kind = KINDS.get(i % KINDS.size());
        BoardSource board = boards.get((i / KINDS.size()) % boards.size());
        long s = mix(seed, i);
        SplittableRandom r = new SplittableRandom(s);
        Area area = Area.of(PrinterConfig.parse(board.configText(), board.name() + ".cfg"));
        String cfg = varyLimits(board.configText(), r);
        String id = String.format(Locale.ROOT, "%04d-%s-%s", i, kind, board.name());
        VirtualWire.Impairment none = VirtualWire.Impairment.NONE;
        double plant = 0.85 + 0.3 * r.nextDouble();
        return switch (kind) {
            case "print" -> new Scenario(id, kind, board.board(), s, cfg, print(r, area, true), List.of(), none, plant,
                    "a small part: perimeters, a polygonal arc, zig-zag infill and travel");
            case "corners" -> new Scenario(id, kind, board.board(), s, cfg, corners(r, area), List.of(), none, plant,
                    "single moves meeting at corners of varied angles");
            case "short-moves" -> new Scenario(id, kind, board.board(), s, cfg, shortMoves(r, area), List.of(), none, plant,
                    "short moves too brief to reach their requested speed");
            case "homing" -> new Scenario(id, kind, board.board(), s, cfg, homing(r, area), List.of(), none, plant,
                    "repeated homing of every axis between moves");
            case "heat-up" -> new Scenario(id, kind, board.board(), s, cfg, heatUp(r), List.of(), none, plant,
                    "the hot end heated to a target, held, and let cool");
            case "autotune" -> new Scenario(id, kind, board.board(), s, cfg,
                    List.of(String.format(Locale.ROOT, "PID_CALIBRATE HEATER=extruder TARGET=%d", 170 + 10 * r.nextInt(5))),
                    List.of(), none, plant, "a relay autotune of the hot end");
            case "bed" -> new Scenario(id, kind, board.board(), s, cfg, bed(r), List.of(), none, plant,
                    "the bed heated under on/off control and held");
            case "lossy-link" -> new Scenario(id, kind, board.board(), s, cfg, corners(r, area), List.of(),
                    lossy(r), plant, "moves sent over a serial line that drops and corrupts bytes");
            case "late-host" -> new Scenario(id, kind, board.board(), s, cfg, longMoves(r, area), List.of(
                    new Fault(FaultKind.HOST_STALL, 15 + 5 * r.nextDouble(), null)), none, plant,
                    "a host that stops sending for ten seconds in the middle of motion");
            default -> faultScenario(id, kind, board, s, cfg, r, plant);
        };
    }

    /** The kinds run on the wall clock when asked: short, motion-only (a heat-up would take minutes of real time). */
    public static final List<String> REALTIME_KINDS = List.of("corners", "short-moves", "homing");

    /**
     * Real-time scenario number {@code i}: a motion-only kind on a board, ids prefixed "rt-";
     * parameters from the seed as for the virtual ones.
     */
    public Scenario realtime(int i) {
        String kind = REALTIME_KINDS.get(i % REALTIME_KINDS.size());
        BoardSource board = boards.get((i / REALTIME_KINDS.size()) % boards.size());
        long s = mix(seed ^ 0x5EA1L, i);
        SplittableRandom r = new SplittableRandom(s);
        Area area = Area.of(PrinterConfig.parse(board.configText(), board.name() + ".cfg"));
        String cfg = varyLimits(board.configText(), r);
        String id = String.format(Locale.ROOT, "rt-%04d-%s-%s", i, kind, board.name());
        List<String> g = switch (kind) {
            case "corners" -> corners(r, area);
            case "short-moves" -> shortMoves(r, area);
            default -> homing(r, area);
        };
        return new Scenario(id, kind, board.board(), s, cfg, g, List.of(), VirtualWire.Impairment.NONE, 1.0,
                "a real-time run of " + kind.replace('-', ' ') + " with the board served over TCP on the wall clock");
    }

    public List<Scenario> first(int count) {
        List<Scenario> all = new ArrayList<>();
        for (int i = 0; i < count; i++) all.add(scenario(i));
        return all;
    }

    private static Scenario faultScenario(String id, String kind, BoardSource board, long s, String cfg, SplittableRandom r, double plant) {
        FaultKind fk = FaultKind.fromCliName(kind.substring("fault-".length()));
        boolean bed = fk != FaultKind.LINK_DROP && r.nextInt(4) == 0;
        String heater = fk == FaultKind.LINK_DROP ? null : bed ? "heater_bed" : "extruder";
        int target = bed ? 50 + 5 * r.nextInt(4) : 180 + 5 * r.nextInt(5);
        List<String> g = new ArrayList<>();
        g.add(String.format(Locale.ROOT, bed ? "M190 S%d" : "M109 S%d", target));
        double at = (bed ? 150 : 60) + 30 * r.nextDouble();
        // Held long enough after the fault for the slowest check (a stuck-on bed) to see it.
        g.add("G4 P" + Math.round((at + 300) * 1000));
        return new Scenario(id, kind, board.board(), s, cfg, g, List.of(new Fault(fk, at, heater)),
                VirtualWire.Impairment.NONE, plant, "a " + (heater == null ? "serial link" : heater.replace('_', ' '))
                        + " held at temperature until a " + fk.cliName().replace('-', ' ') + " fault");
    }

    private static String varyLimits(String text, SplittableRandom r) {
        String t = ConfigText.set(text, "printer", "square_corner_velocity", 2 + r.nextInt(9));
        double maxAccel = PrinterConfig.parse(text, "cfg").printer().maxAccelMmPerS2();
        return ConfigText.set(t, "printer", "max_accel", Math.round(maxAccel * (0.6 + 0.6 * r.nextDouble()) / 100) * 100.0);
    }

    private static VirtualWire.Impairment lossy(SplittableRandom r) {
        double p = 2e-4 + 6e-4 * r.nextDouble();
        return new VirtualWire.Impairment(p, p, 0, 0, 0);
    }

    private static List<String> print(SplittableRandom r, Area a, boolean heat) {
        Gcode g = new Gcode();
        int hot = 190 + 5 * r.nextInt(5);
        if (heat) {
            g.add("M140 S" + (50 + 5 * r.nextInt(4)));
            g.add("M104 S" + hot);
        }
        g.add("G28");
        if (heat) g.add("M109 S" + hot);
        g.add("M83");
        g.add("M204 S" + (800 + 200 * r.nextInt(10)));
        g.add("G1 Z0.3 F600");
        double w = a.halfMm() * (0.4 + 0.5 * r.nextDouble());
        double h = a.halfMm() * (0.4 + 0.5 * r.nextDouble());
        double perim = 20 + 10 * r.nextInt(8);
        g.travel(a.cx() - w, a.cy() - h, 100 + 50 * r.nextInt(4));
        double[][] box = {{a.cx() + w, a.cy() - h}, {a.cx() + w, a.cy() + h}, {a.cx() - w, a.cy() + h}, {a.cx() - w, a.cy() - h}};
        double[] at = {a.cx() - w, a.cy() - h};
        for (double[] p : box) {
            g.extrude(at, p, perim);
            at = p;
        }
        // A polygonal arc: a circle of n chords.
        int n = 12 + r.nextInt(37);
        double rad = Math.min(w, h) * (0.4 + 0.4 * r.nextDouble());
        double[] start = {a.cx() + rad, a.cy()};
        g.travel(start[0], start[1], 150);
        at = start;
        for (int k = 1; k <= n; k++) {
            double[] p = {a.cx() + rad * Math.cos(2 * Math.PI * k / n), a.cy() + rad * Math.sin(2 * Math.PI * k / n)};
            g.extrude(at, p, perim * 0.8);
            at = p;
        }
        g.add("G1 E-0.8 F2400");
        // Zig-zag infill inside the box.
        double step = 2 + 2 * r.nextDouble();
        double infill = 40 + 20 * r.nextInt(6);
        double y = a.cy() - h + step;
        g.travel(a.cx() - w + 1, y, 150);
        g.add("G1 E0.8 F2400");
        at = new double[] {a.cx() - w + 1, y};
        boolean right = true;
        for (int k = 0; k < 6 && y < a.cy() + h - step; k++) {
            double[] p = {right ? a.cx() + w - 1 : a.cx() - w + 1, y};
            g.extrude(at, p, infill);
            double[] up = {p[0], y + step};
            g.extrude(p, up, infill);
            at = up;
            y += step;
            right = !right;
        }
        g.add("M106 S" + (128 + r.nextInt(128)));
        g.travel(a.cx(), a.cy(), 200);
        g.add("M107");
        if (heat) {
            g.add("M104 S0");
            g.add("M140 S0");
        }
        return g.lines();
    }

    private static List<String> corners(SplittableRandom r, Area a) {
        Gcode g = new Gcode();
        g.add("G28");
        g.add("M204 S" + (500 + 250 * r.nextInt(12)));
        double x = a.cx(), y = a.cy();
        g.travel(x, y, 150);
        double heading = 2 * Math.PI * r.nextDouble();
        for (int k = 0; k < 8; k++) {
            double len = a.halfMm() * (0.3 + 0.5 * r.nextDouble());
            double nx = x + len * Math.cos(heading), ny = y + len * Math.sin(heading);
            if (!a.contains(nx, ny)) {
                heading += Math.PI;
                nx = x + len * Math.cos(heading);
                ny = y + len * Math.sin(heading);
                if (!a.contains(nx, ny)) {
                    nx = a.cx();
                    ny = a.cy();
                }
            }
            g.travel(nx, ny, 40 + 20 * r.nextInt(10));
            x = nx;
            y = ny;
            heading += Math.toRadians(20 + 140 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1);
        }
        g.add("M400");
        return g.lines();
    }

    private static List<String> shortMoves(SplittableRandom r, Area a) {
        Gcode g = new Gcode();
        g.add("G28");
        g.add("M204 S" + (300 + 100 * r.nextInt(10)));
        double x = a.cx() - a.halfMm() / 2, y = a.cy();
        g.travel(x, y, 100);
        g.add("G4 P200");
        for (int k = 0; k < 6; k++) {
            double len = 0.5 + 4.5 * r.nextDouble();
            x += (k % 2 == 0 ? 1 : -1) * len;
            g.travel(x, y, 100 + 50 * r.nextInt(5));
            g.add("G4 P100");
        }
        return g.lines();
    }

    private static List<String> longMoves(SplittableRandom r, Area a) {
        Gcode g = new Gcode();
        g.add("G28");
        double f = 20 + 10 * r.nextInt(5);
        for (int k = 0; k < 12; k++) {
            g.travel(a.cx() + (k % 2 == 0 ? 1 : -1) * a.halfMm() * 0.8, a.cy() + (k % 4 < 2 ? 0.3 : -0.3) * a.halfMm(), f);
        }
        return g.lines();
    }

    private static List<String> homing(SplittableRandom r, Area a) {
        Gcode g = new Gcode();
        g.add("G28");
        for (int k = 0; k < 3; k++) {
            g.travel(a.cx() + a.halfMm() * (r.nextDouble() - 0.5), a.cy() + a.halfMm() * (r.nextDouble() - 0.5), 100);
            g.add("G1 Z" + fmt(2 + 10 * r.nextDouble()) + " F600");
            g.add("G28");
        }
        return g.lines();
    }

    private static List<String> heatUp(SplittableRandom r) {
        int t = 170 + 5 * r.nextInt(13);
        return List.of("M104 S" + t, "M109 S" + t, "G4 P" + (20000 + 1000 * r.nextInt(40)), "M104 S0", "G4 P" + (10000 + 1000 * r.nextInt(20)));
    }

    private static List<String> bed(SplittableRandom r) {
        int t = 50 + 5 * r.nextInt(8);
        return List.of("M190 S" + t, "G4 P" + (60000 + 5000 * r.nextInt(12)), "M140 S0");
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static long mix(long seed, int i) {
        long z = seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 29)) & Long.MAX_VALUE;
    }

    /** The printable area in x/y: a centre and half-width (a square inside a delta's circle). */
    record Area(double cx, double cy, double halfMm) {
        static Area of(PrinterConfig c) {
            if (c.printer().kinematics().equals("delta")) {
                double radius = Double.isNaN(c.printer().printRadiusMm()) ? c.printer().deltaRadiusMm() : c.printer().printRadiusMm();
                return new Area(0, 0, radius * 0.45);
            }
            double xMax = c.stepper("stepper_x").rail().positionMaxMm();
            double yMax = c.stepper("stepper_y").rail().positionMaxMm();
            return new Area(xMax / 2, yMax / 2, Math.min(xMax, yMax) * 0.35);
        }

        boolean contains(double x, double y) {
            return Math.abs(x - cx) <= halfMm && Math.abs(y - cy) <= halfMm;
        }
    }

    /** G-code lines, with extrusion computed for a 0.4 mm line of 0.3 mm layer. */
    private static final class Gcode {
        private final List<String> lines = new ArrayList<>();

        void add(String line) {
            lines.add(line);
        }

        void travel(double x, double y, double mmPerS) {
            lines.add("G0 X" + fmt(x) + " Y" + fmt(y) + " F" + fmt(mmPerS * 60));
        }

        void extrude(double[] from, double[] to, double mmPerS) {
            double len = Math.hypot(to[0] - from[0], to[1] - from[1]);
            double e = len * 0.4 * 0.3 / (Math.PI * 1.75 * 1.75 / 4);
            lines.add("G1 X" + fmt(to[0]) + " Y" + fmt(to[1]) + " E" + String.format(Locale.ROOT, "%.5f", e) + " F" + fmt(mmPerS * 60));
        }

        List<String> lines() {
            return List.copyOf(lines);
        }
    }
}
