package org.steptrace.extract.families.errors;

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
import org.steptrace.extract.families.thermal.H3Recheck;
import org.steptrace.extract.families.thermal.H3Thermal;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * An open or shorted thermistor: the report sum jumps to a rail, the MCU's range check needs a
 * run of consecutive out-of-range reports, so the shutdown follows the first bad report by
 * (count - 1) report periods; the host's own check may get there first.
 */
public final class ThermistorFaultDetection implements Family {
    private static final String[] ASKS = {"mcu-trip", "delay", "latency"};

    @Override
    public String id() {
        return "thermistor-fault-detection";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        List<TraceView.At<TraceRecord.Fault>> faults = trace.all(TraceRecord.Fault.class);
        List<TraceView.At<TraceRecord.Shutdown>> shut = trace.all(TraceRecord.Shutdown.class);
        if (faults.isEmpty() || shut.isEmpty()) return out;
        TraceView.At<TraceRecord.Fault> fa = faults.get(0);
        String kind = fa.record().kind(), heater = fa.record().heater();
        if (!("thermistor-open".equals(kind) || "thermistor-short".equals(kind)) || heater == null) return out;
        int oid = H3Thermal.adcOid(trace, heater);
        H3Thermal.Msg q = oid < 0 ? null : H3Thermal.query(trace, oid);
        if (q == null || !(trace.clockHz() > 0)) return out;
        TraceRecord.Thermal before = null, first = null;
        int firstLine = -1;
        for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
            TraceRecord.Thermal t = at.record();
            if (!heater.equals(t.heater()) || t.temperatureC() != null || t.adcSum() == null) continue;
            if (t.timeS() <= fa.record().timeS()) before = t;
            else if (first == null) {
                first = t;
                firstLine = at.line();
            }
        }
        if (before == null || first == null) return out;
        long lo = H3Thermal.longParam(q.text(), "min_value", -1), hi = H3Thermal.longParam(q.text(), "max_value", -1);
        if (first.adcSum() >= lo && first.adcSum() <= hi) return out;
        TraceView.At<TraceRecord.Shutdown> s0 = shut.get(0);
        Map<String, String> labels = new HashMap<>();
        labels.put("ask", ASKS[(int) Math.floorMod(trace.seed(), 3L)]);
        labels.put("kind", kind);
        labels.put("heater", heater);
        labels.put("board", String.valueOf(trace.header().board()));
        Map<String, Double> obs = new HashMap<>();
        obs.put("t_fault", fa.record().timeS());
        obs.put("adc_before", (double) before.adcSum());
        obs.put("adc_rail", (double) first.adcSum());
        obs.put("t_first", first.timeS());
        obs.put("min_value", (double) lo);
        obs.put("max_value", (double) hi);
        obs.put("rest_ticks", (double) H3Thermal.longParam(q.text(), "rest_ticks", 0));
        obs.put("sample_ticks", (double) H3Thermal.longParam(q.text(), "sample_ticks", 0));
        obs.put("samples", (double) H3Thermal.longParam(q.text(), "sample_count", 0));
        obs.put("count", (double) H3Thermal.longParam(q.text(), "range_check_count", 0));
        obs.put("t_shutdown", s0.record().timeS());
        obs.put("shutdown_mcu", "mcu".equals(s0.record().side()) ? 1.0 : 0.0);
        int last = Math.max(Math.max(s0.line(), firstLine), fa.line());
        out.add(new Finding(new RecordRange(Math.min(q.line(), fa.line()), last), labels, Map.of(), obs));
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String kind = f.label("kind"), ask = f.label("ask");
        boolean open = kind.equals("thermistor-open");
        String heater = H3Thermal.prose(f.label("heater"));
        double hz = trace.clockHz();
        double period = f.observed("rest_ticks") / hz, window = f.observed("samples") * f.observed("sample_ticks") / hz;
        int count = (int) f.observed("count");
        int effective = Math.max(1, count);
        double tF = f.observed("t_fault"), t1 = f.observed("t_first"), tS = f.observed("t_shutdown");
        double tPred = t1 + (effective - 1) * period;
        boolean mcuFirst = f.observed("shutdown_mcu") > 0.5;

        String TF = b.q("t_fault", tF, 3, "s"), T1 = b.q("t_first", t1, 3, "s"), TS = b.q("t_shutdown", tS, 3, "s");
        String AB = b.count("adc_before", (long) f.observed("adc_before"), "counts"), AR = b.count("adc_rail", (long) f.observed("adc_rail"), "counts");
        String LO = b.count("min_value", (long) f.observed("min_value"), "counts"), HI = b.count("max_value", (long) f.observed("max_value"), "counts");
        String P = b.q("period", period, 3, "s"), W = b.q("sample_window", window, 3, "s");
        String RT = b.count("rest_ticks", (long) f.observed("rest_ticks"), "ticks"), HZ = b.sig("clock_hz", hz, 4, "Hz");
        String TP = b.q("t_trip", tPred, 3, "s"), LAT = b.q("latency", t1 - tF, 3, "s"), DEL = b.q("delay", tS - tF, 3, "s");
        String CHAIN = b.q("chain", tPred - t1, 3, "s"), WORST = b.q("worst", effective * period, 3, "s");
        String rail = open ? "the top rail (the input pulled to the reference)" : "the bottom rail (the input pulled to ground)";

        String situation = b.pick(
                "A " + (open ? "broken thermistor lead (open circuit)" : "shorted thermistor") + " was injected on a printer's " + heater + " at t = " + TF + " s.",
                "At t = " + TF + " s the " + heater + " sensor failed " + (open ? "open" : "short") + " during a run on a " + f.label("board") + " board.",
                "A fault test " + (open ? "disconnected" : "shorted") + " the " + heater + " thermistor at t = " + TF + " s.");
        String givens = b.pick(
                " The MCU sums a burst of " + (int) f.observed("samples") + " conversions (" + W + " s long) every " + RT + " ticks of a " + HZ + " Hz clock, and shuts down once "
                        + count + " consecutive sums fall outside [" + LO + ", " + HI + "]. The last report before the fault read " + AB + "; the first after it, at t = " + T1
                        + " s, read " + AR + ".",
                " Sampling: a burst of " + (int) f.observed("samples") + " conversions (" + W + " s in all) every " + RT + " ticks at " + HZ + " Hz; range check "
                        + "[" + LO + ", " + HI + "] with " + count + " consecutive violations required. Reports went from " + AB + " before the fault to " + AR + " at t = " + T1 + " s.",
                " The sensor is reported every " + RT + " ticks (" + HZ + " Hz clock) as a sum of " + (int) f.observed("samples") + " conversions spanning " + W
                        + " s; accepted sums are " + LO + " to " + HI + ", and " + count + " bad reports in a row trip a shutdown. Before: " + AB + ". First report after: " + AR + " at t = " + T1 + " s.");
        String question = switch (ask) {
            case "mcu-trip" -> b.pick(" When does the MCU's range check shut the machine down?", " Predict the time of the MCU's out-of-range shutdown.");
            case "delay" -> b.pick(" How long after the fault does the machine shut down, and which check fires first?",
                    " Find the delay from the fault to the first shutdown and explain it.");
            default -> b.pick(" What is the worst-case time from such a fault to an MCU shutdown with these settings?",
                    " Bound the time between the sensor failing and the MCU acting on it.");
        };
        b.problem(situation + givens + question
                + (mcuFirst ? "" : " (The trace shows the host shutting down at t = " + TS + " s.)"));

        b.think("First, let me understand what's happening physically. " + (open
                ? "With the lead broken, the thermistor's resistance is effectively infinite, the divider output sits at the reference and the sum goes to full scale."
                : "With the thermistor shorted, the divider output is pulled to ground and the sum goes to about zero.")
                + " The reading moved from " + AB + " to " + AR + ", i.e. to " + rail + ", outside [" + LO + ", " + HI + "].");
        b.think("Report period: " + RT + "/" + HZ + " = " + P + " s. The fault at " + TF + " s shows up in the next report, at " + T1 + " s, " + LAT
                + " s later; that can never exceed one period plus the burst of " + W + " s.");
        b.think("The MCU does not act on one bad sum: it counts consecutive ones and trips at " + count + ". So the trip comes " + (effective - 1) + " periods after the first bad report: "
                + T1 + " + " + (effective - 1) + " x " + P + " = " + TP + " s. Wait, does the first bad report count as number one or zero? It counts as one, so it is "
                + (effective - 1) + " more periods, not " + effective + ".");
        if (mcuFirst) {
            b.think("The trace has the MCU's shutdown at " + TS + " s, matching the prediction. Delay from fault to shutdown: " + TS + " - " + TF + " = " + DEL + " s.");
        } else {
            b.think("The trace, however, has the host shutting down first, at " + TS + " s (" + DEL
                    + " s after the fault): the rail reading converts to an absurd temperature far below the target, and the host's heating check integrates that deficit past its limit in one pass. The MCU's check was still counting.");
        }
        b.think("Worst case from fault to MCU trip: the fault can land just after a report, costing up to one period before the first bad sum, plus " + (effective - 1) + " periods of counting: "
                + effective + " x " + P + " = " + WORST + " s.");

        b.controlProblem("Given " + (open ? "an open" : "a shorted") + " " + heater + " thermistor at t = " + TF + " s and the MCU's range check ([" + LO + ", " + HI + "], " + count
                + " consecutive reports, one report every " + P + " s), predict when the MCU shuts down and bound the detection time.");
        b.context("- Hardware limitations: the MCU sees only integer sums; a rail reading is the only sign of an electrical sensor fault.\n"
                + "- Real-time requirements: reports every " + P + " s; the check runs in the sampling timer and needs no host.\n"
                + "- Safety requirements: a heater whose sensor is gone must be switched off within a few seconds, even if the host is stalled.");
        b.analysis("Step 1: Period = " + RT + "/" + HZ + " = " + P + " s; burst = " + W + " s.\n\n"
                + "Step 2: First bad report at " + T1 + " s (" + LAT + " s after the fault), sum " + AR + " outside [" + LO + ", " + HI + "].\n\n"
                + "Step 3: Consecutive count " + count + ": trip at " + T1 + " + " + (effective - 1) + " x " + P + " = " + TP + " s (" + CHAIN + " s of counting).\n\n"
                + "Step 4: Observed first shutdown at " + TS + " s (" + (mcuFirst ? "the MCU's range check" : "the host's heating check") + "), " + DEL + " s after the fault.\n\n"
                + "Step 5: Worst case fault to MCU trip: " + effective + " x " + P + " = " + WORST + " s.");
        String code = """
                /// Consecutive out-of-range counting, as the sampling timer runs it.
                #[derive(Debug)]
                pub struct RangeCheck {
                    pub low: u16,
                    pub high: u16,
                    pub needed: u8,
                    bad: u8,
                }

                #[derive(Debug, PartialEq)]
                pub enum Verdict {
                    Ok,
                    Suspect(u8),
                    Shutdown,
                }

                impl RangeCheck {
                    pub fn new(low: u16, high: u16, needed: u8) -> RangeCheck {
                        // a count of zero acts like one: the first bad sum trips
                        RangeCheck { low, high, needed: needed.max(1), bad: 0 }
                    }

                    pub fn report(&mut self, sum: u16) -> Verdict {
                        if sum >= self.low && sum <= self.high {
                            self.bad = 0;
                            return Verdict::Ok;
                        }
                        self.bad = self.bad.saturating_add(1);
                        if self.bad >= self.needed {
                            Verdict::Shutdown
                        } else {
                            Verdict::Suspect(self.bad)
                        }
                    }
                }

                /// Time of the trip given the first bad report and the period.
                pub fn trip_time(first_bad_s: f64, period_s: f64, needed: u8) -> f64 {
                    first_bad_s + f64::from(needed.max(1) - 1) * period_s
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn trip_time_matches_trace() {
                        assert!((trip_time(%T1, %P, %N) - %TP).abs() < 1e-3);
                    }

                    #[test]
                    fn counts_consecutive_rail_reports() {
                        let mut c = RangeCheck::new(%LO, %HI, %N);
                        assert_eq!(c.report(%AB), Verdict::Ok);
                        let mut last = Verdict::Ok;
                        for _ in 0..%N {
                            last = c.report(%AR);
                        }
                        assert_eq!(last, Verdict::Shutdown);
                    }
                }
                """.replace("%T1", T1).replace("%TP", TP).replace("%P", P).replace("%N", Integer.toString(count)).replace("%LO", LO).replace("%HI", HI)
                .replace("%AB", AB).replace("%AR", AR);
        b.rust("The check owns its counter privately, so only `report` can advance or reset it; a saturating add means a long fault cannot wrap the counter back to zero.",
                code,
                "Verdict is an enum rather than a bool, so the caller must handle the suspect state explicitly (for example, log it) instead of treating it as fine.");
        b.safety("Any " + (open ? "open" : "short") + " fault drives every following sum to the rail, so the consecutive count can only grow: the MCU is guaranteed to trip within "
                + WORST + " s of the fault, independent of the host. A single noisy sample cannot trip it, because one good report resets the count.");
        b.edgeCases("- An intermittent lead that recovers every few reports resets the count and is never caught by this check; only the host's plausibility checks see it.\n"
                + "- A count of zero behaves like one, so it does not disable the check.\n"
                + "- A fault that makes the sensor read a plausible value (a thermistor falling out of its bore) stays inside the window and needs a heating-rate check instead.");
        b.alternatives("Tripping on the first bad sum would halve the latency but turn single glitches into shutdowns; requiring " + count + " trades " + CHAIN
                + " s of latency for immunity to isolated bad reports. Reporting faster would cut the latency proportionally but costs link bandwidth. "
                + "A hardware comparator on the sensor line could cut the heater within microseconds, at the cost of a circuit per heater.");
        switch (ask) {
            case "mcu-trip" -> b.answer("s", 0.01, "t_trip");
            case "delay" -> b.answer("s", 0.01, "delay");
            default -> b.answer("s", 0.01, "worst");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> out = new HashMap<>();
        String heater = ref.label("heater");
        TraceRecord.Fault fault = null;
        TraceRecord.Shutdown first = null, mcu = null;
        for (TraceView.At<TraceRecord.Fault> at : trace.within(ref.records(), TraceRecord.Fault.class)) if (fault == null) fault = at.record();
        for (TraceView.At<TraceRecord.Shutdown> at : trace.all(TraceRecord.Shutdown.class)) {
            if (first == null) first = at.record();
            if (mcu == null && "mcu".equals(at.record().side()) && at.record().clock() != null) mcu = at.record();
        }
        if (fault == null || first == null) return out;
        TraceRecord.Thermal before = null, after = null;
        for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
            TraceRecord.Thermal t = at.record();
            if (!heater.equals(t.heater()) || t.temperatureC() != null || t.adcSum() == null) continue;
            if (t.timeS() <= fault.timeS()) before = t;
            else if (after == null) after = t;
        }
        if (before == null || after == null) return out;
        long oid = H3Recheck.oidOfReading(trace, after.timeS(), after.adcSum());
        String q = H3Recheck.firstMessage(trace, "query_analog_in", "oid", oid);
        if (q == null) return out;
        Map<String, Long> p = H3Recheck.ints(q);
        double hz = trace.header().clockFreqHz();
        double period = p.get("rest_ticks") / hz;
        long needed = Math.max(1, p.get("range_check_count"));
        out.put("t_fault", fault.timeS());
        out.put("t_first", after.timeS());
        out.put("t_shutdown", first.timeS());
        out.put("adc_before", (double) before.adcSum());
        out.put("adc_rail", (double) after.adcSum());
        out.put("min_value", (double) p.get("min_value"));
        out.put("max_value", (double) p.get("max_value"));
        out.put("rest_ticks", (double) p.get("rest_ticks"));
        out.put("clock_hz", hz);
        out.put("period", period);
        out.put("sample_window", p.get("sample_count") * p.get("sample_ticks") / hz);
        // The MCU's own shutdown clock is the trip time when it got there; otherwise count reports.
        double trip = mcu != null && "ADC out of range".equals(mcu.reason()) ? mcu.clock() / hz : after.timeS() + (needed - 1) * period;
        out.put("t_trip", trip);
        out.put("chain", trip - after.timeS());
        out.put("latency", after.timeS() - fault.timeS());
        out.put("delay", first.timeS() - fault.timeS());
        out.put("worst", needed * period);
        return out;
    }
}
