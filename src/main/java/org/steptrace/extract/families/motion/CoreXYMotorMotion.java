package org.steptrace.extract.families.motion;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.steptrace.extract.Category;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.families.common.EntryBuilder;
import org.steptrace.extract.families.common.Moves;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * A rest-to-rest planar move on a CoreXY machine: the belt motors' positions a = x + y and
 * b = x - y, their displacements and whole-step counts, and their peak speeds at the move's
 * cruise speed. Checked against the step runs the host sent to each motor during the move.
 */
public final class CoreXYMotorMotion implements Family {
    private static final String[] ASKS = {"steps", "displacement", "speeds"};

    @Override
    public String id() {
        return "corexy-motor-motion";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        if (!"corexy".equals(trace.settingText("kinematics"))) return out;
        double sa = trace.setting("stepper.stepper_x.step_distance_mm"), sb = trace.setting("stepper.stepper_y.step_distance_mm");
        if (!(sa > 0 && sb > 0)) return out;
        double f = trace.clockHz();
        List<TraceView.At<TraceRecord.StepBatch>> batches = trace.all(TraceRecord.StepBatch.class);
        int n = 0;
        for (TraceView.At<TraceRecord.Move> at : trace.all(TraceRecord.Move.class)) {
            TraceRecord.Move m = at.record();
            if (!Moves.isPlanar(m, 0.3) || m.startVMmPerS() > 1e-9 || m.endVMmPerS() > 1e-9) continue;
            double[] s = m.startMm(), e = m.endMm();
            long na = Math.abs(Math.round((e[0] + e[1]) / sa) - Math.round((s[0] + s[1]) / sa));
            long nb = Math.abs(Math.round((e[0] - e[1]) / sb) - Math.round((s[0] - s[1]) / sb));
            if (na != StepsForMove.sentSteps(batches, "stepper_x", m, f) || nb != StepsForMove.sentSteps(batches, "stepper_y", m, f)) continue;
            if (Math.max(na, nb) < 21) continue;
            Map<String, Double> obs = new HashMap<>();
            obs.put("x0", s[0]);
            obs.put("y0", s[1]);
            obs.put("x1", e[0]);
            obs.put("y1", e[1]);
            obs.put("sa", sa);
            obs.put("sb", sb);
            obs.put("vc", m.cruiseVMmPerS());
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            boolean pureX = Math.abs(e[1] - s[1]) < 1e-9, pureY = Math.abs(e[0] - s[0]) < 1e-9;
            labels.put("shape", pureX ? "pure-x" : pureY ? "pure-y" : "diagonal");
            labels.put("scenario", TrianglePeakSpeed.scenarioOf(trace));
            out.add(new Finding(RecordRange.of(at.line()), labels, Map.of(), obs));
            if (out.size() >= 20) break;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding fi, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, fi, rng);
        b.literal(45); // the diagonal of a square frame, in degrees
        b.literal(-2); // the transform's determinant
        double x0 = fi.observed("x0"), y0 = fi.observed("y0"), x1 = fi.observed("x1"), y1 = fi.observed("y1");
        double sa = fi.observed("sa"), sb = fi.observed("sb"), vc = fi.observed("vc");
        double dx = x1 - x0, dy = y1 - y0, len = Math.hypot(dx, dy);
        double a0 = x0 + y0, a1 = x1 + y1, b0 = x0 - y0, b1 = x1 - y1;
        double da = a1 - a0, db = b1 - b0;
        long pa0 = Math.round(a0 / sa), pa1 = Math.round(a1 / sa), pb0 = Math.round(b0 / sb), pb1 = Math.round(b1 / sb);
        long na = Math.abs(pa1 - pa0), nb = Math.abs(pb1 - pb0);
        double va = vc * Math.abs(da) / len, vb = vc * Math.abs(db) / len;
        String ask = fi.label("ask");
        String shape = fi.label("shape");

        String X0 = b.q("x0", x0, 4, "mm"), Y0 = b.q("y0", y0, 4, "mm"), X1 = b.q("x1", x1, 4, "mm"), Y1 = b.q("y1", y1, 4, "mm");
        String SA = b.sig("sa", sa, 5, "mm"), SB = b.sig("sb", sb, 5, "mm"), VC = b.q("vc", vc, 3, "mm/s");
        String DX = b.q("dx", dx, 4, "mm"), DY = b.q("dy", dy, 4, "mm"), L = b.q("len", len, 4, "mm");
        String A0 = b.q("a0", a0, 4, "mm"), A1 = b.q("a1", a1, 4, "mm"), B0 = b.q("b0", b0, 4, "mm"), B1 = b.q("b1", b1, 4, "mm");
        String DA = b.q("da", da, 4, "mm"), DB = b.q("db", db, 4, "mm");
        String PA0 = b.wholeNumber("pa0", pa0, "steps"), PA1 = b.wholeNumber("pa1", pa1, "steps"), PB0 = b.wholeNumber("pb0", pb0, "steps"), PB1 = b.wholeNumber("pb1", pb1, "steps");
        String NA = b.wholeNumber("na", na, "steps"), NB = b.wholeNumber("nb", nb, "steps");
        String VA = b.q("va", va, 3, "mm/s"), VB = b.q("vb", vb, 3, "mm/s");

        String what = switch (shape) {
            case "pure-x" -> b.pick("a move along X only", "a pure X move", "a move parallel to the X axis");
            case "pure-y" -> b.pick("a move along Y only", "a pure Y move", "a move parallel to the Y axis");
            default -> b.pick("a diagonal move", "a move with both X and Y components", "an oblique move");
        };
        String scen = switch (fi.label("scenario")) {
            case "homing" -> "between homing cycles";
            case "short-moves" -> "in a test of short hops";
            case "print" -> "during a print";
            default -> "during a motion test";
        };
        String situation = b.pick(
                "A CoreXY printer made " + what + " " + scen + ", from (" + X0 + ", " + Y0 + ") to (" + X1 + ", " + Y1 + ") mm, starting and ending at rest, cruising at " + VC + " mm/s.",
                "On a CoreXY machine the toolhead went from (" + X0 + ", " + Y0 + ") mm to (" + X1 + ", " + Y1 + ") mm " + scen + " (" + what + ", peak speed " + VC + " mm/s).",
                "Consider " + what + " recorded " + scen + " on a CoreXY printer: start (" + X0 + ", " + Y0 + ") mm, end (" + X1 + ", " + Y1 + ") mm, top speed " + VC + " mm/s.");
        String motors = b.pick(
                " The two belt motors follow a = x + y and b = x - y; motor A moves " + SA + " mm of belt coordinate per step and motor B " + SB + " mm.",
                " Motor A drives the x + y belt coordinate and motor B the x - y one, with step distances " + SA + " mm and " + SB + " mm.",
                " Its motors sit on the combinations a = x + y (A, " + SA + " mm/step) and b = x - y (B, " + SB + " mm/step).");
        String question = switch (ask) {
            case "steps" -> b.pick(" How many steps does each motor make?", " Find the step count of motor A and of motor B.",
                    " Compute both motors' step counts for the move.");
            case "displacement" -> b.pick(" How far does each motor's belt coordinate move, and why do both motors turn (or not)?",
                    " Find the displacement of each motor coordinate and explain which motors must turn.",
                    " Work out how much each motor moves and account for the result physically.");
            default -> b.pick(" What peak speed does each motor's coordinate reach?", " Find the motors' peak speeds at the move's cruise speed.",
                    " How fast do motors A and B run at the top of the move?");
        };
        b.problem(situation + motors + question);

        b.think("First, let me understand what's happening physically. In a CoreXY frame both motors pull one continuous belt path; the toolhead position is a combination of both belts, "
                + "so the motor coordinates are a = x + y and b = x - y, and inversely x = (a + b)/2, y = (a - b)/2.");
        b.think("Start: a = " + X0 + " + " + Y0 + " = " + A0 + ", b = " + X0 + " - " + Y0 + " = " + B0 + ". End: a = " + A1 + ", b = " + B1
                + ". Displacements: da = dx + dy = " + DX + " + (" + DY + ") = " + DA + " mm, db = dx - dy = " + DB + " mm.");
        String why = switch (shape) {
            case "pure-x" -> b.pick("My first thought was that an X move needs only one motor, as on a cartesian printer. Wait, that is wrong here: ",
                    "One might expect a pure X move to leave motor B alone. But ")
                    + "with dy = 0 both da and db equal dx, so both motors turn by the same amount in the same sense; the belt loops shift together and the carriage slides along X.";
            case "pure-y" -> b.pick("It is tempting to say only one motor works for a Y move. Not so: ", "A pure Y move still needs both motors: ")
                    + "with dx = 0, da = dy and db = -dy, so the motors turn by equal amounts in opposite senses.";
            default -> "For a diagonal move the two coordinates change by different amounts; along a 45-degree line one of them would not move at all.";
        };
        b.think(why);
        b.think("Whole steps come from rounded absolute positions: motor A goes from " + PA0 + " to " + PA1 + " steps, " + NA + " steps; motor B from " + PB0 + " to " + PB1 + ", "
                + NB + " steps. The step runs the host sent to the two motors during the move add up to exactly these counts.");
        b.think("Speeds: the move's direction is (dx, dy)/L with L = " + L + " mm, and the motor coordinates change at v |dx + dy|/L and v |dx - dy|/L. At " + VC + " mm/s: A runs "
                + VA + " mm/s and B " + VB + " mm/s. Check: for a pure axis move both are equal to the toolhead speed; on a 45-degree diagonal one motor would reach the square root of 2 times the toolhead speed.");

        b.controlProblem("CoreXY move from (" + X0 + ", " + Y0 + ") to (" + X1 + ", " + Y1 + ") mm at cruise " + VC + " mm/s, step distances " + SA + " and " + SB
                + " mm: find each motor's displacement, step count and peak speed.");
        b.context("- Hardware limitations: each motor has its own maximum step rate; on CoreXY a motor may need to move faster than the toolhead (up to the square root of 2 times on diagonals).\n"
                + "- Real-time requirements: both motors' step streams must stay synchronised, since the toolhead position depends on both; a late step on one motor deflects the path.\n"
                + "- Safety requirements: limits are set on the toolhead, so the planner must be sure that the resulting motor speeds are still within what the motors can deliver.");
        b.analysis("Step 1: Transform. a = x + y, b = x - y; a: " + A0 + " to " + A1 + ", b: " + B0 + " to " + B1 + ".\n\n"
                + "Step 2: Displacements. da = " + DA + " mm, db = " + DB + " mm.\n\n"
                + "Step 3: Steps. round(a/s): " + PA0 + " to " + PA1 + " (" + NA + " steps); round(b/s): " + PB0 + " to " + PB1 + " (" + NB + " steps).\n\n"
                + "Step 4: Speeds. v_a = v |da|/L = " + VA + " mm/s, v_b = v |db|/L = " + VB + " mm/s (L = " + L + " mm).");
        b.rust("The two coordinate systems get distinct types, so a toolhead position cannot be handed to a step generator that expects motor coordinates; the conversion is the only way across.",
                """
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Toolhead {
                    pub x: f64,
                    pub y: f64,
                }

                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Motors {
                    pub a: f64,
                    pub b: f64,
                }

                impl From<Toolhead> for Motors {
                    fn from(p: Toolhead) -> Motors {
                        Motors { a: p.x + p.y, b: p.x - p.y }
                    }
                }

                impl From<Motors> for Toolhead {
                    fn from(m: Motors) -> Toolhead {
                        Toolhead { x: (m.a + m.b) / 2.0, y: (m.a - m.b) / 2.0 }
                    }
                }

                /// Whole steps between two motor coordinates for a step distance.
                pub fn steps(from: f64, to: f64, step_mm: f64) -> i64 {
                    (to / step_mm).round() as i64 - (from / step_mm).round() as i64
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_move() {
                        let s = Motors::from(Toolhead { x: %X0, y: %Y0 });
                        let e = Motors::from(Toolhead { x: %X1, y: %Y1 });
                        assert!((e.a - s.a - %DA).abs() < 1e-3);
                        assert!((e.b - s.b - %DB).abs() < 1e-3);
                        assert_eq!(steps(s.a, e.a, %SA).abs(), %NA);
                        assert_eq!(steps(s.b, e.b, %SB).abs(), %NB);
                        let back = Toolhead::from(e);
                        assert!((back.x - %X1).abs() < 1e-9 && (back.y - %Y1).abs() < 1e-9);
                    }
                }
                """.replace("%X0", X0).replace("%Y0", Y0).replace("%X1", X1).replace("%Y1", Y1).replace("%DA", DA).replace("%DB", DB)
                        .replace("%SA", EntryBuilder.rustF64(SA)).replace("%SB", EntryBuilder.rustF64(SB)).replace("%NA", NA).replace("%NB", NB),
                "The From impls make the transform and its inverse explicit and testable: a round trip must return the starting point, which the test checks.");
        b.safety("The transform is invertible (its determinant is -2), so every toolhead position corresponds to exactly one pair of motor positions and no motion is ambiguous. The motor speeds "
                + VA + " and " + VB + " mm/s stay within the square root of 2 times the toolhead's " + VC + " mm/s, the worst case of any direction.");
        b.edgeCases("- A 45-degree move: one motor stands still and the other moves the square root of 2 times as fast as on an axis move.\n"
                + "- Unequal step distances on the two motors would bend straight lines into slight steps; CoreXY machines use identical drives for A and B.\n"
                + "- Homing must home a and b consistently: an endstop on X really senses a combination of both motors.");
        b.alternatives("A cartesian frame maps each axis to one motor, which is simpler to reason about but moves a motor with the gantry; CoreXY keeps both motors stationary "
                + "and lightens the moving mass, at the price of coupled axes and longer belts. H-bot shares the transform but twists the gantry under load.");
        switch (ask) {
            case "steps" -> {
                if (na > 20 && nb > 20) b.answer("steps", 0.5, "na", "nb");
                else b.answer("mm", 1e-3, "da", "db");
            }
            case "displacement" -> b.answer("mm", 1e-3, "da", "db");
            default -> b.answer("mm/s", 1e-3, "va", "vb");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.Move m)) return r;
        double sa = trace.setting("stepper.stepper_x.step_distance_mm"), sb = trace.setting("stepper.stepper_y.step_distance_mm");
        double[] s = m.startMm(), e = m.endMm();
        // The transform as a matrix [[1, 1], [1, -1]] applied to positions and to the displacement.
        double[][] t = {{1, 1}, {1, -1}};
        double[] ps = {t[0][0] * s[0] + t[0][1] * s[1], t[1][0] * s[0] + t[1][1] * s[1]};
        double[] pe = {t[0][0] * e[0] + t[0][1] * e[1], t[1][0] * e[0] + t[1][1] * e[1]};
        double dx = e[0] - s[0], dy = e[1] - s[1], len = Math.hypot(dx, dy);
        r.put("x0", s[0]);
        r.put("y0", s[1]);
        r.put("x1", e[0]);
        r.put("y1", e[1]);
        r.put("sa", sa);
        r.put("sb", sb);
        r.put("vc", m.cruiseVMmPerS());
        r.put("dx", dx);
        r.put("dy", dy);
        r.put("len", len);
        r.put("a0", ps[0]);
        r.put("a1", pe[0]);
        r.put("b0", ps[1]);
        r.put("b1", pe[1]);
        r.put("da", t[0][0] * dx + t[0][1] * dy);
        r.put("db", t[1][0] * dx + t[1][1] * dy);
        r.put("pa0", Math.floor(ps[0] / sa + 0.5));
        r.put("pa1", Math.floor(pe[0] / sa + 0.5));
        r.put("pb0", Math.floor(ps[1] / sb + 0.5));
        r.put("pb1", Math.floor(pe[1] / sb + 0.5));
        // Step counts as the host sent them to each motor during the move.
        double f = trace.header().clockFreqHz();
        r.put("na", (double) sent(trace, "stepper_x", m, f));
        r.put("nb", (double) sent(trace, "stepper_y", m, f));
        // Motor speed: the motor coordinate's share of the path, times the path speed.
        double ux = dx / len, uy = dy / len;
        r.put("va", Math.abs(t[0][0] * ux + t[0][1] * uy) * m.cruiseVMmPerS());
        r.put("vb", Math.abs(t[1][0] * ux + t[1][1] * uy) * m.cruiseVMmPerS());
        return r;
    }

    private static long sent(TraceView trace, String stepper, TraceRecord.Move m, double f) {
        long from = (long) Math.floor((m.printTimeS() - 1e-4) * f), to = (long) Math.ceil((m.printTimeS() + m.durationS() + 2e-3) * f);
        long sum = 0;
        for (TraceView.At<TraceRecord.StepBatch> at : trace.all(TraceRecord.StepBatch.class)) {
            TraceRecord.StepBatch sb = at.record();
            if (sb.stepper().equals(stepper) && sb.firstClock() >= from && sb.firstClock() <= to) sum += sb.count();
        }
        return sum;
    }
}
