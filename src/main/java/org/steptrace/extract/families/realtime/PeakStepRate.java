package org.steptrace.extract.families.realtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * The shortest step interval a stepper received over a run (a step batch's gaps are linear in the
 * step index, so the shortest is at one end): the peak step rate, the time budget a step timer
 * interrupt has at that rate, and the carriage speed it corresponds to.
 */
public final class PeakStepRate implements Family {
    private static final String[] ASKS = {"rate", "budget", "speed"};
    private static final double[] ISR_US = {2, 5, 10};

    @Override
    public String id() {
        return "peak-step-rate";
    }

    @Override
    public Category category() {
        return Category.REAL_TIME;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        if (!(trace.clockHz() > 0)) return out;
        Map<String, long[]> best = new LinkedHashMap<>(); // stepper -> {gap, line, firstLine, lastLine, batches}
        for (TraceView.At<TraceRecord.StepBatch> at : trace.all(TraceRecord.StepBatch.class)) {
            TraceRecord.StepBatch sb = at.record();
            if (sb.stepper() == null || sb.count() < 1 || sb.interval() >= (1L << 31)) continue;
            long gFirst = sb.interval();
            long gLast = sb.interval() + (long) (sb.count() - 1) * sb.add();
            long g = Math.min(gFirst, gLast);
            long[] cur = best.get(sb.stepper());
            if (cur == null) {
                best.put(sb.stepper(), new long[] {g, at.line(), at.line(), at.line(), 1});
            } else {
                if (g < cur[0]) {
                    cur[0] = g;
                    cur[1] = at.line();
                }
                cur[3] = at.line();
                cur[4]++;
            }
        }
        int k = 0;
        for (Map.Entry<String, long[]> e : best.entrySet()) {
            long[] v = e.getValue();
            if (v[0] <= 0 || v[4] < 3) continue;
            double dist = trace.setting("stepper." + e.getKey() + ".step_distance_mm");
            if (!(dist > 0)) continue;
            Map<String, Double> obs = new HashMap<>();
            obs.put("gap", (double) v[0]);
            obs.put("dist", dist);
            obs.put("batches", (double) v[4]);
            obs.put("vmax", trace.setting("max_velocity_mm_per_s"));
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[k % ASKS.length]);
            labels.put("stepper", e.getKey());
            labels.put("scenario", H5Scenario.kind(trace));
            labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
            out.add(new Finding(new RecordRange((int) v[2], (int) v[3]), labels, Map.of("isr_us", ISR_US[k % ISR_US.length]), obs));
            k++;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        b.literal(-8); // a decelerating add in the Rust tests
        double fn = trace.clockHz();
        double gap = f.observed("gap"), dist = f.observed("dist"), vmax = f.observed("vmax");
        double rate = fn / gap;
        double periodUs = gap / fn * 1e6;
        double speed = rate * dist;
        double isrUs = f.param("isr_us");
        double isrTicks = isrUs * 1e-6 * fn;
        double share = isrUs / periodUs;
        String ask = f.label("ask");
        String stepper = f.label("stepper").replace('_', ' ');
        String kin = f.label("kinematics");
        String kind = f.label("scenario");

        String FN = b.q("f_nominal", fn, 0, "Hz");
        String G = b.count("gap", (long) gap, "ticks");
        String NB = b.count("batches", (long) f.observed("batches"), "commands");
        String D = b.q("dist", dist, 7, "mm");
        String R = b.q("rate", rate, 1, "steps/s");
        String PU = b.q("period_us", periodUs, 3, "us");
        String SP = b.q("speed", speed, 2, "mm/s");
        String ISR = b.q("isr_us", isrUs, 1, "us");
        String IT = b.q("isr_ticks", isrTicks, 0, "ticks");
        String SH = b.q("share_pct", share * 100, 2, "%");
        boolean hasVmax = vmax > 0;
        String VM = hasVmax ? b.q("vmax", vmax, 1, "mm/s") : "";

        String intro = b.pick(
                "On " + H5Scenario.boardWords(trace) + " (timer at " + FN + " Hz), the host sent " + NB + " step-queue commands (interval, count, add) for the " + stepper + " motor " + H5Scenario.doing(kind) + ". ",
                "A run " + H5Scenario.doing(kind) + " on a " + kin + " machine sent the " + stepper + " motor " + NB + " step-queue commands, each a run of steps whose spacing starts at an interval and changes by a constant add per step; the MCU timer counts at " + FN + " Hz. ",
                "The " + stepper + " motor of " + H5Scenario.boardWords(trace) + " (" + FN + " Hz timer) received " + NB + " commands of the form (interval, count, add) " + H5Scenario.doing(kind) + ". ");
        String data = b.pick(
                "Across all of them the shortest spacing between two consecutive steps was " + G + " ticks. One step moves the carriage side of this motor by " + D + " mm.",
                "Scanning every command for its smallest gap (first or last step, since the gaps change linearly), the minimum over the run is " + G + " ticks; the motor's step distance is " + D + " mm.",
                "The tightest step spacing found in those commands is " + G + " ticks, and each step of this motor corresponds to " + D + " mm of travel.");
        String question = switch (ask) {
            case "rate" -> b.pick(" What peak step rate (steps per second) does that imply?", " Find the peak step rate this motor had to sustain, in steps per second.");
            case "budget" -> b.pick(" If each step interrupt costs " + ISR + " us of CPU time, what share of the time between steps does it take at the peak rate (in %)?",
                    " How much time (in us) separates steps at the peak, and what fraction of it would a " + ISR + " us step interrupt consume?");
            default -> b.pick(" What motor-axis speed (mm/s) does the peak step rate correspond to?", " Convert the peak step rate into a speed in mm/s along this motor's own axis.");
        };
        b.problem(intro + data + question);

        b.think("First, let me understand what's happening physically. Within one command the gap between steps starts at the interval and changes by add each step, so it is linear in the step index and its minimum is at the first or the last step. The minimum over the run is the worst case the step timer has to meet: " + G + " ticks.");
        b.think("Time between steps at the peak = " + G + " / " + FN + " s = " + PU + " us. Peak step rate = " + FN + " / " + G + " = " + R + " steps/s. Unit check: ticks per second divided by ticks per step gives steps per second.");
        b.think("Speed along this motor's axis = " + R + " steps/s x " + D + " mm/step = " + SP + " mm/s."
                + (hasVmax ? " The configured velocity limit is " + VM + " mm/s; for a " + kin + " machine the motor's own speed "
                        + (kin.equals("cartesian") ? "equals the axis speed, so it should not exceed it." : "is a mix of toolhead axes and can exceed the toolhead's limit by a kinematic factor.") : ""));
        b.think("Budget: the interrupt has " + PU + " us per step. A " + ISR + " us interrupt is " + IT + " ticks at this clock, i.e. " + ISR + " / " + PU + " = " + SH
                + " % of the time between steps. Wait, that is for one motor; with several motors stepping at their peaks together the shares add, so the real margin is smaller than this single figure suggests.");

        b.controlProblem("Given the shortest step gap " + G + " ticks at " + FN + " Hz for a motor with " + D + " mm per step, find the peak step rate, the time budget per step, the axis speed, and the share of that budget a " + ISR + " us step interrupt uses.");
        b.context("- Hardware limitations: the step timer on this " + FN + " Hz MCU resolves one tick; a step interrupt takes a fixed number of cycles, which caps the achievable step rate.\n"
                + "- Real-time requirements: every step must be issued within its scheduled tick; at the peak, consecutive steps are only " + PU + " us apart.\n"
                + "- Safety requirements: if the total interrupt load approaches 100 % the MCU falls behind its schedule; it must detect that and stop rather than step late and lose position.");
        b.analysis("Step 1: Peak gap = " + G + " ticks = " + PU + " us.\n\n"
                + "Step 2: Peak rate = " + FN + " / " + G + " = " + R + " steps/s.\n\n"
                + "Step 3: Axis speed = " + R + " x " + D + " = " + SP + " mm/s.\n\n"
                + "Step 4: A " + ISR + " us interrupt (" + IT + " ticks) uses " + SH + " % of the per-step budget.");
        b.rust("The step timing is expressed with const generics for the clock frequency, so the conversion factor is fixed at compile time for a given board and cannot be mixed between boards.",
                """
                /// A step gap in timer ticks of a clock running at HZ.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Gap<const HZ: u64>(pub u64);

                #[derive(Debug, PartialEq)]
                pub enum RateError {
                    ZeroGap,
                }

                impl<const HZ: u64> Gap<HZ> {
                    pub fn micros(&self) -> f64 {
                        self.0 as f64 * 1e6 / HZ as f64
                    }

                    pub fn rate(&self) -> Result<f64, RateError> {
                        if self.0 == 0 {
                            return Err(RateError::ZeroGap);
                        }
                        Ok(HZ as f64 / self.0 as f64)
                    }

                    /// Share (0..1) of the gap a handler of `isr_us` microseconds occupies.
                    pub fn isr_share(&self, isr_us: f64) -> Result<f64, RateError> {
                        if self.0 == 0 {
                            return Err(RateError::ZeroGap);
                        }
                        Ok(isr_us / self.micros())
                    }
                }

                /// Shortest gap of a (interval, count, add) run: the gaps are linear in the step index.
                pub fn min_gap(interval: u64, count: u32, add: i64) -> i64 {
                    let first = interval as i64;
                    let last = first + (count as i64 - 1) * add;
                    first.min(last)
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_peak() {
                        let g: Gap<%FN> = Gap(%G);
                        assert!((g.rate().unwrap() - %R).abs() < 0.1);
                        assert!((g.micros() - %PU).abs() < 1e-3);
                        assert!((g.isr_share(%ISR).unwrap() * 100.0 - %SH).abs() < 0.01);
                    }

                    #[test]
                    fn linear_gaps_have_their_minimum_at_an_end() {
                        assert_eq!(min_gap(64, 5, -8), 32);
                        assert_eq!(Gap::<%FN>(0).rate(), Err(RateError::ZeroGap));
                    }
                }
                """.replace("%FN", FN).replace("%G", G).replace("%R", R).replace("%PU", PU).replace("%ISR", ISR).replace("%SH", SH),
                "The frequency is part of the type: a Gap measured on one board cannot be passed where another board's Gap is expected, which is exactly the unit mistake that silently doubles a step rate.");
        b.safety("At the peak the timer has " + PU + " us per step; a " + ISR + " us interrupt takes " + SH + " % of it, so one motor alone leaves "
                + (share < 0.5 ? "ample" : "little") + " margin. The host must bound the step rate it plans (through the velocity limit and step distance) so that the sum over all motors stays well below 100 %, and the MCU must still refuse a step whose time has already passed instead of running late.");
        b.edgeCases("- A run with a negative add gets faster along its length: its minimum gap is the last one, interval + (count - 1) x add, not the first.\n"
                + "- A single very long interval (a first step after idling) is far from the minimum and must not be mistaken for the rate.\n"
                + "- Two motors peaking at the same moment double the interrupt load; the per-motor figure is a lower bound on the total.\n"
                + "- Gaps shorter than the interrupt's own duration are impossible to honour; the planner must never produce them.");
        b.alternatives("Hardware step generation (a timer in PWM or pulse-train mode) removes the per-step interrupt cost entirely, at the price of flexibility. "
                + "Coarser microstepping halves the step rate for the same speed but reduces smoothness and resolution. "
                + "Sending step runs as (interval, count, add) keeps the host-to-MCU traffic low even at high rates, because one command covers many steps.");
        switch (ask) {
            case "rate" -> b.answer("steps/s", 0.5, "rate");
            case "budget" -> b.answer("%", 0.01, "share_pct");
            default -> b.answer("mm/s", 0.01, "speed");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        String stepper = ref.label("stepper");
        double hz = trace.header().clockFreqHz();
        long minGap = Long.MAX_VALUE;
        int batches = 0;
        // Expand every command of this stepper into step clocks and take the smallest difference.
        for (TraceView.At<TraceRecord.StepBatch> at : trace.within(ref.records(), TraceRecord.StepBatch.class)) {
            TraceRecord.StepBatch sb = at.record();
            if (!stepper.equals(sb.stepper()) || sb.count() < 1 || sb.interval() >= (1L << 31)) continue;
            batches++;
            long start = sb.firstClock() - sb.interval();
            long prev = start;
            for (long k = 1; k <= sb.count(); k++) {
                long t = start + k * sb.interval() + sb.add() * k * (k - 1) / 2;
                minGap = Math.min(minGap, t - prev);
                prev = t;
            }
        }
        double dist = trace.setting("stepper." + stepper + ".step_distance_mm");
        double isr = ref.param("isr_us");
        double secPerStep = minGap / hz;
        r.put("f_nominal", hz);
        r.put("gap", (double) minGap);
        r.put("batches", (double) batches);
        r.put("dist", dist);
        r.put("rate", 1 / secPerStep);
        r.put("period_us", secPerStep * 1e6);
        r.put("speed", dist / secPerStep);
        r.put("isr_us", isr);
        r.put("isr_ticks", isr * hz / 1e6);
        r.put("share_pct", 100 * isr * 1e-6 / secPerStep);
        r.put("vmax", trace.setting("max_velocity_mm_per_s"));
        return r;
    }
}
