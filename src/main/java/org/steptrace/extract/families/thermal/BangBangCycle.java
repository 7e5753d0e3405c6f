package org.steptrace.extract.families.thermal;

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
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * A bed under on/off control with a switching band of +-delta around its target: where the heater
 * switched off, how far the temperature carried past the band afterwards (thermal lag), the
 * heating and cooling rates either side, and from them the on-fraction and the cycle period such a
 * controller settles into.
 */
public final class BangBangCycle implements Family {
    private static final String[] ASKS = {"overshoot", "duty", "period"};
    private static final double FIT_WINDOW_S = 10;

    @Override
    public String id() {
        return "bang-bang-cycle";
    }

    @Override
    public Category category() {
        return Category.THERMAL;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double delta = trace.setting("heater.heater_bed.max_delta_c");
        if (!(delta > 0) || !"watermark".equals(trace.settingText("heater.heater_bed.control"))) return out;
        List<TraceView.At<TraceRecord.Thermal>> h = H3Thermal.host(trace, "heater_bed");
        int n = (int) Math.floorMod(trace.seed(), 3L);
        for (int i = 1; i < h.size() && out.size() < 6; i++) {
            TraceRecord.Thermal prev = h.get(i - 1).record(), cur = h.get(i).record();
            double s = cur.targetC();
            if (!(prev.duty() > 0.999 && cur.duty() < 0.001 && s > 0 && prev.targetC() == s)) continue;
            // on-phase fit window before the switch
            int from = i;
            while (from - 1 >= 0 && h.get(from - 1).record().duty() > 0.999 && h.get(from - 1).record().targetC() == s
                    && h.get(from - 1).record().timeS() >= cur.timeS() - FIT_WINDOW_S) from--;
            if (cur.timeS() - h.get(from).record().timeS() < FIT_WINDOW_S - 0.5) continue;
            // off phase
            int end = i;
            while (end + 1 < h.size() && h.get(end + 1).record().duty() < 0.001 && h.get(end + 1).record().targetC() == s) end++;
            int peak = i;
            for (int k = i; k <= end; k++) if (h.get(k).record().temperatureC() > h.get(peak).record().temperatureC()) peak = k;
            if (h.get(end).record().timeS() - h.get(peak).record().timeS() < 15) continue;
            SimpleRegression reg = new SimpleRegression();
            for (int k = from; k < i; k++) reg.addData(h.get(k).record().timeS(), h.get(k).record().temperatureC());
            double rh = reg.getSlope();
            TraceRecord.Thermal pk = h.get(peak).record(), en = h.get(end).record();
            double rc = (pk.temperatureC() - en.temperatureC()) / (en.timeS() - pk.timeS());
            if (!(rh > 0.01) || !(rc > 0.005)) continue;
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
            labels.put("board", String.valueOf(trace.header().board()));
            Map<String, Double> obs = new HashMap<>();
            obs.put("target", s);
            obs.put("delta", delta);
            obs.put("t_switch", cur.timeS());
            obs.put("temp_switch", cur.temperatureC());
            obs.put("rate_heat", rh);
            obs.put("rate_cool", rc);
            obs.put("t_peak", pk.timeS());
            obs.put("temp_peak", pk.temperatureC());
            obs.put("t_end", en.timeS());
            obs.put("temp_end", en.temperatureC());
            obs.put("fit_samples", (double) (i - from));
            out.add(new Finding(new RecordRange(h.get(from).line(), h.get(end).line()), labels, Map.of(), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String ask = f.label("ask");
        double s = f.observed("target"), d = f.observed("delta"), rh = f.observed("rate_heat"), rc = f.observed("rate_cool");
        double tSw = f.observed("t_switch"), tPk = f.observed("t_peak"), tEnd = f.observed("t_end");
        double up = s + d, lo = s - d;
        double over = f.observed("temp_peak") - up;
        double duty = rc / (rh + rc);
        double swing = 2 * d + 2 * over;
        double tOn = swing / rh, tOff = swing / rc, period = tOn + tOff;
        double excess = f.observed("temp_switch") - up;

        String S = b.q("target", s, 1, "C"), D = b.q("delta", d, 1, "C"), UP = b.q("upper", up, 1, "C"), LO = b.q("lower", lo, 1, "C");
        String TS = b.q("temp_switch", f.observed("temp_switch"), 2, "C"), EX = b.q("switch_excess", excess, 3, "C");
        String TSW = b.q("t_switch", tSw, 2, "s");
        String RH = b.q("rate_heat", rh, 4, "C/s"), RC = b.q("rate_cool", rc, 4, "C/s");
        String TP = b.q("temp_peak", f.observed("temp_peak"), 2, "C"), OV = b.q("overshoot", over, 2, "C");
        String LAG = b.q("carry_time", tPk - tSw, 1, "s"), TE = b.q("temp_end", f.observed("temp_end"), 2, "C");
        String WIN = b.q("cool_window", tEnd - tPk, 1, "s");
        String DU = b.q("duty_fraction", duty, 3, ""), SW = b.q("swing", swing, 2, "C");
        String TON = b.q("t_on", tOn, 1, "s"), TOFF = b.q("t_off", tOff, 1, "s"), P = b.q("period", period, 1, "s");
        String STEP = b.q("report_step", rh * 0.3, 3, "C");
        String kin = f.label("kinematics");
        b.literal(0.3);

        String situation = b.pick(
                "The heated bed of a " + kin + " printer is held at " + S + " C by an on/off controller: full power when the reading drops to the target minus "
                        + D + " C, off when it reaches the target plus " + D + " C.",
                "A " + kin + " machine's bed runs under bang-bang control with a switching band of +-" + D + " C around a target of " + S + " C.",
                "An on/off bed controller (target " + S + " C, heater switched at target +- " + D + " C) was traced on a " + kin + " printer.");
        String givens = b.pick(
                " Over the last 10 s before it switched off, the reading rose at " + RH + " C/s. The switch-off sample read " + TS + " C at t = " + TSW
                        + " s; the reading then kept rising to " + TP + " C, " + LAG + " s later, and afterwards fell to " + TE + " C over " + WIN + " s.",
                " A straight-line fit to the readings in the 10 s of full power before the switch gives " + RH + " C/s. The heater went off at t = " + TSW
                        + " s with the reading at " + TS + " C; the peak that followed was " + TP + " C (" + LAG + " s after the switch) and the bed then cooled to "
                        + TE + " C in " + WIN + " s.",
                " Observed: heating slope " + RH + " C/s just before the switch; switch-off at t = " + TSW + " s reading " + TS + " C; maximum " + TP
                        + " C reached " + LAG + " s later; " + TE + " C after a further " + WIN + " s of cooling.");
        String question = switch (ask) {
            case "overshoot" -> b.pick(" How far past the band did the temperature carry, and why?",
                    " Quantify the overshoot beyond the upper switching threshold.");
            case "duty" -> b.pick(" What fraction of the time will the heater be on once the cycle is established?",
                    " Estimate the long-run on-fraction of the heater from the two rates.");
            default -> b.pick(" Estimate the period of the limit cycle, assuming the reading carries as far past the lower threshold as it did past the upper one.",
                    " Predict the on-time, off-time and period of one full switching cycle (assume the same carry at both thresholds).");
        };
        b.problem(situation + givens + question);

        b.think("First, let me understand what's happening physically. An on/off controller only decides at its thresholds: on at " + LO + " C, off at " + UP
                + " C. Between the switch and the sensor there is lag (heater to plate to thermistor), so after the heater goes off the heat already stored between mat and sensor keeps the reading rising for a while.");
        b.think("The switch itself happened at " + TS + " C, which is " + EX + " C past " + UP
                + " C. That is just sampling: readings come every 0.3 s, and at " + RH + " C/s one report step is " + STEP + " C, so the first reading at or above the threshold can be up to that much over.");
        b.think("The carry past the band is the peak minus the threshold: " + TP + " - " + UP + " = " + OV + " C, reached " + LAG
                + " s after the switch. Cooling afterwards: (" + TP + " - " + TE + ")/" + WIN + " = " + RC + " C/s.");
        b.think("For the steady cycle, the average temperature does not move, so the heat gained while on equals the heat lost while off: D r_h = (1 - D) r_c, which gives D = r_c/(r_h + r_c) = "
                + RC + "/(" + RH + " + " + RC + ") = " + DU + ". Wait, is r_h the right rate here? It is the net rise with the heater on, losses included, and r_c is the net fall with it off, so yes, both are net rates and the balance holds.");
        b.think("Period: each half-cycle traverses the band plus the carry at both ends, a swing of 2 x " + D + " + 2 x " + OV + " = " + SW + " C. On-time "
                + SW + "/" + RH + " = " + TON + " s, off-time " + SW + "/" + RC + " = " + TOFF + " s, so the period is about " + P
                + " s. " + (rc < rh ? "The cooling is slower than the heating, so the heater is off more than half the time"
                        : "The cooling is faster than the heating, so the heater is on more than half the time") + ", consistent with D = " + DU + ".");

        b.controlProblem("For a bed under on/off control at " + S + " C with thresholds " + LO + " C and " + UP + " C, measure the carry past the upper threshold and predict the on-fraction and the limit-cycle period from the observed heating rate "
                + RH + " C/s and cooling rate " + RC + " C/s.");
        b.context("- Hardware limitations: the bed heater is either fully on or off (a relay or a slow switch); the plate and the sensor lag the mat by seconds.\n"
                + "- Real-time requirements: the decision is taken at each reading, every 0.3 s, so a threshold can be overshot by up to one report step (" + STEP + " C here) before the heater changes state.\n"
                + "- Safety requirements: the carry past the band must stay well below the bed's maximum temperature, and the switch count must stay within what a relay tolerates.");
        b.analysis("Step 1: Thresholds: " + LO + " C and " + UP + " C. The switch-off reading " + TS + " C is over the threshold by less than one report step of " + STEP + " C.\n\n"
                + "Step 2: Carry past the band: " + TP + " - " + UP + " = " + OV + " C, " + LAG + " s after the switch.\n\n"
                + "Step 3: Rates: heating " + RH + " C/s (fit, heater on), cooling (" + TP + " - " + TE + ")/" + WIN + " = " + RC + " C/s (heater off).\n\n"
                + "Step 4: Energy balance of the cycle: D = r_c/(r_h + r_c) = " + DU + ".\n\n"
                + "Step 5: Period with the same carry at both ends: swing " + SW + " C, t_on = " + TON + " s, t_off = " + TOFF + " s, period = " + P + " s.");
        String code = """
                /// On/off control with a switching band around the target (degrees C).
                #[derive(Debug, Clone, Copy)]
                pub struct OnOff {
                    pub target: f64,
                    pub band: f64,
                    pub on: bool,
                }

                impl OnOff {
                    /// One reading; returns the new heater state.
                    pub fn update(&mut self, reading: f64) -> bool {
                        if self.on && reading >= self.target + self.band {
                            self.on = false;
                        } else if !self.on && reading <= self.target - self.band {
                            self.on = true;
                        }
                        self.on
                    }
                }

                /// Long-run on-fraction from the net heating and cooling rates (both positive).
                pub fn duty_fraction(rate_heat: f64, rate_cool: f64) -> Option<f64> {
                    if rate_heat <= 0.0 || rate_cool <= 0.0 {
                        return None;
                    }
                    Some(rate_cool / (rate_heat + rate_cool))
                }

                /// (on-time, off-time) for a swing of `swing` degrees per half cycle.
                pub fn cycle(swing: f64, rate_heat: f64, rate_cool: f64) -> Option<(f64, f64)> {
                    duty_fraction(rate_heat, rate_cool)?;
                    Some((swing / rate_heat, swing / rate_cool))
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_cycle() {
                        let d = duty_fraction(%RH, %RC).unwrap();
                        assert!((d - %DU).abs() < 1e-2);
                        let (on, off) = cycle(%SW, %RH, %RC).unwrap();
                        assert!((on + off - %P).abs() < 0.5);
                        assert!(duty_fraction(0.0, %RC).is_none());
                    }

                    #[test]
                    fn switches_at_thresholds() {
                        let mut c = OnOff { target: %S, band: %D, on: true };
                        assert!(!c.update(%TS));
                        assert!(!c.update(%S));
                        assert!(c.update(%LO));
                    }
                }
                """.replace("%SW", SW).replace("%DU", DU).replace("%TS", TS).replace("%S", S).replace("%D", D).replace("%LO", LO)
                .replace("%RH", RH).replace("%RC", RC).replace("%P", P);
        b.rust("The controller is a small state machine whose only state is the heater's on/off flag; the rate helpers return None for a non-positive rate instead of dividing by zero.",
                code,
                "Keeping the state inside the struct means only the owner of the controller can flip the heater, and the band is fixed at construction.");
        b.safety("The carry of " + OV + " C past " + UP + " C puts the peak at " + TP + " C, far below any bed limit, so on/off control is safe here. "
                + "The switching band of 2 x " + D + " C with a period near " + P + " s means roughly one relay operation every half period, which a relay rated for many thousands of cycles survives for a long time.");
        b.edgeCases("- A band narrower than one report step (" + STEP + " C) would make the actual switching points set by sampling, not by the thresholds.\n"
                + "- With a larger lag the carry grows and the cycle widens; if the carry exceeded the band, the reading would swing from above the upper threshold to below the lower one.\n"
                + "- At a target close to the maximum the bed can reach, r_h approaches 0, D approaches 1 and the on-time grows without bound.");
        b.alternatives("PID control with slow PWM would hold the bed within a fraction of a degree, but switches a relay far more often; on/off control trades a band of a few degrees for very few switch cycles. "
                + "A narrower band lowers the temperature ripple but shortens the period in proportion. Predictive switching (turning off early by the expected carry) would cut the overshoot without more switching.");
        switch (ask) {
            case "overshoot" -> b.answer("C", 0.05, "overshoot");
            case "duty" -> b.answer("", 0.005, "duty_fraction");
            default -> b.answer("s", 1.0, "period");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> out = new HashMap<>();
        List<TraceRecord.Thermal> on = new ArrayList<>(), off = new ArrayList<>();
        for (TraceView.At<TraceRecord.Thermal> at : trace.within(ref.records(), TraceRecord.Thermal.class)) {
            TraceRecord.Thermal t = at.record();
            if (!"heater_bed".equals(t.heater()) || t.temperatureC() == null || t.duty() == null) continue;
            if (off.isEmpty() && t.duty() > 0.5) on.add(t);
            else off.add(t);
        }
        if (on.size() < 2 || off.isEmpty()) return out;
        double s = off.get(0).targetC(), d = trace.setting("heater.heater_bed.max_delta_c");
        // least squares by hand: slope = cov(t, T) / var(t)
        double mt = 0, my = 0;
        for (TraceRecord.Thermal t : on) {
            mt += t.timeS();
            my += t.temperatureC();
        }
        mt /= on.size();
        my /= on.size();
        double sxy = 0, sxx = 0;
        for (TraceRecord.Thermal t : on) {
            sxy += (t.timeS() - mt) * (t.temperatureC() - my);
            sxx += (t.timeS() - mt) * (t.timeS() - mt);
        }
        double rh = sxy / sxx;
        TraceRecord.Thermal pk = off.get(0);
        for (TraceRecord.Thermal t : off) if (t.temperatureC() > pk.temperatureC()) pk = t;
        TraceRecord.Thermal en = off.get(off.size() - 1), sw = off.get(0);
        double rc = (pk.temperatureC() - en.temperatureC()) / (en.timeS() - pk.timeS());
        out.put("target", s);
        out.put("delta", d);
        out.put("upper", s + d);
        out.put("lower", s - d);
        out.put("temp_switch", sw.temperatureC());
        out.put("switch_excess", sw.temperatureC() - s - d);
        out.put("t_switch", sw.timeS());
        out.put("rate_heat", rh);
        out.put("rate_cool", rc);
        out.put("temp_peak", pk.temperatureC());
        double over = pk.temperatureC() - s - d;
        out.put("overshoot", over);
        out.put("carry_time", pk.timeS() - sw.timeS());
        out.put("temp_end", en.temperatureC());
        out.put("cool_window", en.timeS() - pk.timeS());
        // on-fraction from the time balance of one cycle: t_on / (t_on + t_off) with t = swing / rate
        double swing = 2 * (d + over);
        double tOn = swing / rh, tOff = swing / rc;
        out.put("duty_fraction", tOn / (tOn + tOff));
        out.put("swing", swing);
        out.put("t_on", tOn);
        out.put("t_off", tOff);
        out.put("period", tOn + tOff);
        out.put("report_step", rh * 0.3);
        return out;
    }
}
