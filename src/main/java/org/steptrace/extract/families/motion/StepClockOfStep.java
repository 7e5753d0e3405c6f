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
 * One compressed step run (interval, count, add) as the host sent it: the clock of step k by the
 * closed form prev + k I + A k(k-1)/2, the gap before it, and its time in microseconds after the
 * run's first step at the trace's clock frequency; checked by a summation loop and against the
 * record's first and last clocks.
 */
public final class StepClockOfStep implements Family {
    private static final String[] ASKS = {"clock", "time", "gap", "last"};

    @Override
    public String id() {
        return "step-clock-of-step";
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
        int n = 0, zeroAdds = 0;
        for (TraceView.At<TraceRecord.StepBatch> at : trace.all(TraceRecord.StepBatch.class)) {
            TraceRecord.StepBatch s = at.record();
            if (s.count() < 24 || s.interval() <= 0 || s.interval() >= (1L << 31)) continue;
            if (s.add() != 0 && Math.abs(s.add()) <= 20) continue; // small adds print as bare small integers; keep the checkable ones
            if (s.add() == 0 && zeroAdds++ % 4 != 0) continue; // constant-rate runs are common: keep a few
            long prev = s.firstClock() - s.interval();
            long k = 21 + (long) ((s.count() - 21) * (0.3 + 0.6 * ((n * 0.618) % 1.0)));
            k = Math.max(21, Math.min(s.count(), k));
            Map<String, Double> obs = new HashMap<>();
            obs.put("prev", (double) prev);
            obs.put("interval", (double) s.interval());
            obs.put("count", (double) s.count());
            obs.put("add", (double) s.add());
            obs.put("first", (double) s.firstClock());
            obs.put("last", (double) s.lastClock());
            obs.put("freq", f);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("stepper", s.stepper());
            labels.put("board", String.valueOf(trace.header().board()));
            labels.put("scenario", TrianglePeakSpeed.scenarioOf(trace));
            out.add(new Finding(RecordRange.of(at.line()), labels, Map.of("k", (double) k), obs));
            if (out.size() >= 20) break;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding fi, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, fi, rng);
        long prev = (long) fi.observed("prev"), iv = (long) fi.observed("interval"), cnt = (long) fi.observed("count");
        long add = (long) fi.observed("add"), first = (long) fi.observed("first"), last = (long) fi.observed("last");
        double f = fi.observed("freq");
        long k = (long) fi.param("k");
        long tri = k * (k - 1) / 2;
        long tk = prev + k * iv + add * tri;
        long gapK = iv + (k - 1) * add;
        long sinceFirst = tk - first;
        double us = sinceFirst / f * 1e6;
        double absS = tk / f;
        long triN = cnt * (cnt - 1) / 2;
        long tN = prev + cnt * iv + add * triN;
        String ask = fi.label("ask");
        String stepper = fi.label("stepper").replace("stepper_", "").toUpperCase();
        if (stepper.equals("EXTRUDER")) stepper = "extruder";

        String P = b.count("prev", prev, "ticks"), I = b.count("interval", iv, "ticks"), N = b.count("count", cnt, "steps");
        String AD = b.count("add", add, "ticks"), F1 = b.count("first", first, "ticks"), K = b.count("k", k, "");
        String FQ = b.count("freq", (long) f, "Hz");
        String TRI = b.count("tri", tri, ""), KI = b.count("k_times_i", k * iv, "ticks"), ATRI = b.count("add_tri", add * tri, "ticks");
        String TK = b.count("t_k", tk, "ticks"), GK = b.count("gap_k", gapK, "ticks"), SF = b.count("since_first", sinceFirst, "ticks");
        String US = b.q("us_after_first", us, 3, "us"), ABS = b.q("t_k_s", absS, 6, "s");
        String TRIN = b.count("tri_n", triN, ""), TN = b.count("t_n", tN, "ticks");
        String sign = add < 0 ? "shrinks" : add > 0 ? "grows" : "stays";

        String who = stepper.equals("extruder") ? "the extruder motor" : "the " + stepper + " stepper";
        String situation = b.pick(
                "The host sent " + who + " a compressed step run of " + N + " steps: start interval " + I + " ticks, interval change (add) "
                        + AD + " ticks per step. The step before the run happened at clock " + P + ".",
                "A step-queue command for " + who + " carried (interval, count, add) = (" + I + ", " + N + ", " + AD
                        + "); the stepper's previous step was at MCU clock " + P + ".",
                "In a trace from a " + fi.label("board") + " board, " + who + " received a queued run with interval " + I + " ticks, count "
                        + N + " and add " + AD + ", following a step at clock " + P + ".");
        String clock = b.pick(" The MCU clock runs at " + FQ + " Hz.", " The board's timer ticks at " + FQ + " Hz.",
                " Clock frequency: " + FQ + " Hz.");
        String question = switch (ask) {
            case "clock" -> b.pick(" At which clock does step " + K + " of the run fire?", " Compute the absolute clock of step number " + K + ".",
                    " Find the MCU clock value of the run's step " + K + ".");
            case "time" -> b.pick(" How many microseconds after the run's first step does step " + K + " happen?",
                    " Find the time from step 1 to step " + K + " in microseconds.",
                    " Express the delay between the first step and step " + K + " in microseconds.");
            case "gap" -> b.pick(" What is the gap between step " + K + " and the step before it, and when does step " + K + " fire?",
                    " Find the interval that precedes step " + K + " and that step's clock.",
                    " Compute the step period just before step " + K + " along with its clock.");
            default -> b.pick(" Where does the run end: at which clock is its last step?",
                    " Compute the clock of the final step of the run, then also of step " + K + ".",
                    " Find the clock of the last step, and of step " + K + ".");
        };
        String frame = b.pick("",
                "You are auditing a motion controller's step stream offline. ",
                "A firmware engineer wants to confirm that a queued step run lands where the host intended. ",
                "While debugging a timing glitch, you decode one queued run by hand. ",
                "To check the MCU's integer step arithmetic, reproduce one step time from a logged run. ");
        b.problem(frame + situation + clock + question);

        b.think("First, let me understand what the MCU does with this. It keeps the time of the last step and, for each new step, adds the current interval, "
                + "then changes the interval by add. So the gaps are I, I + A, I + 2A, ... and the interval "
                + (add == 0 ? "stays the same at every step (a constant-speed run)." : sign + " by " + AD.replace("-", "") + " ticks each step."));
        b.think("Step k is the previous step's clock plus the sum of the first k gaps: sum over j = 0..k-1 of (I + j A) = k I + A k(k - 1)/2. "
                + b.pick("Let me be careful with the off-by-one: ", "Wait, is it k(k + 1)/2? No: ")
                + "the first gap has no A in it, so the triangular number is k(k - 1)/2, not k(k + 1)/2. For k = " + K + " that is " + TRI + ".");
        b.think("So t_k = " + P + " + " + K + " x " + I + " + (" + AD + ") x " + TRI + " = " + P + " + " + KI + " + (" + ATRI + ") = " + TK
                + ". The gap before step " + K + " is I + (k - 1)A = " + GK + " ticks.");
        b.think("Relative to the run's first step at " + F1 + ": " + TK + " - " + F1 + " = " + SF + " ticks, and at " + FQ + " Hz that is " + SF
                + "/" + FQ + " s = " + US + " us. In absolute terms step " + K + " is at " + ABS + " s of MCU time.");
        b.think("Check with the end of the run: t_N = " + P + " + " + N + " x " + I + " + (" + AD + ") x " + TRIN + " = " + TN
                + ", which must be the last clock the host recorded for this run, and it is. A summation loop over the gaps gives the same numbers, step by step.");

        b.controlProblem("A step run (interval I = " + I + ", count N = " + N + ", add A = " + AD + ") follows a step at clock " + P
                + "; with a " + FQ + " Hz clock, find the clock of step k = " + K + ", the gap before it, and its delay after the first step.");
        b.context("- Hardware limitations: the MCU's timer is a 32-bit counter at " + FQ + " Hz and it has no floating point to spare in the step interrupt, so each step costs one integer add for the clock and one for the interval.\n"
                + "- Real-time requirements: every step must fire at its clock; the host compresses its exact step times into (I, N, A) runs that stay within a small error window, and the MCU replays them with integer arithmetic.\n"
                + "- Safety requirements: the interval must never go non-positive inside a run, or steps would collapse onto each other; the host verifies each run before sending it.");
        b.analysis("Step 1: Gaps. The j-th gap (j = 0..N-1) is I + j A.\n\n"
                + "Step 2: Closed form. t_k = t_prev + k I + A k(k - 1)/2 = " + P + " + " + KI + " + (" + ATRI + ") = " + TK + ".\n\n"
                + "Step 3: Gap before step k: I + (k - 1)A = " + GK + " ticks.\n\n"
                + "Step 4: Time. (t_k - t_1)/f = " + SF + "/" + FQ + " s = " + US + " us; absolute " + ABS + " s.\n\n"
                + "Step 5: Consistency. t_N = " + TN + " is the recorded last clock of the run.");
        b.rust("The run is a small value type with an iterator over its step clocks: the closed form and the step-by-step replay live side by side, and integer types are widened to i64 before any multiplication so nothing overflows.",
                """
                /// A compressed run of steps: gaps interval, interval + add, ...
                #[derive(Debug, Clone, Copy)]
                pub struct StepRun {
                    pub interval: u32,
                    pub count: u16,
                    pub add: i16,
                }

                impl StepRun {
                    /// Clock of step k (1-based) after a step at `prev`, or None outside 1..=count.
                    pub fn clock_of(&self, prev: u64, k: u16) -> Option<u64> {
                        if k == 0 || k > self.count {
                            return None;
                        }
                        let k = i64::from(k);
                        let t = prev as i64 + k * i64::from(self.interval) + i64::from(self.add) * k * (k - 1) / 2;
                        u64::try_from(t).ok()
                    }

                    /// Every step clock, replayed the way the MCU does it.
                    pub fn clocks(&self, prev: u64) -> Clocks {
                        Clocks { clock: prev as i64, gap: i64::from(self.interval), add: i64::from(self.add), left: self.count }
                    }
                }

                pub struct Clocks {
                    clock: i64,
                    gap: i64,
                    add: i64,
                    left: u16,
                }

                impl Iterator for Clocks {
                    type Item = u64;
                    fn next(&mut self) -> Option<u64> {
                        if self.left == 0 {
                            return None;
                        }
                        self.left -= 1;
                        self.clock += self.gap;
                        self.gap += self.add;
                        u64::try_from(self.clock).ok()
                    }
                }

                pub fn ticks_to_us(ticks: u64, freq_hz: f64) -> f64 {
                    ticks as f64 / freq_hz * 1e6
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_run() {
                        let run = StepRun { interval: %I, count: %N, add: %AD };
                        let prev: u64 = %P;
                        assert_eq!(run.clock_of(prev, %K), Some(%TK));
                        assert_eq!(run.clocks(prev).nth(%K - 1), Some(%TK));
                        assert_eq!(run.clocks(prev).last(), Some(%TN));
                        assert_eq!(run.clock_of(prev, 1), Some(%F1));
                        let us = ticks_to_us(%TK - %F1, %FQ.0);
                        assert!((us - %US).abs() < 1e-3);
                        assert_eq!(run.clock_of(prev, 0), None);
                    }
                }
                """.replace("%I", I).replace("%N", N).replace("%AD", AD).replace("%P", P).replace("%K", K).replace("%TK", TK)
                        .replace("%TN", TN).replace("%F1", F1).replace("%FQ", FQ).replace("%US", US),
                "Widening to i64 before multiplying matters: k I alone can exceed the 32-bit range for a long run, even though the MCU itself only ever adds one gap at a time and lets its 32-bit clock wrap.");
        b.safety("The closed form and the replay agree because the sum of an arithmetic sequence is exact in integers (k(k - 1) is always even). The gap before step " + K + " is "
                + GK + " ticks, still positive, so the steps stay in order; a run whose interval would reach zero or below is rejected by the host before it is sent.");
        b.edgeCases("- k = 0 or k > N: there is no such step; the function returns None rather than extrapolating.\n"
                + "- Negative add: the gaps shrink (the axis accelerates); the last gap I + (N - 1)A must stay positive.\n"
                + "- Clock wrap: the MCU's clock is 32-bit, so t_k is compared modulo 2^32 on the MCU; the host keeps 64-bit clocks and only the low 32 bits go on the wire.\n"
                + "- A single far-away step is sent as its own run with count 1, whose interval may exceed half the 32-bit range: fine for modular arithmetic, but not for a signed interval check.");
        b.alternatives("Sending every step time individually would be exact but would need several bytes per step over a serial line; (I, N, A) runs cost a few bytes for hundreds of steps, "
                + "at the price of a bounded timing error. A cubic term would follow acceleration changes more closely, but the quadratic form already matches constant-acceleration segments well and keeps the MCU's work to two additions per step.");
        switch (ask) {
            case "clock" -> b.answer("ticks", 0.5, "t_k");
            case "time" -> b.answer("us", 1e-3, "us_after_first");
            case "gap" -> b.answer("ticks", 0.5, "gap_k", "t_k");
            default -> b.answer("ticks", 0.5, "t_n", "t_k");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.StepBatch s)) return r;
        long k = (long) ref.param("k");
        double f = trace.header().clockFreqHz();
        long prev = s.firstClock() - s.interval();
        // Replay the run gap by gap.
        long clock = prev, gap = s.interval(), tk = -1, gapK = -1, first = -1;
        long sumK = 0, sumAdd = 0;
        for (long j = 1; j <= s.count(); j++) {
            if (j <= k) {
                sumK += s.interval();
                sumAdd += (j - 1) * s.add();
            }
            clock += gap;
            if (j == 1) first = clock;
            if (j == k) {
                tk = clock;
                gapK = gap;
            }
            gap += s.add();
        }
        r.put("prev", (double) prev);
        r.put("interval", (double) s.interval());
        r.put("count", (double) s.count());
        r.put("add", (double) s.add());
        r.put("first", (double) s.firstClock());
        r.put("k", (double) k);
        r.put("freq", f);
        long tri = 0;
        for (long j = 1; j < k; j++) tri += j;
        r.put("tri", (double) tri);
        r.put("k_times_i", (double) sumK);
        r.put("add_tri", (double) sumAdd);
        r.put("t_k", (double) tk);
        r.put("gap_k", (double) gapK);
        r.put("since_first", (double) (tk - first));
        r.put("us_after_first", (tk - first) * 1e6 / f);
        r.put("t_k_s", tk / f);
        long triN = 0;
        for (long j = 1; j < s.count(); j++) triN += j;
        r.put("tri_n", (double) triN);
        // The run's last step as the trace recorded it; the replay must land on it too.
        r.put("t_n", clock == s.lastClock() ? (double) s.lastClock() : Double.NaN);
        if (first != s.firstClock()) r.put("t_k", Double.NaN);
        return r;
    }
}
