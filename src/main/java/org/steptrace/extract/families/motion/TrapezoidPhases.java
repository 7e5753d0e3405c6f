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
 * Phase durations of an executed trapezoidal move: from its length, entry, cruise and exit speed
 * and acceleration, the accelerate / cruise / decelerate times and their sum, checked against the
 * planner's own duration for the move in the trace.
 */
public final class TrapezoidPhases implements Family {
    private static final String[] ASKS = {"total", "cruise", "accel-distance"};

    @Override
    public String id() {
        return "trapezoid-phase-durations";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        int n = 0;
        for (TraceView.At<TraceRecord.Move> at : trace.all(TraceRecord.Move.class)) {
            TraceRecord.Move m = at.record();
            if (!Moves.isPlanar(m, 2.0)) continue;
            double dAcc = (m.cruiseVMmPerS() * m.cruiseVMmPerS() - m.startVMmPerS() * m.startVMmPerS()) / (2 * m.accelMmPerS2());
            double dDec = (m.cruiseVMmPerS() * m.cruiseVMmPerS() - m.endVMmPerS() * m.endVMmPerS()) / (2 * m.accelMmPerS2());
            if (Moves.lengthMm(m) - dAcc - dDec < 0.05) continue; // no cruise: another family's question
            if (m.cruiseVMmPerS() - Math.max(m.startVMmPerS(), m.endVMmPerS()) < 5) continue; // hardly a ramp: nothing to ask
            Map<String, Double> obs = new HashMap<>();
            obs.put("length", Moves.lengthMm(m));
            obs.put("v0", m.startVMmPerS());
            obs.put("vc", m.cruiseVMmPerS());
            obs.put("v1", m.endVMmPerS());
            obs.put("accel", m.accelMmPerS2());
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
            labels.put("extruding", Moves.extrudeMm(m) > 0 ? "yes" : "no");
            out.add(new Finding(RecordRange.of(at.line()), labels, Map.of(), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double len = f.observed("length"), v0 = f.observed("v0"), vc = f.observed("vc"), v1 = f.observed("v1"), a = f.observed("accel");
        double tAcc = (vc - v0) / a, tDec = (vc - v1) / a;
        double dAcc = (vc * vc - v0 * v0) / (2 * a), dDec = (vc * vc - v1 * v1) / (2 * a);
        double dCruise = len - dAcc - dDec, tCruise = dCruise / vc, total = tAcc + tCruise + tDec;
        String ask = f.label("ask");
        String kin = f.label("kinematics");
        boolean printing = f.label("extruding").equals("yes");

        String L = b.q("length", len, 3, "mm"), V0 = b.q("v0", v0, 3, "mm/s"), VC = b.q("vc", vc, 3, "mm/s"), V1 = b.q("v1", v1, 3, "mm/s");
        String A = b.q("accel", a, 1, "mm/s^2");
        String TA = b.q("t_acc", tAcc, 5, "s"), TD = b.q("t_dec", tDec, 5, "s");
        String DA = b.q("d_acc", dAcc, 4, "mm"), DD = b.q("d_dec", dDec, 4, "mm"), DC = b.q("d_cruise", dCruise, 4, "mm");
        String TC = b.q("t_cruise", tCruise, 5, "s"), TT = b.q("total", total, 5, "s");

        String situation = b.pick(
                "On a " + kin + " printer, the motion planner laid out a straight " + (printing ? "extruding" : "travel") + " move",
                "A trace from a " + kin + " machine records one " + (printing ? "printing" : "non-printing") + " move that the planner executed",
                "During a run on a " + kin + " printer the host planned a single straight " + (printing ? "extrusion" : "travel") + " segment");
        String givens = b.pick(
                " of " + L + " mm. It enters at " + V0 + " mm/s, cruises at " + VC + " mm/s and leaves at " + V1
                        + " mm/s, with a constant acceleration magnitude of " + A + " mm/s^2 for speeding up and slowing down.",
                ": length " + L + " mm, entry speed " + V0 + " mm/s, cruise speed " + VC + " mm/s, exit speed " + V1
                        + " mm/s, acceleration limit " + A + " mm/s^2 (used symmetrically).",
                " covering " + L + " mm; the observed profile starts at " + V0 + " mm/s, plateaus at " + VC
                        + " mm/s and ends at " + V1 + " mm/s, and every speed change used " + A + " mm/s^2.");
        String question = switch (ask) {
            case "total" -> b.pick(" How long does the move take from its first to its last instant? Give the total duration in seconds.",
                    " Compute the three phase durations and report the move's total duration in seconds.");
            case "cruise" -> b.pick(" For how many seconds does the toolhead travel at constant speed?",
                    " Find the duration of the constant-speed phase in seconds, showing that the profile really has one.");
            default -> b.pick(" How far (in mm) does the toolhead travel while it is still accelerating?",
                    " Determine the distance covered during the acceleration phase, in millimetres.");
        };
        b.problem(situation + givens + question);

        b.think("First, let me understand what's happening physically. The toolhead follows a trapezoidal speed profile: it ramps from "
                + V0 + " mm/s up to " + VC + " mm/s at " + A + " mm/s^2, holds that speed, then ramps down to " + V1
                + " mm/s. Each ramp is a constant-acceleration segment, so the kinematic relations v = v_start + a t and v^2 = v_start^2 + 2 a d apply to it.");
        b.think("The acceleration ramp lasts t_acc = (v_c - v_0)/a = (" + VC + " - " + V0 + ")/" + A + " = " + TA
                + " s. The deceleration ramp is t_dec = (v_c - v_1)/a = (" + VC + " - " + V1 + ")/" + A + " = " + TD + " s.");
        b.think(b.pick("Wait, before dividing the remaining distance by the cruise speed I should make sure the ramps fit inside the move at all. ",
                "Let me check the distances before going further, because a move that is too short never reaches its cruise speed. ")
                + "The ramp distances are d_acc = (v_c^2 - v_0^2)/(2a) = " + DA + " mm and d_dec = (v_c^2 - v_1^2)/(2a) = " + DD
                + " mm. Together that is less than " + L + " mm, so there is a cruise of d_cruise = " + L + " - " + DA + " - " + DD
                + " = " + DC + " mm.");
        b.think("At constant speed the cruise takes t_cruise = d_cruise / v_c = " + DC + "/" + VC + " = " + TC
                + " s. Adding up: " + TA + " + " + TC + " + " + TD + " = " + TT + " s. "
                + "As a check, the average speed " + L + "/" + TT + " must lie between the entry and cruise speeds, and it does.");

        b.controlProblem("Given a straight move of length L = " + L + " mm with entry speed v_0 = " + V0 + " mm/s, cruise speed v_c = "
                + VC + " mm/s, exit speed v_1 = " + V1 + " mm/s and acceleration a = " + A
                + " mm/s^2, find the durations of the accelerate, cruise and decelerate phases.");
        b.context("- Hardware limitations: the planner caps acceleration at " + A
                + " mm/s^2 so the steppers keep enough torque margin; a step lost to a torque deficit is never recovered without homing.\n"
                + "- Real-time requirements: the phases are turned into step times ahead of execution; the MCU only replays them.\n"
                + "- Safety requirements: the profile must be continuous in speed at both ends so the neighbouring moves join without a jump.");
        b.analysis("Step 1: Acceleration phase. t_acc = (v_c - v_0)/a = " + TA + " s, covering d_acc = (v_c^2 - v_0^2)/(2a) = " + DA + " mm.\n\n"
                + "Step 2: Deceleration phase. t_dec = (v_c - v_1)/a = " + TD + " s, covering d_dec = " + DD + " mm.\n\n"
                + "Step 3: Cruise phase. d_cruise = L - d_acc - d_dec = " + DC + " mm > 0, so the profile is a true trapezoid; t_cruise = "
                + TC + " s.\n\n"
                + "Step 4: Total. T = t_acc + t_cruise + t_dec = " + TT + " s.");
        b.rust("A planner function returns a typed profile or an error, so a profile that does not fit is a value the caller must handle rather than a negative time.",
                """
                /// Phase durations (s) of a trapezoidal move; speeds in mm/s, acceleration in mm/s^2.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Phases {
                    pub accel_s: f64,
                    pub cruise_s: f64,
                    pub decel_s: f64,
                }

                #[derive(Debug, PartialEq)]
                pub enum PlanError {
                    NonPositiveAccel,
                    NoCruise,
                }

                impl Phases {
                    pub fn total_s(&self) -> f64 {
                        self.accel_s + self.cruise_s + self.decel_s
                    }
                }

                pub fn plan(length_mm: f64, v0: f64, vc: f64, v1: f64, accel: f64) -> Result<Phases, PlanError> {
                    if accel <= 0.0 {
                        return Err(PlanError::NonPositiveAccel);
                    }
                    let d_acc = (vc * vc - v0 * v0) / (2.0 * accel);
                    let d_dec = (vc * vc - v1 * v1) / (2.0 * accel);
                    let d_cruise = length_mm - d_acc - d_dec;
                    if d_cruise < 0.0 {
                        return Err(PlanError::NoCruise);
                    }
                    Ok(Phases {
                        accel_s: (vc - v0) / accel,
                        cruise_s: d_cruise / vc,
                        decel_s: (vc - v1) / accel,
                    })
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_move_phases() {
                        let p = plan(%L, %V0, %VC, %V1, %A).unwrap();
                        assert!((p.accel_s - %TA).abs() < 1e-4);
                        assert!((p.cruise_s - %TC).abs() < 1e-4);
                        assert!((p.decel_s - %TD).abs() < 1e-4);
                        assert!((p.total_s() - %TT).abs() < 1e-4);
                    }

                    #[test]
                    fn rejects_zero_acceleration() {
                        assert_eq!(plan(%L, %V0, %VC, %V1, 0.0), Err(PlanError::NonPositiveAccel));
                    }
                }
                """.replace("%L", L).replace("%V0", V0).replace("%VC", VC).replace("%V1", V1).replace("%A", A)
                        .replace("%TA", TA).replace("%TC", TC).replace("%TD", TD).replace("%TT", TT),
                "Ownership plays little part here; the guarantee comes from the return type: a caller cannot reach the phase times without deciding what a profile without cruise means.");
        b.safety("The profile is safe to execute because every phase time is non-negative: t_acc and t_dec follow from v_c being at least both end speeds, and d_cruise = "
                + DC + " mm > 0 was checked before dividing. The peak speed never exceeds v_c = " + VC + " mm/s and the acceleration never exceeds "
                + A + " mm/s^2, so both limits hold on every instant of the move.");
        b.edgeCases("- If d_acc + d_dec exceeded L, the move could not reach v_c and the profile would become a triangle with a lower peak; the function reports that case instead of returning a negative cruise.\n"
                + "- If v_c equalled v_0 the acceleration phase would have zero length, which the formulas handle without dividing by zero.\n"
                + "- A zero or negative acceleration is a configuration error and is rejected before any division.");
        b.alternatives("An S-curve (jerk-limited) profile would smooth the corners of the trapezoid and reduce ringing, at the price of longer moves and a harder closed form. "
                + "Planning in step space rather than distance space would tie the profile to one axis; planning in toolhead distance keeps it independent of the kinematics.");
        switch (ask) {
            case "total" -> b.answer("s", 1e-4, "total");
            case "cruise" -> b.answer("s", 1e-4, "t_cruise");
            default -> b.answer("mm", 1e-3, "d_acc");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        TraceRecord.Move m = (TraceRecord.Move) trace.at(ref.records().fromLine());
        double[] s = m.startMm(), e = m.endMm();
        double len = Math.sqrt(Math.pow(e[0] - s[0], 2) + Math.pow(e[1] - s[1], 2) + Math.pow(e[2] - s[2], 2));
        double a = m.accelMmPerS2(), v0 = m.startVMmPerS(), vc = m.cruiseVMmPerS(), v1 = m.endVMmPerS();
        Map<String, Double> r = new HashMap<>();
        r.put("length", len);
        r.put("v0", v0);
        r.put("vc", vc);
        r.put("v1", v1);
        r.put("accel", a);
        double tAcc = (vc - v0) / a, tDec = (vc - v1) / a;
        r.put("t_acc", tAcc);
        r.put("t_dec", tDec);
        // Ramp distances as the area under each ramp (mean speed × time), not from v² − v².
        r.put("d_acc", 0.5 * (v0 + vc) * tAcc);
        r.put("d_dec", 0.5 * (vc + v1) * tDec);
        double dCruise = len - 0.5 * (v0 + vc) * tAcc - 0.5 * (vc + v1) * tDec;
        r.put("d_cruise", dCruise);
        r.put("t_cruise", dCruise / vc);
        // The total is the planner's own duration for this move, as the trace recorded it.
        r.put("total", m.durationS());
        return r;
    }
}
