package org.steptrace.extract.families.realtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.steptrace.extract.Category;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.families.common.EntryBuilder;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * The MCU's periodic task statistics (iterations, summed busy ticks, summed squared busy ticks
 * scaled by 1/256 and rounded up): mean task time, busy fraction of the period and the standard
 * deviation, including the floor the rounding puts under it.
 */
public final class McuTaskLoad implements Family {
    private static final String[] ASKS = {"load", "mean", "stddev"};

    @Override
    public String id() {
        return "mcu-task-load";
    }

    @Override
    public Category category() {
        return Category.REAL_TIME;
    }

    private static long[] parse(String m) {
        if (!m.startsWith("stats ")) return null;
        long[] v = new long[3];
        String[] keys = {"count", "sum", "sumsq"};
        int found = 0;
        for (String part : m.split(" ")) {
            for (int i = 0; i < 3; i++) {
                if (part.startsWith(keys[i] + "=")) {
                    try {
                        v[i] = Long.parseLong(part.substring(keys[i].length() + 1));
                        found++;
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
        }
        return found == 3 ? v : null;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        if (!(trace.clockHz() > 0)) return out;
        List<TraceView.At<TraceRecord.WireMessage>> stats = new ArrayList<>();
        for (TraceView.At<TraceRecord.WireMessage> at : trace.all(TraceRecord.WireMessage.class)) {
            TraceRecord.WireMessage m = at.record();
            if (!"mcu_to_host".equals(m.direction()) || m.messages() == null || m.messages().size() != 1) continue;
            long[] v = parse(m.messages().get(0));
            if (v != null && v[0] > 0 && v[1] > 0) stats.add(at);
        }
        List<Finding> all = new ArrayList<>();
        for (int i = 1; i < stats.size(); i++) {
            TraceView.At<TraceRecord.WireMessage> prev = stats.get(i - 1), cur = stats.get(i);
            double period = cur.record().hostTimeS() - prev.record().hostTimeS();
            if (period < 4 || period > 6) continue; // a lost report in between: not one period
            long[] v = parse(cur.record().messages().get(0));
            Map<String, Double> obs = new HashMap<>();
            obs.put("count", (double) v[0]);
            obs.put("sum", (double) v[1]);
            obs.put("sumsq", (double) v[2]);
            obs.put("period", period);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[all.size() % ASKS.length]);
            labels.put("scenario", H5Scenario.kind(trace));
            all.add(new Finding(new RecordRange(prev.line(), cur.line()), labels, Map.of(), obs));
        }
        int want = Math.min(9, all.size());
        for (int k = 0; k < want; k++) out.add(all.get((int) ((long) k * all.size() / want)));
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double fn = trace.clockHz();
        double count = f.observed("count"), sum = f.observed("sum"), sumsq = f.observed("sumsq"), period = f.observed("period");
        double meanTicks = sum / count;
        double meanUs = meanTicks / fn * 1e6;
        double busy = sum / fn;
        double load = busy / period;
        double var256 = count * sumsq * 256 - sum * sum;
        double sdTicks = Math.sqrt(Math.max(0, var256)) / count;
        double sdUs = sdTicks / fn * 1e6;
        double rate = count / period;
        double meanSqUpper = sumsq * 256 / count;
        String ask = f.label("ask");
        String kind = f.label("scenario");

        String FN = b.q("f_nominal", fn, 0, "Hz");
        String C = b.count("count", (long) count, "iterations");
        String S = b.count("sum", (long) sum, "ticks");
        String SQ = b.count("sumsq", (long) sumsq, "ticks^2/256");
        String P = b.q("period", period, 4, "s");
        String MT = b.q("mean_ticks", meanTicks, 3, "ticks");
        String MU = b.q("mean_us", meanUs, 4, "us");
        String BUSY = b.q("busy_s", busy, 6, "s");
        String LOAD = b.q("load_pct", load * 100, 4, "%", 1e-6);
        String MSQ = b.q("mean_sq", meanSqUpper, 2, "ticks^2");
        String MT2 = b.q("mean_ticks_sq", meanTicks * meanTicks, 2, "ticks^2");
        String SDT = b.q("sd_ticks", sdTicks, 3, "ticks", 1e-6);
        String SDU = b.q("sd_us", sdUs, 4, "us", 1e-6);
        String RATE = b.q("rate", rate, 1, "1/s");
        String TICKNS = b.sig("tick_ns", 1e9 / fn, 4, "ns");

        String intro = b.pick(
                "An MCU (" + H5Scenario.boardWords(trace) + ", timer at " + FN + " Hz) reports statistics about its main task loop once per period. ",
                "Task-loop statistics from " + H5Scenario.boardWords(trace) + " whose timer ticks at " + FN + " Hz, reported " + H5Scenario.doing(kind) + ". ",
                "The firmware of " + H5Scenario.boardWords(trace) + " (" + FN + " Hz timer) measures every pass of its background task loop and periodically sends three totals. ");
        String data = b.pick(
                "Over the last period, which lasted " + P + " s between consecutive reports, it sent: count = " + C + " loop iterations, sum = " + S
                        + " busy ticks (idle sleep excluded), sumsq = " + SQ + ", where each iteration adds its busy time squared divided by 256 and rounded up.",
                "The report covering " + P + " s says: " + C + " iterations, " + S + " busy ticks in total, and a squared-time accumulator of " + SQ
                        + " (each iteration contributes ceil(d^2/256) for its busy time d in ticks).",
                "Totals for one " + P + " s reporting interval " + H5Scenario.doing(kind) + ": iterations " + C + ", summed busy ticks " + S
                        + ", summed ceil(d^2/256) " + SQ + ".");
        String question = switch (ask) {
            case "load" -> b.pick(" What fraction of the period (in %) was the MCU busy, and how much headroom does that leave for interrupt-driven work?",
                    " Compute the MCU's busy fraction in percent over the period and the mean task time per iteration.");
            case "mean" -> b.pick(" What is the mean busy time per loop iteration, in microseconds?",
                    " Find the average task time per iteration in microseconds and the loop rate per second.");
            default -> b.pick(" Estimate the standard deviation of the per-iteration busy time in microseconds. Is a non-zero value proof that iterations vary?",
                    " From the squared accumulator, what standard deviation (in microseconds) does the report imply, and what limits its precision?");
        };
        b.problem(intro + data + question);

        b.think("First, let me understand what's happening physically. The MCU's main loop runs background tasks and sleeps when it has nothing to do; the report adds up only the busy part of each pass, idle sleep excluded, so sum / f is the busy time in seconds and the rest of the period was spent asleep, waiting for the next event.");
        b.think("Mean busy time per iteration = " + S + " / " + C + " = " + MT + " ticks. One tick is " + TICKNS + " ns, so that is " + MT + " / " + FN + " = " + MU
                + " us. The loop ran " + C + " / " + P + " = " + RATE + " times per second.");
        b.think("Busy time over the period = " + S + " / " + FN + " = " + BUSY + " s, a fraction " + BUSY + " / " + P + " = " + LOAD + " % of the period.");
        b.think("For the spread, the squared accumulator stores ceil(d^2/256), so 256 x sumsq / count = " + MSQ + " ticks^2 is an upper estimate of the mean square, and the mean squared is " + MT2
                + " ticks^2. Variance = mean square - square of mean, and the standard deviation comes out as sqrt(count x sumsq x 256 - sum^2) / count = " + SDT + " ticks = " + SDU + " us. "
                + "Wait, I should not read too much into that: each iteration's rounding up adds between 0 and 256 ticks^2 to the mean square, so the estimate carries a floor of up to sqrt(256) = 16 ticks even when every iteration takes exactly the same time. "
                + (sdTicks < 1e-9 ? "Here the result is exactly zero: every pass took the same busy time, and its square happened to be a multiple of 256, so the rounding added nothing."
                        : "A standard deviation of " + SDT + " ticks " + (sdTicks <= 16 ? "is within that floor, so it does not prove the iterations vary." : "exceeds that floor, so the iterations really do vary.")));

        b.controlProblem("From one task-statistics report (count = " + C + ", sum = " + S + ", sumsq = " + SQ + " over " + P + " s at " + FN
                + " Hz), compute the mean task time, the MCU's busy fraction and the standard deviation of the task time.");
        b.context("- Hardware limitations: a single core at " + FN + " Hz shares its time between the background task loop and timer interrupts (step pulses, ADC sampling); the accumulators are 32-bit, so the squared sum is pre-scaled by 1/256 to postpone overflow.\n"
                + "- Real-time requirements: timer interrupts must fire within their deadline; a busy task loop delays nothing directly, but a high busy fraction means less slack for interrupt bursts at high step rates.\n"
                + "- Safety requirements: the host should watch these reports; a busy fraction approaching 100 % warns of missed deadlines before they turn into a timing shutdown.");
        b.analysis("Step 1: Mean task time = sum / count = " + MT + " ticks = " + MU + " us; loop rate = " + RATE + " per second.\n\n"
                + "Step 2: Busy time = sum / f = " + BUSY + " s; busy fraction = " + BUSY + " / " + P + " = " + LOAD + " %.\n\n"
                + "Step 3: Mean square (upper) = 256 sumsq / count = " + MSQ + " ticks^2; square of mean = " + MT2 + " ticks^2.\n\n"
                + "Step 4: Standard deviation = sqrt(count x sumsq x 256 - sum^2) / count = " + SDT + " ticks = " + SDU + " us, with a rounding floor of up to 16 ticks.");
        b.rust("The report is parsed once into a typed struct; the arithmetic uses u128 so count x sumsq x 256 cannot overflow, and the square root of a negative (possible only from corrupt data) is clamped instead of producing NaN.",
                """
                #[derive(Debug, Clone, Copy)]
                pub struct TaskStats {
                    pub count: u32,
                    pub sum: u32,
                    pub sumsq: u32,
                }

                #[derive(Debug, PartialEq)]
                pub enum StatsError {
                    NoIterations,
                    NonPositivePeriod,
                }

                pub struct Load {
                    pub mean_us: f64,
                    pub busy_fraction: f64,
                    pub stddev_us: f64,
                }

                impl TaskStats {
                    pub fn load(&self, clock_hz: f64, period_s: f64) -> Result<Load, StatsError> {
                        if self.count == 0 {
                            return Err(StatsError::NoIterations);
                        }
                        if period_s <= 0.0 {
                            return Err(StatsError::NonPositivePeriod);
                        }
                        let n = self.count as u128;
                        let s = self.sum as u128;
                        let q = n * self.sumsq as u128 * 256;
                        let var_n2 = q.saturating_sub(s * s) as f64;
                        let ticks_to_us = 1e6 / clock_hz;
                        Ok(Load {
                            mean_us: self.sum as f64 / self.count as f64 * ticks_to_us,
                            busy_fraction: self.sum as f64 / clock_hz / period_s,
                            stddev_us: var_n2.sqrt() / self.count as f64 * ticks_to_us,
                        })
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_report() {
                        let st = TaskStats { count: %C, sum: %S, sumsq: %SQ };
                        let l = st.load(%FN.0, %P).unwrap();
                        assert!((l.mean_us - %MU).abs() < 1e-3);
                        assert!((l.busy_fraction * 100.0 - %LOAD).abs() < 1e-3);
                        assert!((l.stddev_us - %SDU).abs() < 1e-3);
                    }

                    #[test]
                    fn empty_report_is_an_error() {
                        let st = TaskStats { count: 0, sum: 0, sumsq: 0 };
                        assert!(st.load(%FN.0, %P).is_err());
                    }
                }
                """.replace("%SDU", SDU).replace("%SQ", SQ).replace("%C", C).replace("%S", S).replace("%FN", FN).replace("%P", P).replace("%MU", MU).replace("%LOAD", LOAD),
                "The saturating subtraction turns an impossible negative variance into zero rather than a panic in debug builds or a wrapped huge number in release builds.");
        b.safety("A busy fraction of " + LOAD + " % leaves " + (load < 0.5 ? "ample" : "limited") + " headroom: timer interrupts preempt the task loop, so background work this light cannot delay step pulses by more than one iteration's busy time, about "
                + MU + " us on average. The host can alarm on a rising busy fraction long before the MCU misses a deadline; the MCU itself still enforces deadlines with its own timing checks.");
        b.edgeCases("- count = 0 (no completed iteration in a period) would divide by zero; the implementation returns an error instead.\n"
                + "- On a long busy iteration d^2/256 can approach the 32-bit limit; the accumulator saturates, so a saturated sumsq means the standard deviation is only a lower bound.\n"
                + "- The rounding up in sumsq biases the variance upward by up to 256 ticks^2, which dominates when the true spread is a few ticks.\n"
                + "- A lost report makes two periods look like one; checking the spacing of reports (here " + P + " s) catches it.");
        b.alternatives("A histogram of iteration times would show the tail directly (the worst case matters more than the mean for real-time work) at the cost of more memory and bandwidth. "
                + "Tracking the maximum busy time per period is cheap and catches rare long iterations that the mean hides. "
                + "Summing d^2 in a 64-bit accumulator would remove the 1/256 rounding at the price of slower arithmetic on small 8-bit cores.");
        switch (ask) {
            case "load" -> b.answer("%", 1e-3, "load_pct");
            case "mean" -> b.answer("us", 1e-3, "mean_us");
            default -> b.answer("us", 1e-3, "sd_us");
        }
        return b.build();
    }

    private static final Pattern STATS = Pattern.compile("count=(\\d+) sum=(\\d+) sumsq=(\\d+)");

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        TraceRecord.WireMessage prev = (TraceRecord.WireMessage) trace.at(ref.records().fromLine());
        TraceRecord.WireMessage cur = (TraceRecord.WireMessage) trace.at(ref.records().toLine());
        Matcher m = STATS.matcher(cur.messages().get(0));
        if (!m.find()) return r;
        double n = Double.parseDouble(m.group(1)), s = Double.parseDouble(m.group(2)), q = Double.parseDouble(m.group(3));
        double hz = trace.header().clockFreqHz();
        double period = cur.hostTimeS() - prev.hostTimeS();
        double secondsPerTick = 1 / hz;
        r.put("f_nominal", hz);
        r.put("count", n);
        r.put("sum", s);
        r.put("sumsq", q);
        r.put("period", period);
        double mean = s / n;
        r.put("mean_ticks", mean);
        r.put("mean_us", mean * secondsPerTick * 1e6);
        r.put("busy_s", s * secondsPerTick);
        r.put("load_pct", 100 * s * secondsPerTick / period);
        double meanSq = 256 * q / n;
        r.put("mean_sq", meanSq);
        r.put("mean_ticks_sq", mean * mean);
        double sd = Math.sqrt(Math.max(0, meanSq - mean * mean));
        r.put("sd_ticks", sd);
        r.put("sd_us", sd * secondsPerTick * 1e6);
        r.put("rate", n / period);
        r.put("tick_ns", secondsPerTick * 1e9);
        return r;
    }
}
