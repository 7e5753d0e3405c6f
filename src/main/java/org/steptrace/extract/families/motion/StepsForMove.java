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
 * Steps per millimetre of a cartesian axis from its drive (travel per motor turn, full steps per
 * turn, microsteps), and the whole number of steps an isolated move makes on that axis: the
 * stepper sits on step boundaries, so the count is round(end/s) - round(start/s), with a rounding
 * residue against the ideal fractional count. Recomputed from the step distance and from the step
 * runs the host actually sent during the move.
 */
public final class StepsForMove implements Family {
    private static final String[] ASKS = {"count", "per-mm", "residue"};
    private static final String[] AXES = {"x", "y", "z"};

    @Override
    public String id() {
        return "steps-for-move";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        if (!"cartesian".equals(trace.settingText("kinematics"))) return out;
        double f = trace.clockHz();
        List<TraceView.At<TraceRecord.StepBatch>> batches = trace.all(TraceRecord.StepBatch.class);
        int n = 0;
        for (TraceView.At<TraceRecord.Move> at : trace.all(TraceRecord.Move.class)) {
            TraceRecord.Move m = at.record();
            if (m.startVMmPerS() > 1e-9 || m.endVMmPerS() > 1e-9 || Moves.lengthMm(m) < 0.3) continue;
            int axis = -1, moving = 0;
            for (int i = 0; i < 3; i++) {
                if (Math.abs(m.endMm()[i] - m.startMm()[i]) > 1e-9) {
                    moving++;
                    if (axis < 0) axis = i;
                }
            }
            if (moving != 1) continue;
            String name = "stepper_" + AXES[axis];
            double step = trace.setting("stepper." + name + ".step_distance_mm");
            double rot = trace.setting("stepper." + name + ".rotation_distance_mm");
            double full = trace.setting("stepper." + name + ".full_steps_per_rotation");
            double micro = trace.setting("stepper." + name + ".microsteps");
            if (!(step > 0 && rot > 0 && full > 0 && micro > 0)) continue;
            long expect = Math.abs(Math.round(m.endMm()[axis] / step) - Math.round(m.startMm()[axis] / step));
            long sent = sentSteps(batches, name, m, f);
            if (expect != sent || expect < 21) continue; // a homing move cut short, or a count too small to check
            Map<String, Double> obs = new HashMap<>();
            obs.put("start", m.startMm()[axis]);
            obs.put("end", m.endMm()[axis]);
            obs.put("rot", rot);
            obs.put("full", full);
            obs.put("micro", micro);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("axis", AXES[axis]);
            labels.put("scenario", TrianglePeakSpeed.scenarioOf(trace));
            labels.put("board", String.valueOf(trace.header().board()));
            out.add(new Finding(RecordRange.of(at.line()), labels, Map.of(), obs));
            if (out.size() >= 20) break;
        }
        return out;
    }

    /** Steps in the runs sent to {@code stepper} whose first step falls within the move's time. */
    static long sentSteps(List<TraceView.At<TraceRecord.StepBatch>> batches, String stepper, TraceRecord.Move m, double f) {
        double from = m.printTimeS() - 1e-4, to = m.printTimeS() + m.durationS() + 2e-3;
        long sum = 0;
        for (TraceView.At<TraceRecord.StepBatch> at : batches) {
            TraceRecord.StepBatch b = at.record();
            if (!b.stepper().equals(stepper)) continue;
            double t = b.firstClock() / f;
            if (t >= from && t <= to) sum += b.count();
        }
        return sum;
    }

    @Override
    public Draft write(TraceView trace, Finding fi, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, fi, rng);
        double x0 = fi.observed("start"), x1 = fi.observed("end"), rot = fi.observed("rot");
        long full = Math.round(fi.observed("full")), micro = Math.round(fi.observed("micro"));
        long perRev = full * micro;
        double spm = perRev / rot;
        double stepMm = rot / perRev;
        double ideal = (x1 - x0) * spm;
        long p0 = Math.round(x0 * spm), p1 = Math.round(x1 * spm);
        long steps = Math.abs(p1 - p0);
        double residue = Math.abs(ideal) - steps;
        double residueMm = residue * stepMm;
        String ask = fi.label("ask");
        String ax = fi.label("axis").toUpperCase();
        boolean plus = x1 > x0;

        String X0 = b.q("start", x0, 4, "mm"), X1 = b.q("end", x1, 4, "mm"), ROT = b.q("rot", rot, 3, "mm");
        String FULL = b.wholeNumber("full", full, "steps/rev"), MIC = b.wholeNumber("micro", micro, "");
        String PR = b.count("per_rev", perRev, "microsteps/rev");
        String SPM = b.q("spm", spm, 4, "steps/mm"), SD = b.sig("step_mm", stepMm, 5, "mm");
        String D = b.q("delta", Math.abs(x1 - x0), 4, "mm"), ID = b.q("ideal", Math.abs(ideal), 3, "steps");
        String P0 = b.count("p0", p0, "steps"), P1 = b.count("p1", p1, "steps"), NS = b.count("steps", steps, "steps");
        String RS = b.q("residue", residue, 3, "steps"), RMM = b.sig("residue_mm", residueMm, 3, "mm");

        String drive = b.pick(
                "The " + ax + " axis of a cartesian printer is driven by a stepper with " + FULL + " full steps per revolution at " + MIC
                        + " microsteps, and one motor revolution moves the axis " + ROT + " mm.",
                "On a cartesian machine, the " + ax + " motor has " + FULL + " full steps per turn, its driver is set to " + MIC
                        + " microsteps, and the belt or screw carries the axis " + ROT + " mm per turn.",
                "A cartesian " + ax + " axis: motor with " + FULL + " full steps/rev, " + MIC + "x microstepping, " + ROT + " mm of travel per revolution.");
        String move = b.pick(
                " An isolated move (from rest to rest) took the axis from " + X0 + " mm to " + X1 + " mm.",
                " The toolhead was commanded from " + ax + " = " + X0 + " mm to " + ax + " = " + X1 + " mm in a single move that starts and ends at rest.",
                " One move in the trace goes from " + X0 + " to " + X1 + " mm on this axis, with a stop before and after it.");
        String question = switch (ask) {
            case "count" -> b.pick(" How many microsteps does the motor make during the move?", " Find the number of steps the host must send for this move.",
                    " Compute the step count of the move.");
            case "per-mm" -> b.pick(" What is the axis resolution in steps per mm, and how many steps does the move take?",
                    " Find steps per millimetre and the move's step count.", " Derive the step resolution and apply it to the move.");
            default -> b.pick(" The move's length is not a whole number of steps: how many steps are made, and how far does the real motion differ from the commanded length?",
                    " Find the step count and the rounding residue between commanded and stepped distance.",
                    " By how much (in steps and in mm) does the stepped distance differ from the commanded one?");
        };
        b.problem(drive + move + question);

        b.think("First, let me understand what's happening physically. The motor turns in microsteps; " + FULL + " x " + MIC + " = " + PR
                + " microsteps make one revolution, and a revolution moves the axis " + ROT + " mm. So the resolution is " + PR + "/" + ROT + " = " + SPM
                + " steps/mm, i.e. one step is " + SD + " mm.");
        b.think("The move covers |" + X1 + " - " + X0 + "| = " + D + " mm, which is " + D + " x " + SPM + " = " + ID + " steps. "
                + (Math.abs(residue) < 5e-4 ? "That comes out whole here, but I should not rely on it: the count has to come from rounded absolute positions, not from the length. "
                        : b.pick("So the answer is " + ID + " steps? No, a motor cannot make a fraction of a step. ",
                        "Wait, that is not a whole number, and the motor only makes whole steps. "))
                + "The stepper always rests on a step boundary, and a step happens when the commanded position crosses the midpoint between two boundaries. "
                + "So the position in steps is the rounded value: start " + X0 + " x " + SPM + " rounds to " + P0 + ", end rounds to " + P1 + ".");
        b.think("Steps made: |" + P1 + " - " + P0 + "| = " + NS + ", in the " + (plus ? "positive" : "negative") + " direction. Rounding residue: " + ID + " - " + NS + " = " + RS
                + " steps, or " + RS + " x " + SD + " = " + RMM + " mm. The residue is at most half a step either way, and it is not lost: the next move starts from the rounded position, so errors never accumulate.");
        b.think("Check against the trace: the step runs the host sent for this axis during the move add up to " + NS + " steps, as computed.");

        b.controlProblem("Axis drive: " + FULL + " full steps/rev, " + MIC + " microsteps, " + ROT + " mm/rev. A rest-to-rest move from " + X0 + " mm to " + X1
                + " mm: find the steps per mm, the number of steps, and the rounding residue.");
        b.context("- Hardware limitations: the axis can only stop at multiples of " + SD + " mm; finer commands are rounded to the nearest step.\n"
                + "- Real-time requirements: the host converts positions to step times ahead of time; the MCU only counts the steps it is sent.\n"
                + "- Safety requirements: rounding must be done on absolute positions, never per move on relative distances, or the half-step errors would pile up and the axis would drift.");
        b.analysis("Step 1: Resolution. " + FULL + " x " + MIC + " = " + PR + " microsteps/rev; " + PR + "/" + ROT + " = " + SPM + " steps/mm; step = " + SD + " mm.\n\n"
                + "Step 2: Ideal count. " + D + " mm x " + SPM + " = " + ID + " steps.\n\n"
                + "Step 3: Whole steps. round(" + X0 + " x " + SPM + ") = " + P0 + ", round(" + X1 + " x " + SPM + ") = " + P1 + "; steps = " + NS + ".\n\n"
                + "Step 4: Residue. " + RS + " steps = " + RMM + " mm, below half a step.");
        b.rust("Positions are converted to whole steps once, on absolute coordinates, through a type that owns the axis resolution; the count of a move is then a difference of integers and cannot drift.",
                """
                /// Resolution of one axis drive.
                #[derive(Debug, Clone, Copy)]
                pub struct AxisDrive {
                    steps_per_rev: u32,
                    mm_per_rev: f64,
                }

                impl AxisDrive {
                    pub fn new(full_steps: u32, microsteps: u32, mm_per_rev: f64) -> Option<AxisDrive> {
                        let steps_per_rev = full_steps.checked_mul(microsteps)?;
                        if steps_per_rev == 0 || !(mm_per_rev > 0.0) {
                            return None;
                        }
                        Some(AxisDrive { steps_per_rev, mm_per_rev })
                    }
                    pub fn steps_per_mm(&self) -> f64 {
                        f64::from(self.steps_per_rev) / self.mm_per_rev
                    }
                    /// Nearest step boundary of an absolute position.
                    pub fn position_steps(&self, mm: f64) -> i64 {
                        (mm * self.steps_per_mm()).round() as i64
                    }
                    /// Signed step count of a move between absolute positions.
                    pub fn move_steps(&self, from_mm: f64, to_mm: f64) -> i64 {
                        self.position_steps(to_mm) - self.position_steps(from_mm)
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_move() {
                        let d = AxisDrive::new(%FULL, %MIC, %ROT).unwrap();
                        assert!((d.steps_per_mm() - %SPM).abs() < 1e-3);
                        assert_eq!(d.move_steps(%X0, %X1).abs(), %NS);
                        let (x0, x1): (f64, f64) = (%X0, %X1);
                        let ideal = (x1 - x0).abs() * d.steps_per_mm();
                        assert!((ideal - d.move_steps(%X0, %X1).abs() as f64 - %SIGNRS).abs() < 1e-2);
                    }

                    #[test]
                    fn zero_microsteps_rejected() {
                        assert!(AxisDrive::new(%FULL, 0, %ROT).is_none());
                    }
                }
                """.replace("%FULL", FULL).replace("%MIC", MIC).replace("%ROT", ROT).replace("%SPM", SPM).replace("%X0", X0).replace("%X1", X1)
                        .replace("%NS", NS).replace("%SIGNRS", residue < 0 ? "(-" + RS.replace("-", "") + ")" : RS),
                "checked_mul and the Option return keep a nonsense drive (zero microsteps, overflow) out of the type, so the conversion methods never divide by zero.");
        b.safety("The step count " + NS + " differs from the ideal " + ID + " by " + RS + " steps (" + RMM
                + " mm), less than half a step as rounding guarantees. Because both ends were rounded as absolute positions, the next move begins from exactly " + P1
                + " steps and the residue does not carry into it.");
        b.edgeCases("- A position exactly halfway between two steps: the rounding rule must be fixed (the host's step timing decides it by the midpoint crossing), or a back-and-forth move could gain a step.\n"
                + "- Very long axes: positions in steps exceed 32-bit range only beyond kilometres at these resolutions; i64 is ample.\n"
                + "- A move shorter than half a step makes no step at all, yet the commanded position still changes; a later move will make the step.");
        b.alternatives("Tracking the fractional remainder per move (a Bresenham accumulator) gives the same totals and suits firmware that plans in step space; "
                + "rounding absolute positions is simpler when the planner works in millimetres. Coarser microstepping lowers the step rate needed but makes the residue (up to half a step of "
                + SD + " mm) larger.");
        switch (ask) {
            case "count" -> b.answer("steps", 0.5, "steps");
            case "per-mm" -> b.answer("steps/mm, steps", 1e-3, "spm", "steps");
            default -> b.answer("steps, mm", 1e-3, "steps", "residue_mm");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.Move m)) return r;
        int axis = List.of(AXES).indexOf(ref.label("axis"));
        String name = "stepper_" + AXES[axis];
        double step = trace.setting("stepper." + name + ".step_distance_mm");
        double rot = trace.setting("stepper." + name + ".rotation_distance_mm");
        double full = trace.setting("stepper." + name + ".full_steps_per_rotation");
        double micro = trace.setting("stepper." + name + ".microsteps");
        double x0 = m.startMm()[axis], x1 = m.endMm()[axis];
        r.put("start", x0);
        r.put("end", x1);
        r.put("rot", rot);
        r.put("full", full);
        r.put("micro", micro);
        r.put("per_rev", rot / step);
        r.put("spm", 1 / step);
        r.put("step_mm", step);
        r.put("delta", Math.abs(x1 - x0));
        r.put("ideal", Math.abs(x1 - x0) / step);
        r.put("p0", Math.floor(x0 / step + 0.5));
        r.put("p1", Math.floor(x1 / step + 0.5));
        // The steps the host really sent for this axis while the move ran.
        long sent = sentStepsAgain(trace, name, m);
        r.put("steps", (double) sent);
        r.put("residue", Math.abs(x1 - x0) / step - sent);
        r.put("residue_mm", Math.abs(x1 - x0) - sent * step);
        return r;
    }

    private static long sentStepsAgain(TraceView trace, String stepper, TraceRecord.Move m) {
        double f = trace.header().clockFreqHz();
        long from = (long) Math.floor((m.printTimeS() - 1e-4) * f), to = (long) Math.ceil((m.printTimeS() + m.durationS() + 2e-3) * f);
        long sum = 0;
        for (TraceView.At<TraceRecord.StepBatch> at : trace.all(TraceRecord.StepBatch.class)) {
            TraceRecord.StepBatch b = at.record();
            if (b.stepper().equals(stepper) && b.firstClock() >= from && b.firstClock() <= to) sum += b.count();
        }
        return sum;
    }
}
