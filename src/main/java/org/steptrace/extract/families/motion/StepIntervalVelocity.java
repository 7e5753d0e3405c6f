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
 * A stepper's speed from its step interval, v = s f / I, at the start and end of a compressed run
 * (interval I, count N, add A), and the acceleration the run implies: between the first two gaps,
 * averaged over the run, and the continuous estimate -s f^2 A / I^3. Checked by replaying the run's
 * gaps and against the run's recorded last clock.
 */
public final class StepIntervalVelocity implements Family {
    private static final String[] ASKS = {"speed", "accel", "end-speed", "estimate"};

    @Override
    public String id() {
        return "step-interval-velocity";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double f = trace.clockHz();
        if (!(f > 0)) return out;
        int n = 0;
        for (TraceView.At<TraceRecord.StepBatch> at : trace.all(TraceRecord.StepBatch.class)) {
            TraceRecord.StepBatch s = at.record();
            double step = trace.setting("stepper." + s.stepper() + ".step_distance_mm");
            if (!(step > 0)) continue;
            if (s.count() < 3 || s.add() == 0 || s.interval() <= 0 || s.interval() >= (1L << 31)) continue;
            long lastGap = s.interval() + (long) (s.count() - 1) * s.add();
            if (lastGap <= 0) continue;
            if (Math.abs(s.add()) * 200L < s.interval()) continue; // nearly constant speed: nothing to say about acceleration
            if (Math.abs(s.add()) * 20L > s.interval()) continue; // gaps changing so fast that first-order estimates part ways
            Map<String, Double> obs = new HashMap<>();
            obs.put("step", step);
            obs.put("freq", f);
            obs.put("interval", (double) s.interval());
            obs.put("count", (double) s.count());
            obs.put("add", (double) s.add());
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("stepper", s.stepper());
            labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
            labels.put("board", String.valueOf(trace.header().board()));
            out.add(new Finding(RecordRange.of(at.line()), labels, Map.of(), obs));
            if (out.size() >= 20) break;
        }
        return out;
    }

    /** A count: a stated quantity when it is large enough to check, plain text when it is a small integer anyone may write. */
    private static String motor(String stepper, String kin) {
        if (stepper.equals("extruder")) return "extruder motor";
        String axis = stepper.replace("stepper_", "").toUpperCase();
        if (kin.equals("corexy") && (axis.equals("X") || axis.equals("Y"))) return "CoreXY belt motor " + (axis.equals("X") ? "A" : "B");
        if (kin.equals("delta")) return "tower " + axis + " carriage motor";
        return axis + " axis motor";
    }

    @Override
    public Draft write(TraceView trace, Finding fi, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, fi, rng);
        double s = fi.observed("step"), f = fi.observed("freq");
        long iv = (long) fi.observed("interval"), cnt = (long) fi.observed("count"), add = (long) fi.observed("add");
        long gap2 = iv + add, gapN = iv + (cnt - 1) * add;
        double v1 = s * f / iv, v2 = s * f / gap2, vN = s * f / gapN;
        double dt12 = (iv + gap2) / (2 * f);
        double aFd = (v2 - v1) / dt12;
        long sumGaps = cnt * iv + add * cnt * (cnt - 1) / 2;
        double tMid = (sumGaps - (iv + gapN) / 2.0) / f;
        double aRun = (vN - v1) / tMid;
        double aEst = -s * f * f * add / ((double) iv * iv * iv);
        String ask = fi.label("ask");
        String kin = fi.label("kinematics");
        String who = motor(fi.label("stepper"), kin);
        boolean speedingUp = add < 0;

        String S = b.sig("step", s, 6, "mm"), FQ = b.count("freq", (long) f, "Hz");
        String I = b.count("interval", iv, "ticks"), N = b.wholeNumber("count", cnt, "steps"), A = b.wholeNumber("add", add, "ticks");
        String G2 = b.count("gap2", gap2, "ticks"), GN = b.count("gap_n", gapN, "ticks");
        String V1 = b.q("v_first", v1, 3, "mm/s"), V2 = b.q("v_second", v2, 3, "mm/s"), VN = b.q("v_last", vN, 3, "mm/s");
        String DT = b.sig("dt12", dt12, 5, "s"), AF = b.q("a_pair", aFd, 1, "mm/s^2");
        String SG = b.count("sum_gaps", sumGaps, "ticks"), TM = b.sig("t_mid", tMid, 6, "s"), AR = b.q("a_run", aRun, 1, "mm/s^2");
        String AE = b.q("a_est", aEst, 1, "mm/s^2");

        String situation = b.pick(
                "On a " + kin + " printer the " + who + " moves " + S + " mm per step, and its MCU counts time at " + FQ + " Hz.",
                "The " + fi.label("board") + " board drives the " + who + " (" + S + " mm of travel per microstep) from a " + FQ + " Hz timer.",
                "Take the " + who + " of a " + kin + " machine: each step is " + S + " mm, and step times are counted in ticks of a " + FQ + " Hz clock.");
        String run = b.pick(
                " The host queued a run of " + N + " steps starting with an interval of " + I + " ticks that changes by " + A + " ticks per step.",
                " One queued step run reads: interval " + I + " ticks, count " + N + ", add " + A + " ticks.",
                " A compressed step sequence for it has first gap " + I + " ticks, " + N + " steps and a per-step gap change of " + A + " ticks.");
        String question = switch (ask) {
            case "speed" -> b.pick(" How fast is the motor's axis moving at the start of the run, and how quickly is it " + (speedingUp ? "speeding up" : "slowing down") + "?",
                    " Find the speed in mm/s that the first interval corresponds to, and the acceleration between the first two gaps.",
                    " Convert the first interval into a speed and estimate the acceleration from the next gap.");
            case "accel" -> b.pick(" What average acceleration does the whole run imply?",
                    " Find the acceleration implied by the run, from its first and last gap.",
                    " Estimate the run's mean acceleration in mm/s^2.");
            case "end-speed" -> b.pick(" What speed does the run start and end at?", " Find the speed at the first and at the last step gap.",
                    " Convert the first and last gaps of the run into speeds.");
            default -> b.pick(" Estimate the acceleration directly from the add value, and compare it with a finite-difference estimate.",
                    " What acceleration does the add term encode, to first order, and how well does the first pair of gaps agree?",
                    " Derive the acceleration from interval and add, and check it on the first two gaps.");
        };
        String frame = b.pick("",
                "You only have the step log, not the planner's speeds, and want to read the motion back from it. ",
                "A logic-analyser style review of a step stream: infer the motion from the timing alone. ",
                "To sanity-check a motion planner, reconstruct speed and acceleration from one queued step run. ",
                "Step timing encodes the axis's speed; decode one run. ");
        b.problem(frame + situation + run + question);

        b.think("First, let me understand what's happening physically. One step moves the axis by a fixed distance s, and the gap between steps is I ticks of a clock at f Hz, "
                + "so the gap lasts I/f seconds and the speed over it is v = s/(I/f) = s f / I. A shrinking gap means a rising speed.");
        b.think("First gap: v = " + S + " x " + FQ + "/" + I + " = " + V1 + " mm/s. Units: mm x (ticks/s) / ticks = mm/s. The second gap is " + I + " + (" + A + ") = " + G2
                + " ticks, so v = " + V2 + " mm/s.");
        b.think(b.pick("To get an acceleration I divide the speed change by the time between the gaps. Is that " + I + " ticks? Not quite: ",
                "Now the acceleration. Wait, which time goes under the speed change? ")
                + "Each speed belongs to the middle of its gap, so the spacing is half of each gap: (" + I + " + " + G2 + ")/(2f) = " + DT
                + " s. Then a = (" + V2 + " - " + V1 + ")/" + DT + " = " + AF + " mm/s^2.");
        b.think("Over the whole run the last gap is I + (N - 1)A = " + GN + " ticks, speed " + VN + " mm/s. The run spans sum of gaps = N I + A N(N - 1)/2 = " + SG
                + " ticks; from the middle of the first gap to the middle of the last one is that minus half of each end gap, " + TM + " s. The mean acceleration is ("
                + VN + " - " + V1 + ")/" + TM + " = " + AR + " mm/s^2.");
        b.think("As a continuous estimate, v = s f / I and I changes by A per step, each step lasting I/f, so dI/dt = A f / I and dv/dt = -(s f / I^2)(A f / I) = -s f^2 A / I^3 = "
                + AE + " mm/s^2. "
                + (Math.abs(aEst - aFd) <= 0.1 * Math.abs(aRun) && Math.abs(aRun - aFd) <= 0.1 * Math.abs(aRun)
                        ? "It agrees with the pair and run estimates to within a few percent, as it should when A is a small fraction of I."
                        : "The three estimates differ by more than a few percent: v = s f / I is not linear in I, and the host fits the gaps within a timing window rather than exactly, so the run average is the most faithful to the planned motion."));

        b.controlProblem("A stepper with step distance s = " + S + " mm, clock f = " + FQ + " Hz, runs (interval " + I + ", count " + N + ", add " + A
                + "). Find the speeds at the first and last gap and the acceleration the run implies.");
        b.context("- Hardware limitations: speed is quantised by the step distance and the clock: one tick more or less on a " + I + "-tick gap changes the speed by about 1/" + I
                + " of itself.\n"
                + "- Real-time requirements: the MCU only adds I and A per step, so the speed profile must be expressible as gaps changing linearly, which matches a constant acceleration to first order.\n"
                + "- Safety requirements: the implied acceleration must stay within what the axis can deliver; a run whose gaps shrink too fast would demand more torque than the motor has and lose steps.");
        b.analysis("Step 1: Speed per gap. v = s f / I: first gap " + V1 + " mm/s, second (" + G2 + " ticks) " + V2 + " mm/s, last (" + GN + " ticks) " + VN + " mm/s.\n\n"
                + "Step 2: Pair acceleration. dt = (I + (I + A))/(2f) = " + DT + " s; a = " + AF + " mm/s^2.\n\n"
                + "Step 3: Run acceleration. Span between first and last gap midpoints " + TM + " s (total " + SG + " ticks); a = " + AR + " mm/s^2.\n\n"
                + "Step 4: Continuous estimate. a = -s f^2 A / I^3 = " + AE + " mm/s^2.");
        b.rust("A const generic carries the clock frequency in the type, so a tick count from one board cannot be converted with another board's frequency by accident; gaps are checked to be positive before dividing.",
                """
                /// Tick counts of a clock running at HZ.
                #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                pub struct Ticks<const HZ: u64>(pub u64);

                impl<const HZ: u64> Ticks<HZ> {
                    pub fn seconds(self) -> f64 {
                        self.0 as f64 / HZ as f64
                    }
                }

                #[derive(Debug, PartialEq)]
                pub enum RunError {
                    NonPositiveGap(i64),
                }

                /// Speed (mm/s) over a gap of `gap` ticks for a step of `step_mm`.
                pub fn speed<const HZ: u64>(step_mm: f64, gap: Ticks<HZ>) -> Option<f64> {
                    if gap.0 == 0 {
                        None
                    } else {
                        Some(step_mm / gap.seconds())
                    }
                }

                /// Gap number j (0-based) of a run, checked to be positive.
                pub fn gap<const HZ: u64>(interval: u32, add: i16, j: u32) -> Result<Ticks<HZ>, RunError> {
                    let g = i64::from(interval) + i64::from(add) * i64::from(j);
                    if g <= 0 {
                        return Err(RunError::NonPositiveGap(g));
                    }
                    Ok(Ticks(g as u64))
                }

                #[cfg(test)]
                mod tests {
                    use super::*;
                    const F: u64 = %FQ;

                    #[test]
                    fn observed_run() {
                        let s = %S;
                        let g0 = gap::<F>(%I, %A, 0).unwrap();
                        let g1 = gap::<F>(%I, %A, 1).unwrap();
                        let gl = gap::<F>(%I, %A, %N - 1).unwrap();
                        let v0 = speed(s, g0).unwrap();
                        let v1 = speed(s, g1).unwrap();
                        let vl = speed(s, gl).unwrap();
                        assert!((v0 - %V1).abs() < 1e-3);
                        assert!((vl - %VN).abs() < 1e-3);
                        let dt = (g0.seconds() + g1.seconds()) / 2.0;
                        assert!(((v1 - v0) / dt - %PAIR).abs() < 0.1);
                        assert_eq!(gl, Ticks::<F>(%GN));
                    }
                }
                """.replace("%FQ", FQ).replace("%PAIR", AF).replace("%S", EntryBuilder.rustF64(S)).replace("%I", I).replace("%A", A).replace("%N", N).replace("%V1", V1)
                        .replace("%VN", VN).replace("%GN", GN),
                "The Ticks type is Copy and tiny, so passing it by value costs nothing; the frequency lives only in the type and takes no memory.");
        b.safety("The run is well formed: its last gap " + GN + " ticks is still positive, so the steps stay ordered, and the implied accelerations (" + AF + ", " + AR + " and "
                + AE + " mm/s^2) agree in sign with the gaps " + (speedingUp ? "shrinking: the axis is speeding up." : "growing: the axis is slowing down.")
                + " A run that implied more than the configured acceleration would point to a planning error rather than to the motor.");
        b.edgeCases("- A gap that reaches zero or below would make v infinite or negative; the gap function returns an error instead.\n"
                + "- With A = 0 the run is a constant speed and all acceleration estimates are zero.\n"
                + "- For large |A|/I the continuous estimate drifts from the pair estimate, because v = s f / I is not linear in I; the pair estimate is the one tied to real step times.\n"
                + "- On CoreXY and delta machines this is a motor's speed, not the toolhead's: the toolhead speed follows from the kinematics.");
        b.alternatives("Measuring speed from a single gap is noisy when the host rounds step times to whole ticks; a least-squares fit of position against time over many steps smooths that out. "
                + "Sending speed and acceleration instead of intervals would move division into the MCU's step interrupt, which small MCUs cannot afford.");
        switch (ask) {
            case "speed" -> b.answer("mm/s, mm/s²", 0.1, "v_first", "a_pair");
            case "accel" -> b.answer("mm/s²", 0.1, "a_run");
            case "end-speed" -> b.answer("mm/s", 1e-3, "v_first", "v_last");
            default -> b.answer("mm/s²", 0.1, "a_est", "a_pair");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.StepBatch sb)) return r;
        double s = trace.setting("stepper." + sb.stepper() + ".step_distance_mm");
        double f = trace.header().clockFreqHz();
        // Replay the gaps and the clocks; the replayed last clock must be the recorded one.
        long clock = sb.firstClock() - sb.interval(), g = sb.interval();
        long[] gaps = new long[sb.count()];
        for (int j = 0; j < sb.count(); j++) {
            gaps[j] = g;
            clock += g;
            g += sb.add();
        }
        boolean consistent = clock == sb.lastClock();
        long total = 0;
        for (long x : gaps) total += x;
        r.put("step", s);
        r.put("freq", f);
        r.put("interval", (double) sb.interval());
        r.put("count", (double) sb.count());
        r.put("add", (double) sb.add());
        r.put("gap2", (double) gaps[1]);
        r.put("gap_n", (double) gaps[gaps.length - 1]);
        // Speeds from the gaps' durations in seconds.
        double t0 = gaps[0] / f, t1 = gaps[1] / f, tn = gaps[gaps.length - 1] / f;
        double v0 = s / t0, v1 = s / t1, vn = s / tn;
        r.put("v_first", v0);
        r.put("v_second", v1);
        r.put("v_last", consistent ? vn : Double.NaN);
        r.put("dt12", t0 / 2 + t1 / 2);
        r.put("a_pair", (v1 - v0) / (t0 / 2 + t1 / 2));
        r.put("sum_gaps", (double) (sb.lastClock() - (sb.firstClock() - sb.interval())));
        double span = (total - gaps[0] / 2.0 - gaps[gaps.length - 1] / 2.0) / f;
        r.put("t_mid", span);
        r.put("a_run", (vn - v0) / span);
        // Continuous estimate: (-A/I) * v * (f/I).
        r.put("a_est", -((double) sb.add() / sb.interval()) * v0 * (f / sb.interval()));
        return r;
    }
}
