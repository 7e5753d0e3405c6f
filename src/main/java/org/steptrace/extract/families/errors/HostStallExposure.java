package org.steptrace.extract.families.errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.steptrace.extract.Category;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.families.common.EntryBuilder;
import org.steptrace.extract.families.thermal.H3Thermal;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * How long a heater keeps its last duty when the host goes silent: the maximum duration the host
 * gave the heater's output when configuring it bounds the exposure, and the fastest heating rate
 * observed at full power bounds the temperature rise in that window. Where the link dropped, the
 * MCU's own shutdown shows the bound being enforced.
 */
public final class HostStallExposure implements Family {
    private static final String[] ASKS = {"rise", "refresh", "exposure"};
    private static final double WINDOW_S = 10;

    @Override
    public String id() {
        return "host-stall-heater-exposure";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        if (!(trace.clockHz() > 0)) return out;
        String scenario = H3Thermal.scenario(trace);
        int n = (int) Math.floorMod(trace.seed(), 3L);
        for (String heater : new String[] {"extruder", "heater_bed"}) {
            int adc = H3Thermal.adcOid(trace, heater);
            H3Thermal.Msg cfg = adc < 0 ? null : H3Thermal.heaterPwm(trace, adc);
            H3Thermal.Msg q = adc < 0 ? null : H3Thermal.query(trace, adc);
            if (cfg == null || q == null) continue;
            long maxDur = H3Thermal.longParam(cfg.text(), "max_duration", 0);
            long oid = H3Thermal.longParam(cfg.text(), "oid", -1);
            long cycle = -1;
            for (H3Thermal.Msg m : H3Thermal.messages(trace, "set_digital_out_pwm_cycle")) {
                if (H3Thermal.longParam(m.text(), "oid", -2) == oid) cycle = H3Thermal.longParam(m.text(), "cycle_ticks", -1);
            }
            if (maxDur <= 0 || cycle <= 0) continue;
            List<TraceView.At<TraceRecord.Thermal>> h = H3Thermal.host(trace, heater);
            // the steepest 10 s window of full-power heating
            double best = 0;
            int bi = -1, bj = -1;
            for (int i = 0; i < h.size(); i++) {
                if (h.get(i).record().duty() < 0.999) continue;
                SimpleRegression reg = new SimpleRegression();
                int j = i;
                while (j < h.size() && h.get(j).record().duty() >= 0.999 && h.get(j).record().timeS() - h.get(i).record().timeS() <= WINDOW_S) {
                    reg.addData(h.get(j).record().timeS(), h.get(j).record().temperatureC());
                    j++;
                }
                if (h.get(j - 1).record().timeS() - h.get(i).record().timeS() < WINDOW_S - 0.5) continue;
                if (reg.getSlope() > best) {
                    best = reg.getSlope();
                    bi = i;
                    bj = j - 1;
                }
            }
            if (bi < 0 || best < 0.01) continue;
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("heater", heater);
            labels.put("scenario", scenario);
            Map<String, Double> obs = new HashMap<>();
            obs.put("max_duration", (double) maxDur);
            obs.put("cycle_ticks", (double) cycle);
            obs.put("rest_ticks", (double) H3Thermal.longParam(q.text(), "rest_ticks", 0));
            obs.put("rate", best);
            obs.put("temp_window_end", h.get(bj).record().temperatureC());
            obs.put("t_max", trace.setting("heater." + heater + ".max_temp_c"));
            // A link drop: the MCU enforcing the bound on this output.
            TraceRecord.Shutdown mcu = null;
            for (TraceView.At<TraceRecord.Shutdown> at : trace.all(TraceRecord.Shutdown.class)) {
                TraceRecord.Shutdown s = at.record();
                if ("mcu".equals(s.side()) && s.clock() != null && s.reason() != null && s.reason().startsWith("Missed scheduling of next digital out")) mcu = s;
            }
            if (mcu != null) {
                long last = -1;
                for (H3Thermal.Msg m : H3Thermal.messages(trace, "queue_digital_out")) {
                    if (H3Thermal.longParam(m.text(), "oid", -2) != oid) continue;
                    long c = H3Thermal.longParam(m.text(), "clock", -1);
                    if (c <= mcu.clock() && c > last) last = c;
                }
                if (last > 0 && Math.abs((mcu.clock() - last) - maxDur) < 0.01 * maxDur) {
                    obs.put("last_update_clock", (double) last);
                    obs.put("shutdown_clock", (double) mcu.clock());
                    labels.put("enforced", "yes");
                }
            }
            labels.putIfAbsent("enforced", "no");
            out.add(new Finding(new RecordRange(h.get(bi).line(), h.get(bj).line()), labels, Map.of(), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String ask = f.label("ask");
        String heater = H3Thermal.prose(f.label("heater"));
        boolean enforced = f.label("enforced").equals("yes");
        double hz = trace.clockHz();
        double maxDur = f.observed("max_duration") / hz, cycle = f.observed("cycle_ticks") / hz, report = f.observed("rest_ticks") / hz;
        double refresh = maxDur - (3 * report + 0.001);
        double r = f.observed("rate"), rise = r * maxDur;
        double tEnd = f.observed("temp_window_end"), tMax = f.observed("t_max");
        b.literal(0.3);

        String CT = b.count("cycle_ticks", (long) f.observed("cycle_ticks"), "ticks");
        String MD = b.count("max_duration_ticks", (long) f.observed("max_duration"), "ticks"), HZ = b.sig("clock_hz", hz, 4, "Hz");
        String MDS = b.q("max_duration_s", maxDur, 3, "s"), CYC = b.q("cycle_s", cycle, 3, "s"), REP = b.q("report_s", report, 3, "s");
        String REF = b.q("refresh_s", refresh, 3, "s"), R = b.q("rate", r, 4, "C/s"), RISE = b.q("rise", rise, 2, "C");
        String CYCLES = b.q("cycles_in_window", maxDur / cycle, 1, "");
        String TE = b.q("temp_window_end", tEnd, 2, "C"), PEAK = b.q("worst_temp", tEnd + rise, 2, "C");
        String TM = Double.isNaN(tMax) ? null : b.q("t_max", tMax, 1, "C");
        String LAST = null, SHUT = null, HELD = null;
        if (enforced) {
            LAST = b.q("last_update_s", f.observed("last_update_clock") / hz, 3, "s");
            SHUT = b.q("shutdown_s", f.observed("shutdown_clock") / hz, 3, "s");
            HELD = b.q("held_s", (f.observed("shutdown_clock") - f.observed("last_update_clock")) / hz, 3, "s");
        }

        String situation = b.pick(
                "When the host configured the " + heater + " output, it gave it a maximum duration of " + MD + " ticks on a " + HZ + " Hz MCU clock, with a software PWM cycle of "
                        + CT + " ticks.",
                "A printer's " + heater + " is driven by slow software PWM (" + CT + " ticks per cycle at " + HZ
                        + " Hz), and the output was configured with a maximum duration of " + MD + " ticks.",
                "In a " + f.label("scenario") + " trace the host configured the " + heater + " output with max duration " + MD + " ticks (clock " + HZ + " Hz) and a PWM cycle of "
                        + CT + " ticks.");
        String givens = b.pick(
                " The heater's sensor is reported every " + REP + " s. The fastest full-power heating seen in the trace was " + R + " C/s (a straight-line fit over 10 s ending at " + TE + " C).",
                " Temperature reports come every " + REP + " s; at full power the reading rose at up to " + R + " C/s (10 s fit, ending at " + TE + " C).",
                " Observed: sensor reports every " + REP + " s; steepest full-power rise " + R + " C/s over a 10 s window that ended at " + TE + " C.");
        String question = switch (ask) {
            case "rise" -> b.pick(" If the host stalls right after switching this heater fully on, how much can the temperature rise before the MCU acts?",
                    " Bound the temperature rise during a host stall with the heater left at full power.");
            case "refresh" -> b.pick(" How often must the host resend an unchanged non-zero duty to stay inside the bound, and how much slack does that leave?",
                    " Find the refresh interval the host must keep for a non-zero duty and the margin it leaves for reporting delays.");
            default -> b.pick(" For how long can the heater keep its last duty without the host, and what happens then?",
                    " What exposure does the maximum duration allow, and how is it enforced?");
        };
        b.problem(situation + givens + question + (enforced ? " (In this trace the link dropped; the MCU's last heater update was scheduled for t = " + LAST + " s.)" : ""));

        b.think("First, let me understand what's happening physically. The MCU switches the heater on and off by itself, but only ever in the state the host last queued. If the host stops talking, that state would persist forever, so the output carries a deadline: a non-default state must be followed by a new update within the maximum duration, or the MCU shuts down, which turns every heater off.");
        b.think("Maximum duration: " + MD + "/" + HZ + " = " + MDS + " s, i.e. " + CYCLES + " PWM cycles of " + CYC + " s. That is the longest the last duty can persist after the last update took effect.");
        b.think("Worst-case rise: the steepest observed full-power rate is " + R + " C/s, so over " + MDS + " s the temperature can rise " + R + " x " + MDS + " = " + RISE
                + " C. Hmm, should I add the heat still stored in the heater after power is cut? The sensor lag adds a little, but at these time scales the rate bound dominates; the fit already includes the lag because it is measured on the reading.");
        b.think("Refresh: the host schedules each update one report period ahead and must refresh before the deadline with room for three report periods of delay: " + MDS + " - (3 x " + REP
                + " + 0.001) = " + REF + " s. So a healthy host refreshes every " + REF + " s at most, and a stall longer than " + MDS + " s is fatal by design."
                + (enforced ? " The trace confirms it: the last update at " + LAST + " s, the MCU shutdown at " + SHUT + " s, " + HELD + " s later, exactly the bound." : ""));

        b.controlProblem("Bound how long the " + heater + " keeps its last PWM duty without the host (maximum duration " + MD + " ticks at " + HZ
                + " Hz) and the worst temperature rise in that time at the observed full-power rate of " + R + " C/s.");
        b.context("- Hardware limitations: the heater switch has no watchdog of its own; the MCU's timer is the only thing that can turn it off without the host.\n"
                + "- Real-time requirements: the MCU checks the deadline in its timer; the host must refresh a non-zero duty every " + REF + " s, with reports every " + REP + " s.\n"
                + "- Safety requirements: a heater must not stay on indefinitely when the host stalls or the link drops.");
        b.analysis("Step 1: Maximum duration in seconds: " + MD + "/" + HZ + " = " + MDS + " s (" + CYCLES + " PWM cycles).\n\n"
                + "Step 2: Worst-case rise at the steepest observed full-power rate: " + R + " x " + MDS + " = " + RISE + " C; from " + TE + " C that would reach " + PEAK + " C"
                + (TM != null ? " against a limit of " + TM + " C" : "") + ".\n\n"
                + "Step 3: Host refresh interval: " + MDS + " - (3 x " + REP + " + 0.001) = " + REF + " s.\n\n"
                + "Step 4: Enforcement: with no update by the deadline the MCU shuts down, turning the heater off."
                + (enforced ? " Observed: last update " + LAST + " s, shutdown " + SHUT + " s, held " + HELD + " s." : ""));
        String code = """
                /// A heater output that refuses to keep a non-default state past its deadline.
                #[derive(Debug)]
                pub struct GuardedOutput {
                    pub max_duration_ticks: u64,
                    state_since: u64,
                    on: bool,
                }

                #[derive(Debug, PartialEq)]
                pub enum OutputError {
                    DeadlineMissed { late_by: u64 },
                }

                impl GuardedOutput {
                    pub fn new(max_duration_ticks: u64) -> GuardedOutput {
                        GuardedOutput { max_duration_ticks, state_since: 0, on: false }
                    }

                    pub fn set(&mut self, now: u64, on: bool) {
                        self.on = on;
                        self.state_since = now;
                    }

                    /// Called from the timer; an error means: shut down, all heaters off.
                    pub fn check(&mut self, now: u64) -> Result<bool, OutputError> {
                        let deadline = self.state_since + self.max_duration_ticks;
                        if self.on && now >= deadline {
                            self.on = false;
                            return Err(OutputError::DeadlineMissed { late_by: now - deadline });
                        }
                        Ok(self.on)
                    }
                }

                pub fn worst_rise(rate_c_per_s: f64, max_duration_s: f64) -> f64 {
                    rate_c_per_s.max(0.0) * max_duration_s
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_bound() {
                        assert!((worst_rise(%R, %MDS) - %RISE).abs() < 0.1);
                        let mut out = GuardedOutput::new(%MD);
                        out.set(0, true);
                        assert_eq!(out.check(%MD - 1), Ok(true));
                        assert_eq!(out.check(%MD), Err(OutputError::DeadlineMissed { late_by: 0 }));
                        assert_eq!(out.check(%MD + 1), Ok(false));
                    }
                }
                """.replace("%RISE", RISE).replace("%R", R).replace("%MDS", MDS).replace("%MD", MD);
        b.rust("The output owns its deadline state: only `set` can extend it, and `check` turns the heater off itself before reporting the error, so a caller that ignores the error still leaves the heater off.",
                code,
                "Using u64 ticks avoids the wrap-around a 32-bit clock would need handled; on a real MCU the comparison would be done on wrapping 32-bit time with a signed difference.");
        b.safety("Whatever the host does, the heater's last state lasts at most " + MDS + " s, so the temperature can rise at most " + RISE + " C above where it was, bounded by the steepest rate seen at full power. "
                + "A zero duty is the default state and needs no refresh, so an idle heater is never the reason for a shutdown during a stall.");
        b.edgeCases("- A host that stalls for longer than " + MDS + " s while a heater is on always ends in an MCU shutdown: safe, but it ends the print.\n"
                + "- A heater near its maximum temperature with less than " + RISE + " C of headroom can overshoot its limit during a stall; the ADC window then trips as well.\n"
                + "- Updates scheduled further ahead than the maximum duration are rejected when queued, so the host cannot extend the exposure by scheduling far into the future.");
        b.alternatives("A shorter maximum duration lowers the exposure but forces more refresh traffic and makes brief host hiccups fatal. "
                + "Having the MCU fall back to a safe low duty instead of shutting down would keep prints alive but needs a per-heater policy on the MCU. "
                + "A hardware watchdog on the heater driver would protect even against a hung MCU.");
        switch (ask) {
            case "rise" -> b.answer("C", 0.05, "rise");
            case "refresh" -> b.answer("s", 0.001, "refresh_s");
            default -> b.answer("s", 0.001, "max_duration_s");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> out = new HashMap<>();
        String heater = ref.label("heater");
        double hz = trace.header().clockFreqHz();
        List<TraceRecord.Thermal> w = new ArrayList<>();
        for (TraceView.At<TraceRecord.Thermal> at : trace.within(ref.records(), TraceRecord.Thermal.class)) {
            TraceRecord.Thermal t = at.record();
            if (heater.equals(t.heater()) && t.temperatureC() != null && t.duty() != null) w.add(t);
        }
        if (w.size() < 2) return out;
        // slope = sum((t - mean t)(T - mean T)) / sum((t - mean t)^2)
        double mt = w.stream().mapToDouble(TraceRecord.Thermal::timeS).average().orElse(0);
        double my = w.stream().mapToDouble(TraceRecord.Thermal::temperatureC).average().orElse(0);
        double num = 0, den = 0;
        for (TraceRecord.Thermal t : w) {
            num += (t.timeS() - mt) * (t.temperatureC() - my);
            den += (t.timeS() - mt) * (t.timeS() - mt);
        }
        double rate = num / den;
        // the heater's sensor object reported this window's readings; its output is the next object configured with a deadline
        long adc = -1;
        for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
            TraceRecord.Thermal t = at.record();
            if (heater.equals(t.heater()) && t.temperatureC() == null && t.adcSum() != null) {
                adc = org.steptrace.extract.families.thermal.H3Recheck.oidOfReading(trace, t.timeS(), t.adcSum());
                break;
            }
        }
        long outOid = Long.MAX_VALUE, maxDur = -1, cycle = -1, rest = -1;
        for (int line = 2; line <= trace.lines(); line++) {
            if (!(trace.at(line) instanceof TraceRecord.WireMessage m) || m.messages() == null) continue;
            for (String s : m.messages()) {
                Map<String, Long> p = org.steptrace.extract.families.thermal.H3Recheck.ints(s);
                Long oid = p.get("oid");
                if (oid == null) continue;
                if (s.startsWith("config_digital_out ") && oid > adc && oid < outOid && p.getOrDefault("max_duration", 0L) > 0) {
                    outOid = oid;
                    maxDur = p.get("max_duration");
                }
                if (s.startsWith("query_analog_in ") && oid == adc && rest < 0) rest = p.get("rest_ticks");
            }
        }
        for (int line = 2; line <= trace.lines(); line++) {
            if (!(trace.at(line) instanceof TraceRecord.WireMessage m) || m.messages() == null) continue;
            for (String s : m.messages()) {
                Map<String, Long> p = org.steptrace.extract.families.thermal.H3Recheck.ints(s);
                if (s.startsWith("set_digital_out_pwm_cycle ") && Long.valueOf(outOid).equals(p.get("oid"))) cycle = p.get("cycle_ticks");
            }
        }
        if (maxDur <= 0 || cycle <= 0 || rest <= 0) return out;
        double md = maxDur / hz;
        out.put("max_duration_ticks", (double) maxDur);
        out.put("clock_hz", hz);
        out.put("cycle_ticks", (double) cycle);
        out.put("max_duration_s", md);
        out.put("cycle_s", cycle / hz);
        out.put("report_s", rest / hz);
        out.put("refresh_s", md - 3 * (rest / hz) - 0.001);
        out.put("rate", rate);
        out.put("rise", rate * md);
        out.put("cycles_in_window", (double) maxDur / cycle);
        TraceRecord.Thermal last = w.get(w.size() - 1);
        out.put("temp_window_end", last.temperatureC());
        out.put("worst_temp", last.temperatureC() + rate * md);
        out.put("t_max", trace.setting("heater." + heater + ".max_temp_c"));
        TraceRecord.Shutdown mcu = null;
        for (TraceView.At<TraceRecord.Shutdown> at : trace.all(TraceRecord.Shutdown.class)) {
            if ("mcu".equals(at.record().side()) && at.record().clock() != null) mcu = at.record();
        }
        if (mcu != null) {
            // the last update queued to this output before the shutdown
            long lastClock = -1;
            for (int line = 2; line <= trace.lines(); line++) {
                if (!(trace.at(line) instanceof TraceRecord.WireMessage m) || m.messages() == null) continue;
                for (String s : m.messages()) {
                    if (!s.startsWith("queue_digital_out ")) continue;
                    Map<String, Long> p = org.steptrace.extract.families.thermal.H3Recheck.ints(s);
                    if (Long.valueOf(outOid).equals(p.get("oid")) && p.get("clock") <= mcu.clock()) lastClock = Math.max(lastClock, p.get("clock"));
                }
            }
            out.put("last_update_s", lastClock / hz);
            out.put("shutdown_s", mcu.clock() / hz);
            out.put("held_s", (mcu.clock() - lastClock) / hz);
        }
        return out;
    }
}
