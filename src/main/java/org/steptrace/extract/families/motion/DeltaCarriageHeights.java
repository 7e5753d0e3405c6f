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
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * A rest-to-rest move on a linear delta: the three carriage heights h_i = sqrt(L^2 - (tx_i - x)^2 -
 * (ty_i - y)^2) + z at the move's start and end, with the towers at 210, 330 and 90 degrees on the
 * delta radius, and each carriage's travel in steps, checked against the signed step counts the
 * host sent to each tower during the move.
 */
public final class DeltaCarriageHeights implements Family {
    private static final String[] ASKS = {"heights", "travel", "one-tower"};
    private static final String[] TOWERS = {"a", "b", "c"};
    private static final double[] ANGLES = {210, 330, 90};

    @Override
    public String id() {
        return "delta-carriage-heights";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    static double height(double radius, double arm, double angleDeg, double[] p) {
        double tx = radius * Math.cos(Math.toRadians(angleDeg)), ty = radius * Math.sin(Math.toRadians(angleDeg));
        double d2 = (tx - p[0]) * (tx - p[0]) + (ty - p[1]) * (ty - p[1]);
        return Math.sqrt(arm * arm - d2) + p[2];
    }

    /** Signed steps (+1 for direction pin 1) sent to {@code stepper} in the runs whose first step falls within the move. */
    static long signedSent(List<TraceView.At<TraceRecord.StepBatch>> batches, String stepper, TraceRecord.Move m, double f) {
        long from = (long) Math.floor((m.printTimeS() - 1e-4) * f), to = (long) Math.ceil((m.printTimeS() + m.durationS() + 2e-3) * f);
        long sum = 0;
        for (TraceView.At<TraceRecord.StepBatch> at : batches) {
            TraceRecord.StepBatch b = at.record();
            if (b.stepper().equals(stepper) && b.firstClock() >= from && b.firstClock() <= to) sum += (b.dir() == 1 ? 1 : -1) * (long) b.count();
        }
        return sum;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        if (!"delta".equals(trace.settingText("kinematics"))) return out;
        double radius = trace.setting("delta_radius_mm");
        double f = trace.clockHz();
        double[] arm = new double[3], step = new double[3];
        for (int i = 0; i < 3; i++) {
            arm[i] = trace.setting("stepper.stepper_" + TOWERS[i] + ".arm_length_mm");
            step[i] = trace.setting("stepper.stepper_" + TOWERS[i] + ".step_distance_mm");
            if (!(arm[i] > 0 && step[i] > 0)) return out;
        }
        if (!(radius > 0)) return out;
        List<TraceView.At<TraceRecord.StepBatch>> batches = trace.all(TraceRecord.StepBatch.class);
        int n = 0;
        for (TraceView.At<TraceRecord.Move> at : trace.all(TraceRecord.Move.class)) {
            TraceRecord.Move m = at.record();
            if (m.startVMmPerS() > 1e-9 || m.endVMmPerS() > 1e-9) continue;
            if (Math.hypot(m.endMm()[0] - m.startMm()[0], m.endMm()[1] - m.startMm()[1]) < 0.5) continue; // vertical moves: all carriages alike
            Map<String, Double> obs = new HashMap<>();
            boolean ok = true;
            double big = 0;
            for (int i = 0; i < 3 && ok; i++) {
                double h0 = height(radius, arm[i], ANGLES[i], m.startMm()), h1 = height(radius, arm[i], ANGLES[i], m.endMm());
                double ideal = (h1 - h0) / step[i];
                long sent = signedSent(batches, "stepper_" + TOWERS[i], m, f);
                // The direction pin's sense is a wiring choice: accept either, but the magnitude must be the travel to within a step.
                if (!Double.isFinite(ideal) || Math.abs(Math.abs(sent) - Math.abs(ideal)) >= 1 || (Math.abs(ideal) >= 1 && sent == 0)) ok = false;
                big = Math.max(big, Math.abs(ideal));
                obs.put("sent_" + i, (double) Math.abs(sent));
            }
            if (!ok || big < 21) continue; // keep at least one count large enough to check
            obs.put("radius", radius);
            obs.put("arm", arm[0]);
            obs.put("step", step[0]);
            if (arm[1] != arm[0] || arm[2] != arm[0] || step[1] != step[0] || step[2] != step[0]) continue;
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n % ASKS.length]);
            labels.put("tower", TOWERS[n % 3]);
            n++;
            labels.put("scenario", TrianglePeakSpeed.scenarioOf(trace));
            out.add(new Finding(RecordRange.of(at.line()), labels, Map.of(), obs));
            if (out.size() >= 20) break;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding fi, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, fi, rng);
        TraceRecord.Move m = (TraceRecord.Move) trace.at(fi.records().fromLine());
        double radius = fi.observed("radius"), arm = fi.observed("arm"), step = fi.observed("step");
        double[] p0 = m.startMm(), p1 = m.endMm();
        String ask = fi.label("ask");
        int focus = 0;
        for (int i = 1; i < 3; i++) {
            if (fi.observed("sent_" + i) > fi.observed("sent_" + focus)) focus = i;
        }
        b.literal(210, 330); // the towers' conventional angles, degrees

        String R = b.q("radius", radius, 3, "mm"), L = b.q("arm", arm, 3, "mm"), S = b.sig("step", step, 5, "mm");
        String X0 = b.q("x0", p0[0], 3, "mm"), Y0 = b.q("y0", p0[1], 3, "mm"), Z0 = b.q("z0", p0[2], 3, "mm");
        String X1 = b.q("x1", p1[0], 3, "mm"), Y1 = b.q("y1", p1[1], 3, "mm"), Z1 = b.q("z1", p1[2], 3, "mm");
        String[] tx = new String[3], ty = new String[3], d2 = new String[3], h0 = new String[3], h1 = new String[3], dh = new String[3], id = new String[3], sent = new String[3];
        double[] dh1 = new double[3];
        for (int i = 0; i < 3; i++) {
            double a = Math.toRadians(ANGLES[i]);
            double txv = radius * Math.cos(a), tyv = radius * Math.sin(a);
            tx[i] = b.q("tx_" + i, txv, 3, "mm");
            ty[i] = b.q("ty_" + i, tyv, 3, "mm");
            double dd = (txv - p1[0]) * (txv - p1[0]) + (tyv - p1[1]) * (tyv - p1[1]);
            d2[i] = b.q("d2_" + i, dd, 2, "mm^2");
            double hs = height(radius, arm, ANGLES[i], p0), he = height(radius, arm, ANGLES[i], p1);
            h0[i] = b.q("h0_" + i, hs, 4, "mm");
            h1[i] = b.q("h1_" + i, he, 4, "mm");
            dh1[i] = he - hs;
            dh[i] = b.q("dh_" + i, he - hs, 4, "mm");
            id[i] = b.q("ideal_" + i, Math.abs(he - hs) / step, 2, "steps");
            long sv = Math.round(fi.observed("sent_" + i));
            sent[i] = sv <= 20 ? Long.toString(sv) : b.count("sent_" + i, sv, "steps");
        }
        String T = TOWERS[focus].toUpperCase();

        String scen = switch (fi.label("scenario")) {
            case "short-moves" -> "in a test of short hops";
            case "homing" -> "between homing cycles";
            case "print" -> "while positioning for a print";
            default -> "during a motion test";
        };
        String situation = b.pick(
                "A linear delta printer (delta radius " + R + " mm, diagonal arms " + L + " mm, towers A, B, C at 210, 330 and 90 degrees) moved " + scen + " from ("
                        + X0 + ", " + Y0 + ", " + Z0 + ") to (" + X1 + ", " + Y1 + ", " + Z1 + ") mm, starting and ending at rest.",
                "On a delta machine whose towers stand at 210, 330 and 90 degrees on a circle of radius " + R + " mm, with " + L + " mm arms, the effector went " + scen
                        + " from (" + X0 + ", " + Y0 + ", " + Z0 + ") mm to (" + X1 + ", " + Y1 + ", " + Z1 + ") mm.",
                "Consider a delta printer: tower radius " + R + " mm, arm length " + L + " mm, towers at angles 210, 330 and 90 degrees. One rest-to-rest move " + scen
                        + " took the nozzle from (" + X0 + ", " + Y0 + ", " + Z0 + ") to (" + X1 + ", " + Y1 + ", " + Z1 + ") mm.");
        String carriage = b.pick(" Each carriage moves " + S + " mm per step.", " The carriage motors move " + S + " mm per step.",
                " Step distance on every tower: " + S + " mm.");
        String question = switch (ask) {
            case "heights" -> b.pick(" At what heights do the three carriages sit at the end of the move?", " Find the carriage heights for the end point.",
                    " Compute the three carriage positions for the end point.");
            case "travel" -> b.pick(" How far, and how many steps, does each carriage travel during the move?",
                    " Find each carriage's displacement and its step count.", " How much does each tower's carriage move, in mm and in steps?");
            default -> b.pick(" Follow tower " + T + ": where is its carriage before and after, and how many steps does it make?",
                    " For tower " + T + " alone, find the carriage height at both ends of the move and the steps it takes.",
                    " What does tower " + T + "'s carriage do during this move?");
        };
        b.problem(situation + carriage + question);

        b.think("First, let me understand what's happening physically. Each arm has fixed length L and joins a carriage on a vertical tower to the effector. "
                + "So the horizontal distance d from the tower to the nozzle and the vertical offset h - z form a right triangle with hypotenuse L: h = z + sqrt(L^2 - d^2). "
                + "The carriage sits above the nozzle, never below, so the positive root is the right one.");
        b.think("Tower positions: (R cos a, R sin a). A at 210 degrees: (" + tx[0] + ", " + ty[0] + "); B at 330: (" + tx[1] + ", " + ty[1] + "); C at 90: (" + tx[2] + ", " + ty[2]
                + "). " + b.pick("Wait, I should double-check the signs: at 210 degrees both cos and sin are negative, so A is at the back left, which matches.",
                        "Sanity check on the signs: A and B share the same y, C sits on the y axis, as the angles say."));
        b.think("End point: d^2 to A = " + d2[0] + " mm^2, to B = " + d2[1] + ", to C = " + d2[2] + ". With L^2 = " + L + "^2, heights h = " + Z1 + " + sqrt(L^2 - d^2): A "
                + h1[0] + " mm, B " + h1[1] + " mm, C " + h1[2] + " mm.");
        b.think("Start point, same way: A " + h0[0] + ", B " + h0[1] + ", C " + h0[2] + " mm. Travel: A " + dh[0] + " mm, B " + dh[1] + " mm, C " + dh[2]
                + " mm. Which way should each go? Moving the nozzle away from a tower increases d, so L^2 - d^2 shrinks and that carriage drops; moving toward a tower raises it. "
                + b.pick("Wait, I first expected the carriages to follow the nozzle's direction, but it is the distance to each tower that counts, as the signs above show.",
                        "The signs of the three travels are consistent with that picture."));
        b.think("In steps: |dh|/s = " + id[0] + ", " + id[1] + ", " + id[2] + ". The host sent " + sent[0] + ", " + sent[1] + " and " + sent[2]
                + " steps: each within one step of the ideal, the difference being where the carriage's step grid sits after homing.");

        b.controlProblem("Delta kinematics with R = " + R + " mm, L = " + L + " mm, towers at 210, 330, 90 degrees: find the carriage heights for the move from (" + X0 + ", " + Y0 + ", " + Z0
                + ") to (" + X1 + ", " + Y1 + ", " + Z1 + ") mm, their travel and step counts at " + S + " mm/step.");
        b.context("- Hardware limitations: the arms must never pass horizontal (d < L) and in practice stay well steeper; near the towers' reach limit a small XY move needs a large carriage move.\n"
                + "- Real-time requirements: the carriage motion is non-linear in the nozzle path, so a straight nozzle move is sampled into step times by solving the kinematics continuously, not by one linear ramp per tower.\n"
                + "- Safety requirements: a target with d >= L has no solution; it must be rejected before motion rather than producing a NaN height.");
        b.analysis("Step 1: Towers. A (" + tx[0] + ", " + ty[0] + "), B (" + tx[1] + ", " + ty[1] + "), C (" + tx[2] + ", " + ty[2] + ") mm.\n\n"
                + "Step 2: End heights. h = z + sqrt(L^2 - d^2): " + h1[0] + ", " + h1[1] + ", " + h1[2] + " mm.\n\n"
                + "Step 3: Start heights. " + h0[0] + ", " + h0[1] + ", " + h0[2] + " mm.\n\n"
                + "Step 4: Travel. " + dh[0] + ", " + dh[1] + ", " + dh[2] + " mm, i.e. " + id[0] + ", " + id[1] + ", " + id[2] + " steps; sent " + sent[0] + ", " + sent[1] + ", " + sent[2] + ".");
        b.rust("Inverse kinematics returns Option per tower, so an unreachable point is a value the caller must handle; the towers are a fixed-size array, so there is no way to forget one.",
                """
                #[derive(Debug, Clone, Copy)]
                pub struct Delta {
                    pub towers: [(f64, f64); 3],
                    pub arm: f64,
                }

                impl Delta {
                    pub fn new(radius: f64, arm: f64, angles_deg: [f64; 3]) -> Delta {
                        let mut towers = [(0.0, 0.0); 3];
                        for (t, a) in towers.iter_mut().zip(angles_deg.iter()) {
                            let r = a.to_radians();
                            *t = (radius * r.cos(), radius * r.sin());
                        }
                        Delta { towers, arm }
                    }

                    /// Carriage heights for a nozzle position, or None if any arm cannot reach.
                    pub fn carriages(&self, x: f64, y: f64, z: f64) -> Option<[f64; 3]> {
                        let mut h = [0.0; 3];
                        for (hi, (tx, ty)) in h.iter_mut().zip(self.towers.iter()) {
                            let d2 = (tx - x).powi(2) + (ty - y).powi(2);
                            let v = self.arm * self.arm - d2;
                            if v <= 0.0 {
                                return None;
                            }
                            *hi = z + v.sqrt();
                        }
                        Some(h)
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_move() {
                        let d = Delta::new(%R, %L, [210.0, 330.0, 90.0]);
                        let end = d.carriages(%X1, %Y1, %Z1).unwrap();
                        let start = d.carriages(%X0, %Y0, %Z0).unwrap();
                        assert!((end[%F] - %HF).abs() < 1e-2);
                        assert!((end[0] - %HA).abs() < 1e-2);
                        assert!((end[1] - %HB).abs() < 1e-2);
                        assert!((end[2] - %HC).abs() < 1e-2);
                        assert!(((end[%F] - start[%F]) - %DF).abs() < 1e-2);
                        assert!(d.carriages(%R * 3.0, 0.0, 0.0).is_none());
                    }
                }
                """.replace("%R", R).replace("%L", L).replace("%X1", X1).replace("%Y1", Y1).replace("%Z1", Z1).replace("%X0", X0).replace("%Y0", Y0)
                        .replace("%Z0", Z0).replace("%HF", h1[focus]).replace("%HA", h1[0]).replace("%HB", h1[1]).replace("%HC", h1[2]).replace("%DF", dh[focus])
                        .replace("%F", Integer.toString(focus)),
                "The carriage array is returned by value ([f64; 3] is Copy), so no caller can hold a reference into solver state that a later call changes.");
        b.safety("All three arms reach the end point: the smallest L^2 - d^2 is positive, so every height is real and above the nozzle. The step counts sent ("
                + sent[0] + ", " + sent[1] + ", " + sent[2] + ") match the kinematic travel to within one step, so the nozzle lands where the planner intended.");
        b.edgeCases("- Points near the edge of the build circle: d approaches L for the far tower, the arm flattens, and sqrt(L^2 - d^2) changes steeply, so a small XY error means a large carriage error; planners reduce speed there.\n"
                + "- Straight nozzle lines are curves in carriage space: the carriage speed is not proportional to nozzle speed and can reverse in the middle of a move.\n"
                + "- Unequal arm lengths or tower angles (calibration) change each tower's formula; here all three are equal.");
        b.alternatives("A forward solver (trilateration of three spheres) maps carriages back to the nozzle and is needed after homing; the inverse map used here is cheap and closed form. "
                + "Approximating each move as linear in carriage space would be wrong except over very short segments, which is why delta step generation evaluates the kinematics at every step.");
        switch (ask) {
            case "heights" -> b.answer("mm", 1e-3, "h1_0", "h1_1", "h1_2");
            case "travel" -> b.answer("mm", 1e-3, "dh_0", "dh_1", "dh_2");
            default -> b.answer("mm, mm, steps", 1e-3, "h0_" + focus, "h1_" + focus, "sent_" + focus);
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.Move m)) return r;
        double radius = trace.setting("delta_radius_mm");
        double arm = trace.setting("stepper.stepper_a.arm_length_mm"), step = trace.setting("stepper.stepper_a.step_distance_mm");
        double[] p0 = m.startMm(), p1 = m.endMm();
        r.put("radius", radius);
        r.put("arm", arm);
        r.put("step", step);
        String[] k = {"x", "y", "z"};
        for (int j = 0; j < 3; j++) {
            r.put(k[j] + "0", p0[j]);
            r.put(k[j] + "1", p1[j]);
        }
        double f = trace.header().clockFreqHz();
        List<TraceView.At<TraceRecord.StepBatch>> batches = trace.all(TraceRecord.StepBatch.class);
        for (int i = 0; i < 3; i++) {
            double a = Math.toRadians(ANGLES[i]);
            double c = Math.cos(a), s = Math.sin(a);
            r.put("tx_" + i, radius * c);
            r.put("ty_" + i, radius * s);
            // Law of cosines: d^2 = R^2 + rho^2 - 2 R (x cos a + y sin a), with rho the nozzle's distance from the centre.
            double d2e = radius * radius + p1[0] * p1[0] + p1[1] * p1[1] - 2 * radius * (p1[0] * c + p1[1] * s);
            double d2s = radius * radius + p0[0] * p0[0] + p0[1] * p0[1] - 2 * radius * (p0[0] * c + p0[1] * s);
            r.put("d2_" + i, d2e);
            double he = p1[2] + Math.sqrt((arm - Math.sqrt(d2e)) * (arm + Math.sqrt(d2e)));
            double hs = p0[2] + Math.sqrt((arm - Math.sqrt(d2s)) * (arm + Math.sqrt(d2s)));
            r.put("h1_" + i, he);
            r.put("h0_" + i, hs);
            r.put("dh_" + i, he - hs);
            r.put("ideal_" + i, Math.abs(he - hs) / step);
            r.put("sent_" + i, (double) Math.abs(signedSentAgain(batches, "stepper_" + TOWERS[i], m, f)));
        }
        return r;
    }

    private static long signedSentAgain(List<TraceView.At<TraceRecord.StepBatch>> batches, String stepper, TraceRecord.Move m, double f) {
        long sum = 0;
        double from = m.printTimeS() - 1e-4, to = m.printTimeS() + m.durationS() + 2e-3;
        for (TraceView.At<TraceRecord.StepBatch> at : batches) {
            TraceRecord.StepBatch b = at.record();
            if (!b.stepper().equals(stepper)) continue;
            double t = b.firstClock() / f;
            if (t >= from && t <= to) sum += b.dir() == 1 ? b.count() : -b.count();
        }
        return sum;
    }
}
