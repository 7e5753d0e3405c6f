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
 * Retract and unretract moves (extruder only): the duration of the filament move from its length,
 * speed and the acceleration the planner recorded for it (trapezoid or triangle), checked against
 * the planner's duration, with the extruder step count and peak step rate and the volumetric rate
 * the melt chamber sees.
 */
public final class RetractionTiming implements Family {
    private static final String[] ASKS = {"duration", "peak-rate", "ramp"};

    @Override
    public String id() {
        return "retraction-timing";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double step = trace.setting("stepper.extruder.step_distance_mm");
        double dia = trace.setting("extruder.filament_diameter_mm");
        if (!(step > 0) || !(dia > 0)) return out;
        int n = 0;
        for (TraceView.At<TraceRecord.Move> at : trace.all(TraceRecord.Move.class)) {
            TraceRecord.Move m = at.record();
            double[] s = m.startMm(), e = m.endMm();
            if (s.length < 4 || e.length < 4) continue;
            double xyz = Math.sqrt(Math.pow(e[0] - s[0], 2) + Math.pow(e[1] - s[1], 2) + Math.pow(e[2] - s[2], 2));
            double de = e[3] - s[3];
            if (xyz > 1e-9 || Math.abs(de) < 0.05) continue;
            if (m.accelMmPerS2() <= 0 || m.cruiseVMmPerS() <= 0 || m.startVMmPerS() > 1e-9 || m.endVMmPerS() > 1e-9) continue;
            Map<String, Double> obs = new HashMap<>();
            obs.put("len", Math.abs(de));
            obs.put("v", m.cruiseVMmPerS());
            obs.put("a", m.accelMmPerS2());
            obs.put("step", step);
            obs.put("dia", dia);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[(n++ + (int) Math.floorMod(trace.seed(), 3L)) % ASKS.length]);
            labels.put("direction", de < 0 ? "retract" : "unretract");
            labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
            out.add(new Finding(RecordRange.of(at.line()), labels, Map.of(), obs));
            if (out.size() >= 10) break;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double len = f.observed("len"), v = f.observed("v"), a = f.observed("a"), step = f.observed("step"), dia = f.observed("dia");
        double tA = v / a, dA = v * v / (2 * a);
        double dC = Math.max(0, len - 2 * dA);
        boolean triangle = dC < 1e-6;
        double tC = dC / v;
        double total = 2 * tA + tC;
        double steps = len / step;
        double rate = v / step;
        double area = Math.PI * dia * dia / 4;
        double q = area * v;
        String ask = f.label("ask");
        boolean retract = f.label("direction").equals("retract");
        String kin = f.label("kinematics");

        String L = b.q("len", len, 4, "mm"), V = b.q("v", v, 3, "mm/s"), A = b.q("a", a, 2, "mm/s^2"), SD = b.q("step", step, 7, "mm");
        String DIA = b.q("dia", dia, 3, "mm");
        String TA = b.q("t_acc", tA, 5, "s"), DA = b.q("d_acc", dA, 5, "mm"), DC = b.q("d_cruise", dC, 5, "mm"), TC = b.q("t_cruise", tC, 5, "s");
        String TT = b.q("total", total, 5, "s"), NS = b.q("steps", steps, 2, "steps"), RT = b.q("rate", rate, 1, "steps/s");
        String AR = b.q("area", area, 5, "mm^2"), Q = b.q("q", q, 3, "mm^3/s");

        String what = retract ? "retraction" : "unretraction (re-priming)";
        String dirWord = retract ? "pulls the filament back" : "pushes the filament forward again";
        String situation = b.pick(
                "Between two printed regions, a " + kin + " printer performed an extruder-only " + what + ": the toolhead stood still while the extruder " + dirWord + ".",
                "A print trace from a " + kin + " machine contains an extruder-only move, a " + what + " with no XYZ motion.",
                "At a travel boundary the " + kin + " printer's planner scheduled a pure filament move (" + what + ").");
        String givens = b.pick(
                " The filament moved " + L + " mm, starting and ending at rest, with a speed limit of " + V + " mm/s and the extruder acceleration the planner recorded, "
                        + A + " mm/s^2. The extruder moves " + SD + " mm of filament per step; the filament is " + DIA + " mm thick.",
                " Recorded: filament travel " + L + " mm, peak speed allowed " + V + " mm/s, acceleration " + A + " mm/s^2, from rest to rest; extruder step distance "
                        + SD + " mm; filament diameter " + DIA + " mm.",
                " It covered " + L + " mm of filament from standstill to standstill, capped at " + V + " mm/s, accelerating and braking at " + A
                        + " mm/s^2. Each extruder step is " + SD + " mm of filament, of diameter " + DIA + " mm.");
        String question = switch (ask) {
            case "duration" -> b.pick(" How long does this filament move take?", " Find the duration of the move in seconds.",
                    " Compute the time the toolhead has to wait for this filament move.");
            case "peak-rate" -> b.pick(" What is the extruder's peak step rate, and how many steps does the move take?",
                    " Find the number of extruder steps and the highest step frequency reached.",
                    " How fast must the MCU pulse the extruder stepper at the move's peak?");
            default -> b.pick(" How much of the move is spent accelerating, and does the profile reach a cruise phase?",
                    " Split the move into its phases: ramp time, ramp distance, and cruise distance.",
                    " Does the move reach its speed limit? Give the ramp distance and the cruise distance.");
        };
        String opener = b.pick("Stringing on a part has prompted a look at the retraction settings. ",
                "You are estimating how much time retractions add to a print. ",
                "A print engineer reviews one filament move from a recorded job. ",
                "The extruder's motion limits are being checked against what it actually did. ",
                "");
        String closer = b.pick(" Decide whether the profile is a trapezoid or a triangle before computing.",
                " Work with the filament axis alone; the toolhead is still.",
                " Show each phase separately.",
                " Relate the result to the pressure in the melt chamber.",
                "");
        b.problem(opener + situation + givens + question + closer);

        b.think("First, let me understand what's happening physically. Only the extruder moves, so the planner treats the filament axis as the path: a move of "
                + L + " mm from rest to rest, limited by " + V + " mm/s and " + A + " mm/s^2. Retraction relieves the melt chamber's pressure so the nozzle stops oozing during travel; the same filament has to be pushed back before printing resumes.");
        b.think("Ramp to full speed: t_a = v / a = " + V + " / " + A + " = " + TA + " s, covering d_a = v^2 / (2a) = " + DA + " mm. Two ramps need " + "2 · " + DA + " mm.");
        if (triangle) {
            b.think(b.pick("Wait, I was about to add a cruise phase by default, but the two ramps already use up the whole ",
                    "Let me check whether there is room for a cruise at all: the two ramps already fill the ")
                    + L + " mm, so the cruise distance is " + DC + " mm and the profile is a triangle that just touches " + V + " mm/s. The duration is 2 · t_a = " + TT + " s.");
        } else {
            b.think(b.pick("Wait, I should not assume a triangle just because the move is short; compare the ramps with the length first. ",
                    "Before assuming a cruise, check that both ramps fit inside the move. ")
                    + "They do: the cruise distance is " + L + " - 2 · " + DA + " = " + DC + " mm, taking " + DC + " / " + V + " = " + TC
                    + " s. Total: 2 · " + TA + " + " + TC + " = " + TT + " s.");
        }
        b.think("Steps: " + L + " / " + SD + " = " + NS + " steps in total, and at the peak the stepper runs at " + V + " / " + SD + " = " + RT
                + " steps/s. In volume terms the filament cross-section is π · " + DIA + "^2 / 4 = " + AR + " mm^2, so at peak speed the melt chamber sees " + Q
                + " mm^3/s being " + (retract ? "withdrawn" : "pushed in") + ". Sanity check: the duration exceeds " + L + " / " + V + ", as it must when the move starts and ends at rest.");

        b.controlProblem("An extruder-only move of " + L + " mm, from rest to rest, is limited to v = " + V + " mm/s and a = " + A
                + " mm/s^2. With " + SD + " mm of filament per step and " + DIA + " mm filament, find the ramp and cruise phases, the move's duration, the step count and peak step rate, and the peak volumetric rate.");
        b.context("- Hardware limitations: the extruder's gear can only accelerate the filament and drive so fast before it slips or grinds; the planner caps the filament move at "
                + A + " mm/s^2 and " + V + " mm/s.\n"
                + "- Real-time requirements: the MCU must emit up to " + RT + " steps/s on the extruder with correct timing; the toolhead waits for the whole " + TT + " s.\n"
                + "- Safety requirements: a retraction must not be executed below the filament's extrusion temperature, and its length must stay within what the hot end can re-prime without an air gap.");
        b.analysis("Step 1: Ramp. t_a = v / a = " + TA + " s; d_a = v^2 / (2a) = " + DA + " mm.\n\n"
                + "Step 2: Cruise. d_c = L - 2 d_a = " + DC + " mm" + (triangle ? " (a triangular profile)" : "") + "; t_c = d_c / v = " + TC + " s.\n\n"
                + "Step 3: Duration. T = 2 t_a + t_c = " + TT + " s.\n\n"
                + "Step 4: Steps. N = L / δ = " + NS + "; peak rate v / δ = " + RT + " steps/s.\n\n"
                + "Step 5: Volume rate. A_f = " + AR + " mm^2, peak A_f · v = " + Q + " mm^3/s.");
        b.rust("The profile is computed by a function that returns an error instead of a negative cruise or a division by zero, and picks the triangle case itself.",
                """
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct FilamentMove {
                    pub ramp_s: f64,
                    pub cruise_s: f64,
                    pub peak_mm_s: f64,
                }

                #[derive(Debug, PartialEq)]
                pub enum MoveError {
                    NonPositive,
                }

                impl FilamentMove {
                    pub fn plan(len_mm: f64, v_max: f64, accel: f64) -> Result<Self, MoveError> {
                        if len_mm <= 0.0 || v_max <= 0.0 || accel <= 0.0 {
                            return Err(MoveError::NonPositive);
                        }
                        let ramp_len = v_max * v_max / (2.0 * accel);
                        if 2.0 * ramp_len >= len_mm {
                            let peak = (len_mm * accel).sqrt();
                            return Ok(FilamentMove { ramp_s: peak / accel, cruise_s: 0.0, peak_mm_s: peak });
                        }
                        Ok(FilamentMove {
                            ramp_s: v_max / accel,
                            cruise_s: (len_mm - 2.0 * ramp_len) / v_max,
                            peak_mm_s: v_max,
                        })
                    }
                    pub fn total_s(&self) -> f64 {
                        2.0 * self.ramp_s + self.cruise_s
                    }
                    pub fn peak_step_rate(&self, step_mm: f64) -> f64 {
                        self.peak_mm_s / step_mm
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_filament_move() {
                        let m = FilamentMove::plan(%L, %V, %A).unwrap();
                        assert!((m.total_s() - %TT).abs() < 1e-4);
                        assert!((m.ramp_s - %TA).abs() < 1e-4);
                        assert!((m.peak_step_rate(%SD) - %RT).abs() < 1.0);
                        let len: f64 = %L;
                        assert!((len / %SD - %NS).abs() < 0.01);
                    }

                    #[test]
                    fn rejects_zero_accel() {
                        assert_eq!(FilamentMove::plan(%L, %V, 0.0), Err(MoveError::NonPositive));
                    }
                }
                """.replace("%L", L).replace("%V", V).replace("%A", A).replace("%TT", TT).replace("%TA", TA).replace("%SD", SD).replace("%RT", RT).replace("%NS", NS),
                "The struct is Copy and owns no hardware; the stepper driver that consumes it takes the plan by value, so a plan cannot be modified after it was checked.");
        b.safety("Both limits hold throughout: the speed never exceeds " + V + " mm/s because the profile is clipped at v, and the acceleration is exactly " + A
                + " mm/s^2 on the ramps and zero elsewhere. The step rate of " + RT
                + " steps/s is the worst case the MCU must sustain on this axis; it is far from the microsecond-scale limits of a step timer, so timing margin is ample.");
        b.edgeCases("- With rounding, the planned step count " + NS + " is not an integer; the fractional step is carried to the next filament move, so repeated retract/unretract pairs do not drift.\n"
                + "- A retraction issued while the nozzle is cold must be refused before any step is queued, or the filament grinds against solid plastic.\n"
                + "- If the length were shorter than 2 d_a, the move would never reach " + V + " mm/s and the peak would be sqrt(L · a), as the Rust function handles.");
        b.alternatives("Firmware-side retraction (a dedicated command with fixed length and speed) keeps the values in one place but hides them from the slicer; slicer-side retraction as ordinary moves, as here, lets each feature tune it. "
                + "Pressure-based control (advancing the extruder in proportion to the flow) reduces how much retraction is needed at all, trading a shorter retraction for more extruder motion during ordinary moves.");
        switch (ask) {
            case "duration" -> b.answer("s", 1e-4, "total");
            case "peak-rate" -> b.answer("steps/s", 0.5, "rate", "steps");
            default -> b.answer("mm", 1e-4, "d_acc", "d_cruise");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.Move m)) return r;
        double len = Math.abs(m.endMm()[3] - m.startMm()[3]);
        double v = m.cruiseVMmPerS(), a = m.accelMmPerS2();
        double step = trace.setting("stepper.extruder.step_distance_mm");
        double dia = trace.setting("extruder.filament_diameter_mm");
        double tA = v / a;
        double dA = 0.5 * v * tA; // area under the ramp
        double dC = Math.max(0, len - 2 * dA);
        r.put("len", len);
        r.put("v", v);
        r.put("a", a);
        r.put("step", step);
        r.put("dia", dia);
        r.put("t_acc", tA);
        r.put("d_acc", dA);
        r.put("d_cruise", dC);
        r.put("t_cruise", dC / v);
        // The planner's own duration for this move.
        r.put("total", m.durationS());
        r.put("steps", len / step);
        r.put("rate", v / step);
        double radius = dia / 2;
        r.put("area", Math.PI * radius * radius);
        r.put("q", Math.PI * radius * radius * v);
        return r;
    }
}
