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
 * A polygonal arc printed as a run of equal chords that each turn by 360/n degrees: the
 * junction-deviation limit at one chord junction against the chord's cruise speed (which of the
 * two sets the speed through the arc, as the trace shows), the arc radius, and the number of chords
 * above which the arc could be run at the chord speed.
 */
public final class ArcChordSpeed implements Family {
    private static final String[] ASKS = {"limit", "compare", "chords-needed"};

    @Override
    public String id() {
        return "arc-chord-speed";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    private static double turnDeg(TraceRecord.Move p, TraceRecord.Move c) {
        double t = Math.toDegrees(Math.atan2(c.endMm()[1] - c.startMm()[1], c.endMm()[0] - c.startMm()[0])
                - Math.atan2(p.endMm()[1] - p.startMm()[1], p.endMm()[0] - p.startMm()[0]));
        while (t > 180) t -= 360;
        while (t <= -180) t += 360;
        return t;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double scv = trace.setting("square_corner_velocity_mm_per_s");
        if (!(scv > 0)) return out;
        List<TraceView.At<TraceRecord.Move>> moves = trace.all(TraceRecord.Move.class);
        // Runs of planar chords of (nearly) one length, each turning by (nearly) one small angle.
        int i = 1;
        int n = 0;
        while (i < moves.size()) {
            int j = i;
            while (j < moves.size() && chordPair(moves.get(j - 1).record(), moves.get(j).record(), moves.get(i - 1).record(), moves.get(i).record())) j++;
            int junctions = j - i;
            if (junctions >= 6) {
                double sumTurn = 0;
                for (int k = i; k < j; k++) sumTurn += Math.abs(turnDeg(moves.get(k - 1).record(), moves.get(k).record()));
                long chords = Math.round(360 / (sumTurn / junctions));
                int pick = i + 1;
                for (int k = pick; k < j && out.size() < 20; k += Math.max(1, junctions / 8)) {
                    TraceRecord.Move p = moves.get(k - 1).record(), c = moves.get(k).record();
                    if (Math.abs(p.endVMmPerS() - c.startVMmPerS()) > 1e-9 || p.accelMmPerS2() != c.accelMmPerS2()) continue;
                    // The junction speed must be what this family explains: the corner limit or the chord speed, whichever is lower.
                    double th = Math.toRadians(180 - Math.abs(turnDeg(p, c))) / 2;
                    double a = p.accelMmPerS2();
                    double vj2 = a * scv * scv * (Math.sqrt(2) - 1) / a * Math.sin(th) / (1 - Math.sin(th));
                    double vc2 = 0.5 * Math.min(Moves.lengthMm(p), Moves.lengthMm(c)) * a * Math.tan(th);
                    double expect = Math.min(Math.sqrt(Math.min(vj2, vc2)), c.cruiseVMmPerS());
                    if (Math.abs(p.endVMmPerS() - expect) > 1e-6 * Math.max(1, expect)) continue;
                    Map<String, String> labels = new HashMap<>();
                    labels.put("ask", ASKS[n++ % ASKS.length]);
                    labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
                    Map<String, Double> obs = new HashMap<>();
                    obs.put("scv", scv);
                    obs.put("accel", p.accelMmPerS2());
                    obs.put("lp", Moves.lengthMm(p));
                    obs.put("lc", Moves.lengthMm(c));
                    obs.put("turn", Math.abs(turnDeg(p, c)));
                    obs.put("v_end", p.endVMmPerS());
                    obs.put("cruise", c.cruiseVMmPerS());
                    out.add(new Finding(new RecordRange(moves.get(k - 1).line(), moves.get(k).line()), labels, Map.of("chords", (double) chords), obs));
                }
            }
            i = Math.max(j, i + 1);
        }
        return out;
    }

    /** p→c is a junction of the same arc as the reference junction rp→rc. */
    private static boolean chordPair(TraceRecord.Move p, TraceRecord.Move c, TraceRecord.Move rp, TraceRecord.Move rc) {
        if (!Moves.isPlanar(p, 0.3) || !Moves.isPlanar(c, 0.3)) return false;
        for (int k = 0; k < 3; k++) {
            if (Math.abs(p.endMm()[k] - c.startMm()[k]) > 1e-9) return false;
        }
        double lp = Moves.lengthMm(p), lc = Moves.lengthMm(c), lr = Moves.lengthMm(rp);
        if (Math.abs(lp - lr) > 0.01 * lr || Math.abs(lc - lr) > 0.01 * lr) return false;
        if (Moves.extrudeMm(p) <= 0 || Moves.extrudeMm(c) <= 0) return false;
        if (Math.abs(Moves.extrudeMm(p) / lp - Moves.extrudeMm(c) / lc) > 1e-3) return false;
        double t = turnDeg(p, c), tr = turnDeg(rp, rc);
        return Math.abs(t) > 2 && Math.abs(t) < 45 && Math.abs(t - tr) < 0.5;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double scv = f.observed("scv"), a = f.observed("accel"), lp = f.observed("lp"), lc = f.observed("lc"), turn = f.observed("turn");
        double vEnd = f.observed("v_end"), cruise = f.observed("cruise");
        long chords = Math.round(f.param("chords"));
        double theta = 180 - turn;
        double sinHalf = Math.sin(Math.toRadians(theta / 2)), tanHalf = Math.tan(Math.toRadians(theta / 2));
        double jd = scv * scv * (Math.sqrt(2) - 1) / a;
        double jv2 = a * jd * sinHalf / (1 - sinHalf);
        double vj = Math.sqrt(jv2);
        double vcen = Math.sqrt(0.5 * Math.min(lp, lc) * a * tanHalf);
        double lim = Math.min(vj, vcen);
        double radius = lc / (2 * Math.sin(Math.PI / chords));
        double k = cruise * cruise / (scv * scv * (Math.sqrt(2) - 1));
        double nStar = Math.PI / Math.acos(k / (1 + k));
        long nNeed = (long) Math.ceil(nStar);
        boolean junctionRules = lim < cruise - 1e-6;
        String ask = f.label("ask");
        String kin = f.label("kinematics");

        String S = b.q("scv", scv, 1, "mm/s"), A = b.q("accel", a, 1, "mm/s^2"), LC = b.q("lc", lc, 3, "mm");
        String NCH = chords <= 20 ? Long.toString(chords) : b.count("chords", chords, "");
        String TU = b.q("turn", turn, 2, "deg"), ITU = b.q("ideal_turn", 360.0 / chords, 2, "deg"), TH = b.q("theta", theta, 2, "deg");
        String SH = b.q("sin_half", sinHalf, 5, ""), JD = b.sig("jd", jd, 4, "mm"), JV2 = b.q("jv2", jv2, 2, "mm^2/s^2"), VJ = b.q("v_jd", vj, 3, "mm/s");
        String VCEN = b.q("v_cen", vcen, 3, "mm/s"), CR = b.q("cruise", cruise, 3, "mm/s"), VE = b.q("v_end", vEnd, 3, "mm/s");
        String RAD = b.q("radius", radius, 3, "mm");
        String K = b.q("k_ratio", k, 4, ""), NS = b.q("n_star", nStar, 2, "");
        String NN = nNeed <= 20 ? Long.toString(nNeed) : b.count("n_need", nNeed, "");
        String VL = vj <= vcen ? VJ : VCEN;

        String situation = b.pick(
                "A " + kin + " printer extrudes a circular feature as a polygon of " + NCH + " equal chords of " + LC + " mm each; consecutive chords meet at a heading change of "
                        + TU + " degrees (the ideal for the polygon is " + ITU + ").",
                "In a print on a " + kin + " machine, an arc was sliced into " + NCH + " straight segments, each " + LC + " mm long, turning by " + TU
                        + " degrees at every joint (nominally 360/" + NCH + " = " + ITU + " degrees).",
                "A slicer turned a circle into " + NCH + " chords of " + LC + " mm for a " + kin + " printer; at the junction examined here the path turns " + TU
                        + " degrees, against an ideal " + ITU + " degrees.");
        String limits = b.pick(
                " The planner's cornering rule uses a square-corner speed of " + S + " mm/s with acceleration " + A + " mm/s^2 (junction deviation), and each chord's cruise speed is " + CR + " mm/s.",
                " Square-corner speed " + S + " mm/s, acceleration " + A + " mm/s^2, chord cruise speed " + CR + " mm/s.",
                " Cornering follows the junction-deviation model with square-corner speed " + S + " mm/s at " + A + " mm/s^2; the chords are planned at " + CR + " mm/s.");
        String question = switch (ask) {
            case "limit" -> b.pick(" What speed may the toolhead carry through each chord junction?", " Find the junction speed limit between two chords.",
                    " Compute the corner limit at a chord joint.");
            case "compare" -> b.pick(" Does the junction limit or the chord speed set the speed around the arc? The trace shows " + VE + " mm/s at the junction.",
                    " Which constraint binds around the arc, the corner rule or the cruise speed? (Recorded junction speed: " + VE + " mm/s.)",
                    " Explain the recorded junction speed of " + VE + " mm/s: is it the corner limit or the chord speed?");
            default -> b.pick(" How many chords would the circle need for the corner rule to let the arc run at the full chord speed?",
                    " Find the smallest number of chords for which the junction limit reaches the chord speed.",
                    " If the slicer used more chords, from how many would the corners stop slowing the arc?");
        };
        b.problem(situation + limits + question);

        b.think("First, let me understand what's happening physically. A polygonal arc is a chain of tiny corners. Each junction is gentle (only " + TU
                + " degrees), but the planner still treats it as a corner and caps the speed through it, so the question is whether that cap sits above or below the speed the chords are planned at.");
        b.think("The formula's angle is between the reversed incoming chord and the outgoing one: theta = 180 - " + TU + " = " + TH + " degrees, so sin(theta/2) = " + SH
                + ". Junction deviation: delta = v_sc^2 (sqrt(2) - 1)/a = " + JD + " mm.");
        b.think("Limit: v^2 = a delta sin(theta/2)/(1 - sin(theta/2)) = " + JV2 + " mm^2/s^2, v = " + VJ + " mm/s. "
                + b.pick("Hmm, that is much higher than a square corner's " + S + " mm/s, which makes sense: 1 - sin(theta/2) is small for a nearly straight joint. ",
                        "Compared with the " + S + " mm/s of a square corner this is generous, because the denominator 1 - sin(theta/2) is tiny for so slight a turn. ")
                + "The centripetal cap (half a chord) gives sqrt((1/2) L a tan(theta/2)) = " + VCEN + " mm/s, so the corner limit is " + VL + " mm/s.");
        b.think("Compare with the chord speed " + CR + " mm/s: "
                + (junctionRules ? "the corner limit is lower, so the toolhead must slow to " + VL + " mm/s at every joint; the trace's junction speed " + VE
                        + " mm/s matches. The arc is traced with a small dip at each chord joint."
                        : "the corner limit is higher, so the chords run straight through their joints at the cruise speed; the trace's junction speed " + VE + " mm/s equals the cruise speed."));
        b.think("The circle's radius follows from the chord: r = L/(2 sin(pi/n)) = " + LC + "/(2 sin(pi/" + NCH + ")) = " + RAD
                + " mm. How many chords would let the arc run at the chord speed? Set the deviation limit equal to v: sin(theta/2)/(1 - sin(theta/2)) = v^2/(v_sc^2 (sqrt(2) - 1)) = k = " + K
                + ", so sin(theta/2) = k/(1 + k). With theta/2 = 90 - 180/n degrees, sin(theta/2) = cos(pi/n), giving n = pi/acos(k/(1 + k)) = " + NS + ", i.e. at least " + NN
                + " chords (the half-chord cap must also allow it).");

        b.controlProblem("A " + NCH + "-chord polygonal arc (chord " + LC + " mm, joint turn " + TU + " degrees) is printed at a chord speed of " + CR
                + " mm/s with square-corner speed " + S + " mm/s and acceleration " + A + " mm/s^2. Find the junction limit, which constraint binds, and the chord count needed for full speed.");
        b.context("- Hardware limitations: every junction is a small velocity direction change that the motors must absorb; the corner rule bounds it through the acceleration " + A + " mm/s^2.\n"
                + "- Real-time requirements: the look-ahead must see several chords ahead to plan a steady speed; short chords mean many junctions per second for the planner.\n"
                + "- Safety requirements: slowing at each joint also changes the extrusion rate; the extruder follows the toolhead speed, so the corner rule keeps both within their limits.");
        b.analysis("Step 1: Angle. theta = 180 - " + TU + " = " + TH + " degrees; sin(theta/2) = " + SH + ".\n\n"
                + "Step 2: Deviation limit. delta = " + JD + " mm; v^2 = " + JV2 + " mm^2/s^2; v = " + VJ + " mm/s.\n\n"
                + "Step 3: Centripetal cap. " + VCEN + " mm/s; corner limit " + VL + " mm/s.\n\n"
                + "Step 4: Compare. Chord speed " + CR + " mm/s; " + (junctionRules ? "the corner limit binds" : "the chord speed binds") + "; recorded junction speed " + VE + " mm/s.\n\n"
                + "Step 5: Geometry and optimisation. r = " + RAD + " mm; k = " + K + "; n = pi/acos(k/(1 + k)) = " + NS + ", so " + NN + " chords or more run at full speed.");
        b.rust("The corner limit is a pure function over a validated polygon; the polygon type refuses fewer than three chords, so pi/n never produces a degenerate angle.",
                """
                use std::f64::consts::PI;

                #[derive(Debug, Clone, Copy)]
                pub struct Polygon {
                    chords: u32,
                    chord_mm: f64,
                }

                impl Polygon {
                    pub fn new(chords: u32, chord_mm: f64) -> Option<Polygon> {
                        if chords < 3 || !(chord_mm > 0.0) {
                            return None;
                        }
                        Some(Polygon { chords, chord_mm })
                    }
                    pub fn radius(&self) -> f64 {
                        self.chord_mm / (2.0 * (PI / f64::from(self.chords)).sin())
                    }
                }

                /// Deviation limit (mm/s) for a joint whose heading turns by `turn_deg`.
                pub fn joint_limit(turn_deg: f64, corner_speed: f64) -> f64 {
                    let sin_half = ((180.0 - turn_deg) / 2.0).to_radians().sin();
                    (corner_speed * corner_speed * (2f64.sqrt() - 1.0) * sin_half / (1.0 - sin_half)).sqrt()
                }

                /// Chord count at which the deviation limit reaches `speed`.
                pub fn chords_for_speed(speed: f64, corner_speed: f64) -> f64 {
                    let k = speed * speed / (corner_speed * corner_speed * (2f64.sqrt() - 1.0));
                    PI / (k / (1.0 + k)).acos()
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_arc() {
                        assert!(((joint_limit(%TU, %S) - %VJ) / %VJ).abs() < 0.01);
                        assert!((chords_for_speed(%CR, %S) - %NS).abs() < 1e-2);
                        let p = Polygon::new(%NCH, %LC).unwrap();
                        assert!((p.radius() - %RAD).abs() < 1e-2);
                        assert!(Polygon::new(2, %LC).is_none());
                    }
                }
                """.replace("%TU", TU).replace("%S", S).replace("%VJ", VJ).replace("%CR", CR).replace("%NS", NS).replace("%NCH", NCH).replace("%LC", LC).replace("%RAD", RAD),
                "Keeping the fields private means the radius method can divide by sin(pi/n) without checking: the constructor already excluded n below three.");
        b.safety("The speed through each joint, " + VE + " mm/s, does not exceed the corner limit " + VL + " mm/s, and the chords never exceed their cruise speed " + CR
                + " mm/s. With the limit monotone in the chord count, refining the polygon can only raise the permitted speed, never make a joint more violent.");
        b.edgeCases("- Very fine polygons: the turn per joint shrinks toward 0 and sin(theta/2) toward 1, so the deviation limit grows without bound; the half-chord cap then takes over, because the chords also get shorter.\n"
                + "- Coordinates rounded by the slicer make the joint turns scatter around 360/n (here " + TU + " against " + ITU + " degrees), so the limit varies slightly from joint to joint.\n"
                + "- A polygon with very few chords (a hexagon, say) has real corners, and the arc degenerates into corner-by-corner slowdowns.");
        b.alternatives("Sending true arcs and letting the planner follow a circle at constant centripetal acceleration (v^2 = a r) would avoid the junction dips entirely; "
                + "alternatively the slicer can merge nearly collinear chords. Raising the square-corner speed also helps but loosens every real corner on the part as well.");
        switch (ask) {
            case "limit" -> b.answer("mm/s", 1e-3, vj <= vcen ? "v_jd" : "v_cen");
            case "compare" -> b.answer("mm/s", 1e-3, vj <= vcen ? "v_jd" : "v_cen", "v_end");
            default -> b.answer("", 1e-2, "n_star");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.Move p) || !(trace.at(ref.records().toLine()) instanceof TraceRecord.Move c)) {
            return r;
        }
        double scv = trace.setting("square_corner_velocity_mm_per_s");
        double a = c.accelMmPerS2();
        double pdx = p.endMm()[0] - p.startMm()[0], pdy = p.endMm()[1] - p.startMm()[1];
        double cdx = c.endMm()[0] - c.startMm()[0], cdy = c.endMm()[1] - c.startMm()[1];
        double lp = Math.hypot(pdx, pdy), lc = Math.hypot(cdx, cdy);
        // Turn from the dot and cross products of the two chords.
        double turn = Math.toDegrees(Math.atan2(Math.abs(pdx * cdy - pdy * cdx), pdx * cdx + pdy * cdy));
        double chords = ref.param("chords");
        // sin(theta/2) = cos(turn/2), tan(theta/2) = 1/tan(turn/2).
        double sh = Math.cos(Math.toRadians(turn / 2));
        double jd = scv * scv * (Math.sqrt(2) - 1) / a;
        r.put("scv", scv);
        r.put("accel", a);
        r.put("lc", lc);
        r.put("chords", chords);
        r.put("turn", turn);
        r.put("ideal_turn", 360 / chords);
        r.put("theta", 180 - turn);
        r.put("sin_half", sh);
        r.put("jd", jd);
        double radiusOfArc = jd * sh / (1 - sh);
        r.put("jv2", a * radiusOfArc);
        r.put("v_jd", Math.sqrt(a * radiusOfArc));
        r.put("v_cen", Math.sqrt(Math.min(lp, lc) * a / (2 * Math.tan(Math.toRadians(turn / 2)))));
        r.put("cruise", c.cruiseVMmPerS());
        r.put("v_end", p.endVMmPerS());
        // Circumradius from the polygon's perimeter-to-diameter relation: n L = 2 n r sin(pi/n).
        r.put("radius", chords * lc / (2 * chords * Math.sin(Math.PI / chords)));
        double v = c.cruiseVMmPerS();
        double k = v * v / (scv * scv * (Math.sqrt(2) - 1));
        r.put("k_ratio", k);
        // Solve cos(pi/n) = k/(1 + k) for n by bisection.
        double lo = 1, hi = 1e6;
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            if (Math.cos(Math.PI / mid) < k / (1 + k)) lo = mid;
            else hi = mid;
        }
        r.put("n_star", 0.5 * (lo + hi));
        r.put("n_need", Math.ceil(0.5 * (lo + hi)));
        return r;
    }
}
