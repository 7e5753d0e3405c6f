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
 * A short planar move that starts and ends at rest and never reaches its requested speed: the
 * peak a pure triangle would reach, sqrt(a L), against the peak the planner chose when it keeps
 * a minimum cruise fraction r of the move, sqrt(a (1 - r) L); the time to that peak, the move's
 * duration, and the length a chosen target speed would need. Checked against the move record's
 * cruise speed and duration.
 */
public final class TrianglePeakSpeed implements Family {
    private static final String[] ASKS = {"peak", "time-to-peak", "min-length", "duration"};

    @Override
    public String id() {
        return "triangle-peak-speed";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double ratio = trace.setting("minimum_cruise_ratio");
        if (!Double.isFinite(ratio) || ratio < 0 || ratio >= 1) return out;
        String scenario = scenarioOf(trace);
        int n = 0;
        for (TraceView.At<TraceRecord.Move> at : trace.all(TraceRecord.Move.class)) {
            TraceRecord.Move m = at.record();
            if (!Moves.isPlanar(m, 0.2)) continue;
            if (m.startVMmPerS() > 1e-9 || m.endVMmPerS() > 1e-9) continue;
            double len = Moves.lengthMm(m), a = m.accelMmPerS2(), vc = m.cruiseVMmPerS();
            double peak2 = a * (1 - ratio) * len;
            if (Math.abs(vc * vc - peak2) > 1e-7 * peak2) continue; // reached its requested speed: a trapezoid
            Map<String, Double> obs = new HashMap<>();
            obs.put("length", len);
            obs.put("accel", a);
            obs.put("ratio", ratio);
            obs.put("vc", vc);
            obs.put("duration", m.durationS());
            double target = 50 * Math.ceil(vc * 1.6 / 50);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
            labels.put("scenario", scenario);
            labels.put("axis", Math.abs(m.endMm()[1] - m.startMm()[1]) < 1e-9 ? "x" : Math.abs(m.endMm()[0] - m.startMm()[0]) < 1e-9 ? "y" : "xy");
            out.add(new Finding(RecordRange.of(at.line()), labels, Map.of("target", target), obs));
            if (out.size() >= 20) break;
        }
        return out;
    }

    static String scenarioOf(TraceView trace) {
        String g = trace.header().gcode();
        if (g == null) return "unknown";
        String id = g.contains(":") ? g.substring(0, g.indexOf(':')) : g;
        for (String k : new String[] {"short-moves", "corners", "print", "lossy-link", "late-host", "homing"}) {
            if (id.contains(k)) return k;
        }
        return "other";
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double len = f.observed("length"), a = f.observed("accel"), r = f.observed("ratio");
        double vTri = Math.sqrt(a * len);
        double aEff = a * (1 - r);
        double vp = Math.sqrt(aEff * len);
        double tPeak = vp / a;
        double dAcc = vp * vp / (2 * a);
        double dCruise = len - 2 * dAcc;
        double tCruise = dCruise / vp;
        double total = 2 * tPeak + tCruise;
        double target = f.param("target");
        double lMin = target * target / aEff;
        double lTri = target * target / a;
        String ask = f.label("ask");
        String kin = f.label("kinematics");
        String axis = f.label("axis");

        String L = b.q("length", len, 3, "mm"), A = b.q("accel", a, 1, "mm/s^2"), R = b.q("ratio", r, 2, "");
        String AE = b.q("accel_eff", aEff, 1, "mm/s^2");
        String VT = b.q("v_triangle", vTri, 3, "mm/s"), VP = b.q("v_peak", vp, 3, "mm/s");
        String TP = b.q("t_peak", tPeak, 5, "s"), DA = b.q("d_acc", dAcc, 4, "mm"), DC = b.q("d_cruise", dCruise, 4, "mm");
        String TC = b.q("t_cruise", tCruise, 5, "s"), TT = b.q("total", total, 5, "s");
        String AL = b.q("a_times_l", a * len, 2, "mm^2/s^2"), AEL = b.q("aeff_times_l", aEff * len, 2, "mm^2/s^2");

        String where = switch (f.label("scenario")) {
            case "short-moves" -> b.pick("a test job of short hops separated by pauses", "a run of brief back-and-forth jogs, each followed by a dwell",
                    "a sequence of deliberately short moves with a pause after each");
            case "corners" -> b.pick("a job of straight moves meeting at corners", "a corner-speed test run");
            default -> b.pick("a print job", "a short print");
        };
        String dir = axis.equals("xy") ? "diagonal" : axis.toUpperCase() + "-axis";
        String situation = b.pick(
                "On a " + kin + " printer running " + where + ", the planner handled a " + dir + " move of " + L + " mm that starts and ends at rest.",
                "A trace of " + where + " on a " + kin + " machine contains a " + dir + " move of only " + L
                        + " mm; the toolhead is stationary before and after it.",
                "During " + where + " (" + kin + " kinematics) the host planned a " + L + " mm " + dir
                        + " move from standstill to standstill, far too short to reach the speed the job asked for.");
        String limits = b.pick(
                " The acceleration limit is " + A + " mm/s^2, and the planner insists that at least a fraction r = " + R
                        + " of every move is spent cruising (it accelerates with a reduced pseudo-acceleration a(1 - r) when deciding the peak).",
                " Acceleration is capped at " + A + " mm/s^2. The planner also enforces a minimum cruise ratio of " + R
                        + ": the peak speed is chosen as if the acceleration were only a(1 - r), so a constant-speed section survives.",
                " Its acceleration limit is " + A + " mm/s^2 and its minimum cruise ratio is " + R
                        + " (the peak is picked with the pseudo-acceleration a(1 - r) so the profile keeps a plateau).");
        String T = b.q("target", target, 1, "mm/s");
        String LM = b.q("l_min", lMin, 3, "mm");
        String question = switch (ask) {
            case "peak" -> b.pick(" What peak speed does the move actually reach, and how does it compare with a pure triangular profile?",
                    " Find the speed at the top of the profile in mm/s.",
                    " Determine the planner's peak speed for this move.");
            case "time-to-peak" -> b.pick(" How long after the start does the toolhead reach its top speed?",
                    " Find the time spent accelerating to the peak, in seconds.",
                    " Compute the time to peak speed.");
            case "min-length" -> b.pick(" Had the job requested " + T + " mm/s, how long would the move have to be for the planner to reach it?",
                    " What is the shortest move, under the same rules, that could reach a requested " + T + " mm/s?",
                    " Find the minimum move length that would allow a cruise at " + T + " mm/s.");
            default -> b.pick(" How long does the whole move take?", " Find the total duration of the move in seconds.",
                    " Compute the move's duration from start to stop.");
        };
        b.problem(situation + limits + question);

        b.think("First, let me understand what's happening physically. The move starts and ends at zero speed and is short, so the toolhead "
                + "speeds up, perhaps holds, and slows down again without ever getting near the requested feed rate. With equal ramps at "
                + A + " mm/s^2 the profile is symmetric: the peak sits in the middle.");
        b.think("A pure triangle would use the whole length for the two ramps: each ramp covers L/2, so v^2 = 2 a (L/2) = a L = " + AL
                + " mm^2/s^2, giving v = " + VT + " mm/s. " + b.pick("So the answer is " + VT + " mm/s? ", "That would be the peak if nothing else applied. ")
                + "Wait, that ignores the minimum cruise ratio. The planner picks the peak with the pseudo-acceleration a(1 - r) = " + A + " x (1 - "
                + R + ") = " + AE + " mm/s^2, so v_p^2 = " + AE + " x " + L + " = " + AEL + " mm^2/s^2 and v_p = " + VP + " mm/s.");
        b.think("Let me check that this leaves the promised plateau. Each real ramp at " + A + " mm/s^2 covers v_p^2/(2a) = " + DA
                + " mm, so the two ramps together take 2 x " + DA + " mm and the cruise is " + L + " - 2 x " + DA + " = " + DC
                + " mm, which is exactly r L. Good, the rule and the geometry agree.");
        b.think("Times: the ramp up takes v_p/a = " + VP + "/" + A + " = " + TP + " s; the plateau takes " + DC + "/" + VP + " = " + TC
                + " s; the total is 2 x " + TP + " + " + TC + " = " + TT + " s. Units: (mm/s)/(mm/s^2) = s, mm/(mm/s) = s. "
                + "Sanity check: the mean speed " + L + "/" + TT + " must be below the peak " + VP + " mm/s, and it is.");
        if (ask.equals("min-length")) {
            String LT = b.q("l_tri", lTri, 3, "mm");
            b.think("For a requested " + T + " mm/s the same rule demands a(1 - r) L >= v^2, so L >= " + T + "^2/" + AE + " = " + LM
                    + " mm. Without the cruise rule a triangle would need only v^2/a = " + LT + " mm; the rule multiplies the room needed by 1/(1 - r).");
        }

        b.controlProblem("A straight move of L = " + L + " mm starts and ends at rest, with acceleration a = " + A
                + " mm/s^2 and minimum cruise ratio r = " + R + ". Find its peak speed, time to peak and duration"
                + (ask.equals("min-length") ? ", and the shortest move that could cruise at " + T + " mm/s." : "."));
        b.context("- Hardware limitations: acceleration is bounded by " + A + " mm/s^2 (motor torque and frame stiffness), so short moves are acceleration-bound, not speed-bound.\n"
                + "- Real-time requirements: the host settles the profile before any step is generated; a profile change later would mean rewriting queued step timing.\n"
                + "- Safety requirements: the ramps must fit within the move (no negative cruise) and the toolhead must really be at rest at both ends, since the next move starts from zero.");
        StringBuilder an = new StringBuilder();
        an.append("Step 1: Pure triangle. Two ramps of L/2 each: v_tri = sqrt(a L) = sqrt(").append(AL).append(") = ").append(VT).append(" mm/s.\n\n");
        an.append("Step 2: Minimum cruise ratio. The peak is chosen with a(1 - r) = ").append(AE).append(" mm/s^2: v_p = sqrt(").append(AEL).append(") = ")
                .append(VP).append(" mm/s.\n\n");
        an.append("Step 3: Ramp and plateau. Each ramp covers v_p^2/(2a) = ").append(DA).append(" mm; the plateau covers ").append(DC)
                .append(" mm = r L.\n\n");
        an.append("Step 4: Times. Time to peak v_p/a = ").append(TP).append(" s; plateau ").append(TC).append(" s; total ").append(TT).append(" s.");
        if (ask.equals("min-length")) {
            String LT = b.text("l_tri");
            an.append("\n\nStep 5: Length for ").append(T).append(" mm/s. L_min = v^2/(a(1 - r)) = ").append(LM)
                    .append(" mm (a bare triangle would need ").append(LT).append(" mm).");
        }
        b.analysis(an.toString());
        b.rust("Acceleration and length are wrapped in newtypes so a speed cannot be passed where a length is expected, and the constructor rejects a ratio outside [0, 1).",
                """
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Mm(pub f64);
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct MmPerS2(pub f64);

                #[derive(Debug, PartialEq)]
                pub enum ProfileError {
                    BadAccel,
                    BadRatio,
                }

                /// Rest-to-rest short move with a minimum cruise fraction.
                #[derive(Debug, Clone, Copy)]
                pub struct ShortMove {
                    length: Mm,
                    accel: MmPerS2,
                    ratio: f64,
                }

                impl ShortMove {
                    pub fn new(length: Mm, accel: MmPerS2, ratio: f64) -> Result<Self, ProfileError> {
                        if !(accel.0 > 0.0) {
                            return Err(ProfileError::BadAccel);
                        }
                        if !(0.0..1.0).contains(&ratio) {
                            return Err(ProfileError::BadRatio);
                        }
                        Ok(ShortMove { length, accel, ratio })
                    }
                    /// Peak of a bare triangle (no plateau).
                    pub fn triangle_peak(&self) -> f64 {
                        (self.accel.0 * self.length.0).sqrt()
                    }
                    /// Peak chosen with the pseudo-acceleration a(1 - r).
                    pub fn peak(&self) -> f64 {
                        (self.accel.0 * (1.0 - self.ratio) * self.length.0).sqrt()
                    }
                    pub fn time_to_peak(&self) -> f64 {
                        self.peak() / self.accel.0
                    }
                    pub fn duration(&self) -> f64 {
                        let v = self.peak();
                        let ramp = v * v / (2.0 * self.accel.0);
                        2.0 * v / self.accel.0 + (self.length.0 - 2.0 * ramp) / v
                    }
                    /// Shortest move (same accel and ratio) whose peak reaches `v`.
                    pub fn min_length_for(&self, v: f64) -> Mm {
                        Mm(v * v / (self.accel.0 * (1.0 - self.ratio)))
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_short_move() {
                        let m = ShortMove::new(Mm(%L), MmPerS2(%A), %R).unwrap();
                        assert!((m.peak() - %VP).abs() < 1e-3);
                        assert!((m.triangle_peak() - %VT).abs() < 1e-3);
                        assert!((m.time_to_peak() - %TP).abs() < 1e-5);
                        assert!((m.duration() - %TT).abs() < 1e-5);
                        assert!((m.min_length_for(%T).0 - %QLMIN).abs() < 1e-3);
                    }

                    #[test]
                    fn rejects_bad_ratio() {
                        assert_eq!(ShortMove::new(Mm(%L), MmPerS2(%A), 1.0).err(), Some(ProfileError::BadRatio));
                    }
                }
                """.replace("%QLMIN", LM).replace("%L", L).replace("%A", A).replace("%R", R).replace("%VP", VP).replace("%VT", VT).replace("%TP", TP)
                        .replace("%TT", TT).replace("%T", T),
                "The fields are private, so every ShortMove in the program went through the checks in new(); the methods can then divide by the acceleration without re-testing it.");
        b.safety("The profile is feasible: the ramps need 2 x " + DA + " mm of the " + L + " mm, leaving " + DC
                + " mm at constant speed, never a negative distance because v_p^2 = a(1 - r)L < a L for r > 0. The peak " + VP
                + " mm/s is below the bare triangle's " + VT + " mm/s, so the acceleration limit holds everywhere and the toolhead is at rest when the next move begins.");
        b.edgeCases("- r = 0: the peak becomes the bare triangle's sqrt(a L) and the plateau vanishes; the formulas still hold.\n"
                + "- Non-zero entry or exit speed: the triangle peak generalises to sqrt((2 a L + v0^2 + v1^2)/2), and the cruise-ratio rule is applied to the pseudo-acceleration profile instead.\n"
                + "- A requested speed below v_p: the move then cruises at the requested speed and is an ordinary trapezoid.\n"
                + "- A zero-length or zero-acceleration move is rejected before any square root or division.");
        b.alternatives("Letting short moves reach the full triangle peak saves time (the bare triangle takes 2 sqrt(L/a)), but produces a sharp speed spike every few millimetres, "
                + "which excites frame resonances; the cruise-ratio rule trades a little time for a gentler profile. A jerk-limited S-curve would smooth it further at the cost of a cubic closed form.");
        switch (ask) {
            case "peak" -> b.answer("mm/s", 1e-3, "v_peak");
            case "time-to-peak" -> b.answer("s", 1e-5, "t_peak");
            case "min-length" -> b.answer("mm", 1e-3, "l_min");
            default -> b.answer("s", 1e-5, "total");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.Move m)) return r;
        double[] s = m.startMm(), e = m.endMm();
        double len = Math.hypot(Math.hypot(e[0] - s[0], e[1] - s[1]), e[2] - s[2]);
        double a = m.accelMmPerS2();
        Object cr = trace.settings().get("minimum_cruise_ratio");
        double ratio = cr instanceof Number num ? num.doubleValue() : Double.NaN;
        r.put("length", len);
        r.put("accel", a);
        r.put("ratio", ratio);
        r.put("accel_eff", a - a * ratio);
        r.put("a_times_l", len * a);
        r.put("aeff_times_l", len * (a - a * ratio));
        // Bare triangle: time to the middle is sqrt(L/a), peak = a * that time.
        r.put("v_triangle", a * Math.sqrt(len / a));
        // The planner's own peak and duration, as the move record holds them.
        double vp = m.cruiseVMmPerS();
        r.put("v_peak", vp);
        r.put("total", m.durationS());
        r.put("t_peak", vp / a);
        // Ramp distance as the area of the ramp's triangle in the v-t plane.
        double dAcc = 0.5 * vp * (vp / a);
        r.put("d_acc", dAcc);
        r.put("d_cruise", ratio * len);
        r.put("t_cruise", ratio * len / vp);
        double target = ref.param("target");
        r.put("target", target);
        // Minimum length: the pseudo-acceleration profile's ramps must cover the whole move.
        r.put("l_min", 2 * (target * target / (2 * (a - a * ratio))));
        r.put("l_tri", 2 * (0.5 * target * (target / a)));
        return r;
    }
}
