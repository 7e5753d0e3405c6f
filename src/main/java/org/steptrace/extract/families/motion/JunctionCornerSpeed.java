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
 * Two consecutive planar moves meeting at a corner: the junction-deviation speed limit from the
 * corner angle, the square-corner speed and the acceleration (with the centripetal cap that the
 * turning arc may reach no further than half of either move), against the speed the planner
 * actually used at the junction (the first move's end speed).
 */
public final class JunctionCornerSpeed implements Family {
    private static final String[] ASKS = {"limit", "binds", "angle"};

    @Override
    public String id() {
        return "junction-corner-speed";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double scv = trace.setting("square_corner_velocity_mm_per_s");
        if (!(scv > 0)) return out;
        List<TraceView.At<TraceRecord.Move>> moves = trace.all(TraceRecord.Move.class);
        double maxPlanarAccel = 0;
        for (TraceView.At<TraceRecord.Move> at : moves) {
            if (Moves.isPlanar(at.record(), 0.2)) maxPlanarAccel = Math.max(maxPlanarAccel, at.record().accelMmPerS2());
        }
        boolean delta = "delta".equals(trace.settingText("kinematics"));
        String scenario = TrianglePeakSpeed.scenarioOf(trace);
        int n = 0;
        for (int i = 1; i < moves.size(); i++) {
            TraceRecord.Move p = moves.get(i - 1).record(), c = moves.get(i).record();
            if (!Moves.isPlanar(p, 0.2) || !Moves.isPlanar(c, 0.2)) continue;
            boolean joined = true;
            for (int k = 0; k < 3; k++) joined &= Math.abs(p.endMm()[k] - c.startMm()[k]) < 1e-9;
            if (!joined || Math.abs(p.endVMmPerS() - c.startVMmPerS()) > 1e-9) continue;
            if (p.accelMmPerS2() != c.accelMmPerS2()) continue;
            // A delta may halve the acceleration of a move far from the centre; the deviation then uses the unreduced limit.
            if (delta && p.accelMmPerS2() != maxPlanarAccel) continue;
            double lp = Moves.lengthMm(p), lc = Moves.lengthMm(c);
            double ep = Moves.extrudeMm(p) / lp, ec = Moves.extrudeMm(c) / lc;
            if (Math.abs(ep - ec) > 1e-3) continue; // the extruder's own corner limit could join in
            double[] dp = {(p.endMm()[0] - p.startMm()[0]) / lp, (p.endMm()[1] - p.startMm()[1]) / lp};
            double[] dc = {(c.endMm()[0] - c.startMm()[0]) / lc, (c.endMm()[1] - c.startMm()[1]) / lc};
            double cos = -(dp[0] * dc[0] + dp[1] * dc[1]);
            double sinHalf = Math.sqrt(Math.max(0, (1 - cos) / 2)), cosHalf = Math.sqrt(Math.max(0, (1 + cos) / 2));
            if (sinHalf > 0.99 || cosHalf < 1e-3 || sinHalf < 0.02) continue; // nearly straight or nearly reversed
            double a = p.accelMmPerS2();
            double jv2 = sinHalf / (1 - sinHalf) * scv * scv * (Math.sqrt(2) - 1);
            double cen2 = 0.5 * Math.min(lp, lc) * a * sinHalf / cosHalf;
            double lim = Math.sqrt(Math.min(jv2, cen2));
            double vEnd = p.endVMmPerS();
            if (vEnd > lim * (1 + 1e-9)) continue; // something this family does not model
            Map<String, Double> obs = new HashMap<>();
            obs.put("scv", scv);
            obs.put("accel", a);
            obs.put("lp", lp);
            obs.put("lc", lc);
            obs.put("cos", cos);
            obs.put("v_end", vEnd);
            obs.put("cruise_p", p.cruiseVMmPerS());
            obs.put("cruise_c", c.cruiseVMmPerS());
            obs.put("px", dp[0]);
            obs.put("py", dp[1]);
            obs.put("cx", dc[0]);
            obs.put("cy", dc[1]);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
            labels.put("scenario", scenario);
            labels.put("extruding", ep > 0 ? "yes" : "no");
            out.add(new Finding(new RecordRange(moves.get(i - 1).line(), moves.get(i).line()), labels, Map.of(), obs));
            if (out.size() >= 20) break;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        b.literal(-1); // the cosine's lower bound
        double scv = f.observed("scv"), a = f.observed("accel"), lp = f.observed("lp"), lc = f.observed("lc"), cos = f.observed("cos");
        double vEnd = f.observed("v_end");
        double theta = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
        double turn = 180 - theta;
        double sinHalf = Math.sqrt(Math.max(0, (1 - cos) / 2)), cosHalf = Math.sqrt(Math.max(0, (1 + cos) / 2));
        double jd = scv * scv * (Math.sqrt(2) - 1) / a;
        double rr = sinHalf / (1 - sinHalf);
        double jv2 = rr * jd * a;
        double cen2 = 0.5 * Math.min(lp, lc) * a * sinHalf / cosHalf;
        double vj = Math.sqrt(jv2), vc = Math.sqrt(cen2);
        double lim = Math.min(vj, vc);
        boolean binds = Math.abs(vEnd - lim) <= 1e-6 * Math.max(1, lim);
        boolean jdRules = vj <= vc;
        String ask = f.label("ask");
        String kin = f.label("kinematics");
        boolean printing = f.label("extruding").equals("yes");

        String S = b.q("scv", scv, 1, "mm/s"), A = b.q("accel", a, 1, "mm/s^2");
        String LP = b.q("lp", lp, 3, "mm"), LC = b.q("lc", lc, 3, "mm");
        String TU = b.q("turn", turn, 2, "deg"), TH = b.q("theta", theta, 2, "deg");
        String SH = b.q("sin_half", sinHalf, 5, ""), CH = b.q("cos_half", cosHalf, 5, "");
        String JD = b.sig("jd", jd, 4, "mm");
        String RR = b.q("r_factor", rr, 4, "");
        String JV2 = b.q("jv2", jv2, 3, "mm^2/s^2"), VJ = b.q("v_jd", vj, 4, "mm/s");
        String C2 = b.q("cen2", cen2, 2, "mm^2/s^2"), VC = b.q("v_cen", vc, 3, "mm/s");
        String VE = b.q("v_end", vEnd, 4, "mm/s");
        String VL = jdRules ? VJ : VC;

        String where = switch (f.label("scenario")) {
            case "corners" -> b.pick("a corner test of single moves meeting at varied angles", "a run of straight segments turning at assorted angles");
            case "print" -> printing ? b.pick("the perimeter of a small printed part", "an extruded outline of a test part")
                    : b.pick("travel between features of a print", "non-extruding repositioning moves in a print");
            case "lossy-link" -> "a cornering run sent over an unreliable serial line";
            default -> "a motion test";
        };
        String situation = b.pick(
                "A " + kin + " printer executing " + where + " made a " + LP + " mm straight move followed directly by a " + LC
                        + " mm move; the second heads off " + TU + " degrees away from the first one's direction.",
                "In a trace of " + where + " on a " + kin + " machine, two back-to-back planar moves of " + LP + " mm and " + LC
                        + " mm meet at a corner where the path direction changes by " + TU + " degrees.",
                "Consider two consecutive moves recorded on a " + kin + " printer during " + where + ": " + LP + " mm, then " + LC
                        + " mm, with the heading turning through " + TU + " degrees at the shared point.");
        String limits = b.pick(
                " The planner is configured with a square-corner speed of " + S + " mm/s (the speed it allows through a 90-degree corner) and accelerates at "
                        + A + " mm/s^2; it limits the junction speed with a virtual-arc (junction deviation) model.",
                " Its corner rule is set by a square-corner speed of " + S + " mm/s together with the acceleration " + A
                        + " mm/s^2, through the junction-deviation construction.",
                " Cornering is governed by a square-corner speed of " + S + " mm/s and acceleration " + A
                        + " mm/s^2 (junction deviation: the speed at which an arc tangent to both segments could be followed at that acceleration).");
        String question = switch (ask) {
            case "limit" -> b.pick(" What is the highest speed the planner may carry through this corner?",
                    " Compute the junction speed limit for this corner in mm/s.", " Find the corner speed limit.");
            case "binds" -> b.pick(" The trace shows the first move ending at " + VE
                            + " mm/s. Compute the corner limit and decide whether it is what set that speed.",
                    " The toolhead passed the corner at " + VE + " mm/s according to the trace. Is the junction limit the binding constraint?",
                    " Check the recorded junction speed of " + VE + " mm/s against the corner limit: does the limit bind?");
            default -> b.pick(" Express the corner in the planner's angle convention (the angle between the reversed incoming direction and the outgoing one) and give the resulting limit.",
                    " What angle does the junction formula use for this corner, and what speed limit follows?",
                    " Find the junction angle the planner works with and the speed it allows.");
        };
        String frame = b.pick("",
                "You are reviewing how a motion planner treats corners. ",
                "Corner speed decides both print time and ringing at corners; check one junction. ",
                "A planner must slow down at sharp corners but not at gentle ones; quantify that for one corner. ",
                "Audit one junction of a recorded toolpath against the cornering rule. ");
        b.problem(frame + situation + limits + question);

        b.think("First, let me understand what's happening physically. At a sharp corner the velocity vector would have to change direction instantly, "
                + "which needs infinite acceleration. The planner instead pretends the corner is rounded by a small arc tangent to both segments and asks "
                + "how fast the toolhead could follow that arc with centripetal acceleration a. The arc's size is set by the junction deviation, "
                + "the distance from the corner to the arc.");
        b.think("The junction deviation comes from the square-corner speed: it is chosen so a 90-degree corner allows exactly that speed. "
                + "So delta = v_sc^2 (sqrt(2) - 1)/a = " + S + "^2 x (sqrt(2) - 1)/" + A + " = " + JD + " mm.");
        b.think("Now the angle. The heading turns by " + TU + " degrees. "
                + b.pick("My first instinct is to put " + TU + " degrees into the formula, but wait: the formula's angle is between the reversed incoming direction and the outgoing one, so a straight continuation is 180 degrees, not 0. ",
                        "Careful with the convention: the formula measures theta between the reversed incoming direction and the outgoing direction, so going straight on is 180 degrees and a full reversal is 0. ")
                + "Hence theta = 180 - " + TU + " = " + TH + " degrees, sin(theta/2) = " + SH + " and cos(theta/2) = " + CH + ".");
        b.think("The arc radius is R = delta sin(theta/2)/(1 - sin(theta/2)), and v^2 = a R. The factor sin/(1 - sin) = " + RR
                + ", so v^2 = " + RR + " x " + JD + " x " + A + " = " + JV2 + " mm^2/s^2 and v = " + VJ
                + " mm/s. Note that a times delta does not depend on a at all: it is v_sc^2 (sqrt(2) - 1), so the acceleration cancels.");
        b.think("There is a second cap: the arc may not reach beyond the middle of either segment. That gives v^2 <= (1/2) L a tan(theta/2) with the shorter length "
                + b.text(lp <= lc ? "lp" : "lc") + " mm: v^2 <= " + C2 + " mm^2/s^2, v <= " + VC + " mm/s. "
                + (jdRules ? "That is looser than the deviation limit, so the limit is " + VJ + " mm/s." : "That is tighter than the deviation limit, so the corner limit is " + VC + " mm/s."));
        b.think("Sanity check against the trace: the first move ends at " + VE + " mm/s. "
                + (binds ? "That equals the limit " + VL + " mm/s to the printed precision, so the corner limit is the binding constraint here, as expected when the moves are long enough to reach it."
                        : "That is below the limit " + VL + " mm/s, so something else (the cruise speed or the room to brake before a later stop) set the junction speed; the corner limit is respected but not binding."));

        b.controlProblem("Two planar moves of " + LP + " mm and " + LC + " mm meet at a corner that turns the heading by " + TU
                + " degrees. With square-corner speed " + S + " mm/s and acceleration " + A
                + " mm/s^2, find the junction speed limit and compare it with the recorded junction speed " + VE + " mm/s.");
        b.context("- Hardware limitations: the axes cannot change velocity instantly; a direction change at speed v across a corner is a velocity jump the motors must absorb within their torque margin.\n"
                + "- Real-time requirements: junction speeds are fixed during look-ahead, before the step times of either move are generated, so the limit must be computable in constant time per junction.\n"
                + "- Safety requirements: the speed through the corner must never exceed the limit, or the motors may skip steps and the position is lost silently.");
        b.analysis("Step 1: Junction deviation. delta = v_sc^2 (sqrt(2) - 1)/a = " + JD + " mm.\n\n"
                + "Step 2: Angle. Heading change " + TU + " degrees gives theta = " + TH + " degrees; sin(theta/2) = " + SH + ", cos(theta/2) = " + CH + ".\n\n"
                + "Step 3: Deviation limit. v^2 = a delta sin(theta/2)/(1 - sin(theta/2)) = " + A + " x " + JD + " x " + RR + " = " + JV2
                + " mm^2/s^2, v = " + VJ + " mm/s.\n\n"
                + "Step 4: Centripetal cap. v^2 <= (1/2) L_min a tan(theta/2) = " + C2 + " mm^2/s^2, v <= " + VC + " mm/s.\n\n"
                + "Step 5: Compare. The limit is " + VL + " mm/s; the trace's junction speed is " + VE + " mm/s, so the limit "
                + (binds ? "binds." : "holds without binding."));
        b.rust("A direction newtype can only be built from a non-zero vector, so the junction function never divides by a zero length; the result is a Result because a zero acceleration is a configuration error.",
                """
                /// A unit direction in the XY plane.
                #[derive(Debug, Clone, Copy)]
                pub struct Dir {
                    x: f64,
                    y: f64,
                }

                impl Dir {
                    pub fn new(dx: f64, dy: f64) -> Option<Dir> {
                        let n = (dx * dx + dy * dy).sqrt();
                        if n < 1e-12 {
                            None
                        } else {
                            Some(Dir { x: dx / n, y: dy / n })
                        }
                    }
                }

                #[derive(Debug, PartialEq)]
                pub enum CornerError {
                    NonPositiveAccel,
                }

                /// Corner speed limit (mm/s): junction deviation plus the half-segment centripetal cap.
                pub fn corner_limit(prev: Dir, next: Dir, corner_speed: f64, accel: f64, shorter_mm: f64) -> Result<f64, CornerError> {
                    if accel <= 0.0 {
                        return Err(CornerError::NonPositiveAccel);
                    }
                    let cos_theta = -(prev.x * next.x + prev.y * next.y);
                    let sin_half = ((1.0 - cos_theta) / 2.0).max(0.0).sqrt();
                    let cos_half = ((1.0 + cos_theta) / 2.0).max(0.0).sqrt();
                    if sin_half >= 1.0 || cos_half <= 0.0 {
                        return Ok(f64::INFINITY); // straight on: no corner
                    }
                    let deviation = corner_speed * corner_speed * (2f64.sqrt() - 1.0) / accel;
                    let v2_dev = accel * deviation * sin_half / (1.0 - sin_half);
                    let v2_arc = 0.5 * shorter_mm * accel * sin_half / cos_half;
                    Ok(v2_dev.min(v2_arc).sqrt())
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_corner() {
                        let prev = Dir::new(%PX, %PY).unwrap();
                        let next = Dir::new(%CX, %CY).unwrap();
                        let v = corner_limit(prev, next, %S, %A, %LM).unwrap();
                        assert!((v - %VL).abs() < 1e-3);
                        assert!(%VE <= v + 1e-3);
                    }

                    #[test]
                    fn zero_accel_is_an_error() {
                        let d = Dir::new(1.0, 0.0).unwrap();
                        assert_eq!(corner_limit(d, d, %S, 0.0, %LM), Err(CornerError::NonPositiveAccel));
                    }
                }
                """.replace("%PX", dirText(b, "px", f.observed("px"))).replace("%PY", dirText(b, "py", f.observed("py")))
                        .replace("%CX", dirText(b, "cx", f.observed("cx"))).replace("%CY", dirText(b, "cy", f.observed("cy")))
                        .replace("%S", S).replace("%A", A).replace("%LM", b.text(lp <= lc ? "lp" : "lc")).replace("%VL", VL).replace("%VE", VE),
                "Dir's fields are private, so every Dir in the program is normalised; the corner function can then trust the dot product to lie in [-1, 1] up to rounding, and the max(0.0) guards absorb that rounding.");
        b.safety("The limit " + VL + " mm/s bounds the speed through the corner from above, and the trace's " + VE
                + " mm/s does not exceed it. Because the deviation formula makes a 90-degree corner allow exactly " + S
                + " mm/s, every sharper corner (smaller theta) allows less and every gentler one more, which is monotone in the angle and so cannot surprise the motors at a gentle turn.");
        b.edgeCases("- Straight continuation (theta = 180 degrees): sin(theta/2) = 1 and the formula would divide by zero; it is skipped and only the cruise limits apply.\n"
                + "- Full reversal (theta = 0): sin(theta/2) = 0 and the junction speed is 0, the toolhead must stop.\n"
                + "- Very short segments: the centripetal cap (1/2) L a tan(theta/2) takes over, so a polygon of tiny chords is not driven faster than its chords can carry.\n"
                + "- A zero-length segment has no direction; the Dir constructor returns None rather than a NaN direction.");
        b.alternatives("A fixed per-axis jerk limit (allowing an instantaneous speed change per axis) is simpler but depends on the corner's orientation relative to the axes; "
                + "the deviation model depends only on the angle. Real corner blending (inserting an actual arc) would keep a higher speed but changes the printed path, which a printer usually may not do.");
        switch (ask) {
            case "limit" -> b.answer("mm/s", 1e-3, jdRules ? "v_jd" : "v_cen");
            case "binds" -> b.answer("mm/s", 1e-3, jdRules ? "v_jd" : "v_cen", "v_end");
            default -> b.answer("deg, mm/s", 1e-2, "theta", jdRules ? "v_jd" : "v_cen");
        }
        return b.build();
    }

    private static String dirText(EntryBuilder b, String name, double v) {
        return b.q(name, v, 5, "");
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.Move p) || !(trace.at(ref.records().toLine()) instanceof TraceRecord.Move c)) {
            return r;
        }
        double scv = trace.setting("square_corner_velocity_mm_per_s");
        double a = p.accelMmPerS2();
        double pdx = p.endMm()[0] - p.startMm()[0], pdy = p.endMm()[1] - p.startMm()[1];
        double cdx = c.endMm()[0] - c.startMm()[0], cdy = c.endMm()[1] - c.startMm()[1];
        double lp = Math.hypot(pdx, pdy), lc = Math.hypot(cdx, cdy);
        // Heading change from the two headings (atan2), wrapped to [0, 180].
        double turn = Math.abs(Math.toDegrees(Math.atan2(cdy, cdx) - Math.atan2(pdy, pdx)));
        if (turn > 180) turn = 360 - turn;
        double theta = 180 - turn;
        double half = Math.toRadians(theta) / 2;
        double s = Math.sin(half), co = Math.cos(half);
        r.put("scv", scv);
        r.put("accel", a);
        r.put("lp", lp);
        r.put("lc", lc);
        r.put("px", pdx / lp);
        r.put("py", pdy / lp);
        r.put("cx", cdx / lc);
        r.put("cy", cdy / lc);
        r.put("turn", turn);
        r.put("theta", theta);
        r.put("sin_half", s);
        r.put("cos_half", co);
        double jd = scv * scv * (Math.sqrt(2) - 1) / a;
        r.put("jd", jd);
        r.put("r_factor", s / (1 - s));
        // v^2 = a * R with the arc radius R = jd * s / (1 - s).
        double radius = jd * s / (1 - s);
        r.put("jv2", a * radius);
        r.put("v_jd", Math.sqrt(a * radius));
        double cen2 = Math.min(lp, lc) * a * Math.tan(half) / 2;
        r.put("cen2", cen2);
        r.put("v_cen", Math.sqrt(cen2));
        r.put("v_end", p.endVMmPerS());
        return r;
    }
}
