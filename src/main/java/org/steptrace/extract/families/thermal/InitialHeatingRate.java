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
 * The initial heating rate at full power (heater power over heat capacity, P/C), combined with the
 * full-power rise P/G from the hold's mean duty: the time to reach a temperature ignoring losses
 * and with them, checked against the time the trace shows. The writer regresses with Commons
 * Math; the verifier uses its own least-squares sums.
 */
public final class InitialHeatingRate implements Family {
    private static final String[] ASKS = {"rate", "no-loss", "with-loss"};
    static final double FIT_FROM_S = 3.0, FIT_TO_S = 15.0, HOLD_S = 30.0;

    @Override
    public String id() {
        return "initial-heating-rate";
    }

    @Override
    public Category category() {
        return Category.THERMAL;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            for (String heater : H2Heat.heaters(trace)) {
                if (!"pid".equals(trace.settingText("heater." + heater + ".control"))) continue;
                List<H2Heat.S> all = H2Heat.host(trace, heater);
                List<H2Heat.S> s = H2Heat.firstHold(all);
                if (s.isEmpty() || s.get(0).temp() > 35 || all.get(0).temp() > 35) continue;
                int i0 = 0, i1 = s.size() - 1;
                int full = i0;
                while (full + 1 <= i1 && s.get(full + 1).duty() >= 0.999) full++;
                double t0 = s.get(i0).t(), tEnd = s.get(i1).t(), target = s.get(i0).target();
                if (s.get(full).t() - t0 < 30 || tEnd - s.get(full).t() < HOLD_S + 10) continue;
                boolean ok = true;
                int inHold = 0;
                for (int i = i0; i <= i1; i++) {
                    if (s.get(i).t() < tEnd - HOLD_S) continue;
                    inHold++;
                    if (Math.abs(s.get(i).temp() - target) > 2 || s.get(i).duty() >= 0.999) ok = false;
                }
                if (!ok || inHold < 50) continue;
                Map<String, String> labels = new HashMap<>();
                labels.put("heater", heater);
                labels.put("kind", H2Heat.kind(trace));
                labels.put("ask", ASKS[Math.floorMod((trace.id() + heater + "r").hashCode(), ASKS.length)]);
                labels.put("kinematics", H2Heat.kinematics(trace));
                Map<String, Double> obs = Map.of("ambient", all.get(0).temp(), "full_end_line", (double) s.get(full).line());
                out.add(new Finding(new RecordRange(s.get(i0).line(), s.get(i1).line()), labels, Map.of(), obs));
            }
        } catch (RuntimeException e) {
            return out;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String heater = f.label("heater"), ask = f.label("ask"), kin = f.label("kinematics"), kind = f.label("kind"), what = H2Heat.words(heater);
        List<H2Heat.S> s = H2Heat.host(trace, f.records(), heater);
        double amb = f.observed("ambient");
        int fullLine = (int) f.observed("full_end_line");
        double t0 = s.get(0).t(), T0 = s.get(0).temp(), target = s.get(0).target(), tEnd = s.get(s.size() - 1).t();
        SimpleRegression reg = new SimpleRegression();
        int nFit = 0;
        double dm = 0, tm = 0;
        int nHold = 0;
        H2Heat.S last = s.get(0);
        for (H2Heat.S x : s) {
            double tr = x.t() - t0;
            if (tr >= FIT_FROM_S && tr <= FIT_TO_S) {
                reg.addData(tr, x.temp());
                nFit++;
            }
            if (x.t() >= tEnd - HOLD_S) {
                dm += x.duty();
                tm += x.temp();
                nHold++;
            }
            if (x.line() == fullLine) last = x;
        }
        dm /= nHold;
        tm /= nHold;
        double r0 = reg.getSlope(), icpt = reg.getIntercept();
        double lag = (T0 - icpt) / r0;
        double kFull = (tm - amb) / dm, tau = kFull / r0;
        double x = last.temp(), tObs = last.t() - t0;
        double tNoLoss = (x - icpt) / r0, rise = x - T0, tLoss = lag + tau * Math.log(kFull / (kFull - rise));

        String S = b.q("target", target, 1, "°C"), T0S = b.q("T0", T0, 2, "°C"), AMB = b.q("ambient", amb, 2, "°C");
        String FA = b.q("fit_from", FIT_FROM_S, 1, "s"), FB = b.q("fit_to", FIT_TO_S, 1, "s"), NF = b.count("n_fit", nFit, "samples");
        String R0 = b.q("r0", r0, 4, "K/s", 1e-4), IC = b.q("intercept", icpt, 2, "°C", 1e-4), LAG = b.q("lag", lag, 2, "s", 1e-3);
        String HW = b.q("hold", HOLD_S, 1, "s"), DM = b.q("duty_mean", dm, 4, ""), TM = b.q("temp_mean", tm, 2, "°C");
        String KF = b.q("k_full", kFull, 1, "K", 1e-4), TAU = b.q("tau", tau, 1, "s", 1e-4);
        String X = b.q("x", x, 2, "°C"), RISE = b.q("rise", rise, 2, "K"), TOBS = b.q("t_obs", tObs, 1, "s");
        String TNL = b.q("t_noloss", tNoLoss, 1, "s", 1e-4), TL = b.q("t_loss", tLoss, 1, "s", 1e-4);
        String ERRNL = b.q("err_noloss_pct", 100 * (tNoLoss - tObs) / tObs, 1, "%", 1e-3), ERRL = b.q("err_loss_pct", 100 * (tLoss - tObs) / tObs, 1, "%", 1e-3);

        String situation = b.pick(
                "The " + what + " of a " + kin + " printer started at " + T0S + " °C (ambient " + AMB + " °C) when a " + S + " °C target was set, and its PID output saturated at full power (" + H2Heat.scenarioWords(kind) + ").",
                "In " + H2Heat.scenarioWords(kind) + " on a " + kin + " machine, the " + what + " went from " + T0S + " °C (room " + AMB + " °C) toward " + S + " °C with the heater fully on.",
                "A cold " + what + " (" + T0S + " °C, room at " + AMB + " °C) on a " + kin + " printer was asked for " + S + " °C; the controller drove the heater at full duty (" + H2Heat.scenarioWords(kind) + ").");
        String data = b.pick(
                " A straight-line fit to the " + NF + " readings between " + FA + " s and " + FB + " s after the target change gives T = " + IC + " + " + R0 + " t (t in s). Later, holding the target, the duty averaged " + DM
                        + " over the last " + HW + " s at a mean reading of " + TM + " °C. Full power lasted until the reading was " + X + " °C, " + TOBS + " s after the target change.",
                " Early on (" + FA + " to " + FB + " s, " + NF + " samples) the readings follow T = " + IC + " + " + R0 + " t. At the end of the hold the mean duty was " + DM + " at " + TM + " °C (last " + HW
                        + " s). The output left saturation at " + TOBS + " s with the reading at " + X + " °C.",
                " Least squares over " + NF + " samples from " + FA + " s to " + FB + " s: intercept " + IC + " °C, slope " + R0 + " K/s. Hold balance over the final " + HW + " s: duty " + DM + ", reading " + TM
                        + " °C. The last full-power sample read " + X + " °C at " + TOBS + " s.");
        String question = switch (ask) {
            case "rate" -> b.pick(" What is the initial heating rate, and what does it say about heater power over heat capacity? Use it with the hold balance to get the time constant.",
                    " Interpret the initial slope as P/C and combine it with the hold's P/G to find the block's time constant.",
                    " Find P/C from the early slope, P/G from the hold, and the time constant C/G.");
            case "no-loss" -> b.pick(" Ignoring losses, how long should full power take to bring the reading to " + X + " °C, and how far off is that from what happened?",
                    " Predict the time to " + X + " °C from the initial rate alone (no losses) and compare with the trace.",
                    " With a lossless model at the initial rate, when would the reading hit " + X + " °C?");
            default -> b.pick(" Including losses (first-order model built from both measurements), when should the reading reach " + X + " °C? Compare with the trace.",
                    " Predict the time to " + X + " °C with a first-order model that includes losses, and check it against the record.",
                    " How long does the lossy first-order model say full power needs to reach " + X + " °C?");
        };
        b.problem(situation + data + question);

        b.think("First, let me understand what's happening physically. Right after switch-on the block is near ambient, so it loses almost nothing and all the heater power goes into heating it: C dT/dt = P. The early slope is therefore P/C. "
                + "As it warms, the loss G (T - T_amb) eats into that, the rate falls, and the curve bends toward P/G above ambient. The hold tells me P/G, because duty x P = G (T - T_amb) at steady state.");
        b.think("Initial rate: r0 = P/C = " + R0 + " K/s. The line crosses the start reading " + T0S + " °C at t = (" + T0S + " - " + IC + ")/" + R0 + " = " + LAG
                + " s, the apparent lag before the rise (heater sleeve and sensor). Hold: P/G = (" + TM + " - " + AMB + ")/" + DM + " = " + KF + " K. Time constant tau = C/G = (P/G)/(P/C) = " + KF + "/" + R0 + " = " + TAU + " s.");
        b.think("Lossless prediction: the line reaches " + X + " °C at t = (" + X + " - " + IC + ")/" + R0 + " = " + TNL + " s. With losses: t = lag + tau ln(K/(K - rise)) with rise " + RISE + " K: " + LAG + " + " + TAU
                + " x ln(" + KF + "/(" + KF + " - " + RISE + ")) = " + TL + " s.");
        b.think(b.pick("Wait, the lossless number came out earlier than the trace's " + TOBS + " s, which is the right direction: ignoring losses always overestimates the heating rate. The lossy model is off by " + ERRL + " % against the lossless " + ERRNL + " %.",
                "Check against the trace: the reading actually reached " + X + " °C at " + TOBS + " s. The lossless estimate errs by " + ERRNL + " % and the lossy one by " + ERRL + " %; the lossless model must be early, since losses only slow the rise, and it is."));
        b.controlProblem("From the initial full-power slope of a " + what + " and its steady-state duty, find P/C, P/G and the time constant, and predict the time to reach " + X + " °C with and without losses; compare with the observed " + TOBS + " s.");
        b.context("- Hardware limitations: the heater's power is fixed; the only lever is duty, which saturates at 1 during the whole rise considered here.\n"
                + "- Real-time requirements: the initial slope is measured over " + FA + " to " + FB + " s, after the lag of about " + LAG + " s but before losses matter much.\n"
                + "- Safety requirements: a heating-rate check (a minimum rise over a time window while at full power) is exactly this slope; a rate far below " + R0 + " K/s at full duty indicates a fault.");
        b.analysis("Step 1: Initial rate. r0 = P/C = " + R0 + " K/s; apparent lag " + LAG + " s.\n\n"
                + "Step 2: Hold balance. P/G = (" + TM + " - " + AMB + ")/" + DM + " = " + KF + " K.\n\n"
                + "Step 3: Time constant. tau = (P/G)/(P/C) = " + TAU + " s.\n\n"
                + "Step 4: Lossless time to " + X + " °C: " + TNL + " s (" + ERRNL + " % vs observed " + TOBS + " s).\n\n"
                + "Step 5: With losses: lag + tau ln(K/(K - " + RISE + ")) = " + TL + " s (" + ERRL + " % vs observed).");
        String code = """
                /// Lumped heater at full power: rate at ambient (P/C, K/s), full-power rise (P/G, K), lag (s).
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Lumped {
                    pub rate_k_per_s: f64,
                    pub full_rise_k: f64,
                    pub lag_s: f64,
                }

                impl Lumped {
                    /// P/G from a held temperature: (T - ambient) / mean duty.
                    pub fn full_rise_from_hold(mean_temp_c: f64, ambient_c: f64, mean_duty: f64) -> Option<f64> {
                        if mean_duty > 0.0 && mean_duty <= 1.0 && mean_temp_c > ambient_c {
                            Some((mean_temp_c - ambient_c) / mean_duty)
                        } else {
                            None
                        }
                    }

                    pub fn tau_s(&self) -> f64 {
                        self.full_rise_k / self.rate_k_per_s
                    }

                    /// Time to rise by rise_k, ignoring losses.
                    pub fn time_lossless(&self, rise_k: f64) -> f64 {
                        self.lag_s + rise_k / self.rate_k_per_s
                    }

                    /// Time to rise by rise_k with linear losses; None when the rise is beyond the ceiling.
                    pub fn time_with_losses(&self, rise_k: f64) -> Option<f64> {
                        if rise_k >= self.full_rise_k {
                            return None;
                        }
                        Some(self.lag_s + self.tau_s() * (self.full_rise_k / (self.full_rise_k - rise_k)).ln())
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_warm_up() {
                        let k = Lumped::full_rise_from_hold(%TM, %AMB, %DM).unwrap();
                        assert!((k - %KF).abs() < 0.5);
                        let h = Lumped { rate_k_per_s: %R0, full_rise_k: %KF, lag_s: %LAG };
                        assert!((h.tau_s() - %TAU).abs() < 0.5);
                        assert!((h.time_with_losses(%RISE).unwrap() - %TL).abs() < 0.5);
                        assert!((h.time_lossless(%X - %T0S) - %TNL).abs() < 0.5);
                    }

                    #[test]
                    fn beyond_ceiling_has_no_time() {
                        let h = Lumped { rate_k_per_s: %R0, full_rise_k: %KF, lag_s: %LAG };
                        assert_eq!(h.time_with_losses(%KF + 1.0), None);
                    }
                }
                """.replace("%TM", TM).replace("%AMB", AMB).replace("%DM", DM).replace("%KF", KF).replace("%R0", R0).replace("%LAG", LAG).replace("%TAU", TAU)
                .replace("%RISE", RISE).replace("%TL", TL).replace("%X", X).replace("%T0S", T0S).replace("%TNL", TNL);
        b.rust("The plant is a plain Copy struct of three physical numbers; the only fallible operations (a hold that cannot be inverted, a rise beyond the ceiling) return Option instead of dividing by zero or taking the log of a negative number.",
                code,
                "Because the lossless time is always the smaller of the two, a warm-up watchdog can use time_lossless as a hard lower bound and time_with_losses plus a margin as its deadline.");
        b.safety("The lossless model is optimistic by construction (" + TNL + " s vs " + TOBS + " s observed), so it must never be the basis of a timeout: a watchdog with that deadline would report a healthy heater as failing. "
                + "The lossy model, off by " + ERRL + " %, is the right basis, with a margin for supply-voltage sag (power scales with the square of the voltage).");
        b.edgeCases("- A warm start changes the initial rate (losses are already significant), so the slope must be measured near ambient or corrected by the loss term.\n"
                + "- The first seconds after switch-on are dominated by lag; starting the fit at " + FA + " s keeps them out of the slope.\n"
                + "- A hold with the duty saturated gives no balance at all; the hold window must show an unsaturated duty.");
        b.alternatives("A full first-order-plus-dead-time fit of the warm-up gives P/C, P/G and the lag in one step, without needing a hold. "
                + "Measuring the slope at two temperatures separates P/C and G/C directly from the heating curve. "
                + "Calorimetric values (heater wattage, block mass and specific heat) give prior estimates to check these against.");
        switch (ask) {
            case "rate" -> b.answer("", 0.01, "r0", "tau");
            case "no-loss" -> b.answer("s", 0.1, "t_noloss");
            default -> b.answer("s", 0.1, "t_loss");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        String heater = ref.label("heater");
        double amb = trace.firstHostReadingC(heater);
        List<double[]> rows = new ArrayList<>();
        for (TraceRecord.Thermal r : trace.hostReadings(ref.records(), heater)) rows.add(new double[] {r.timeS(), r.temperatureC(), r.duty(), r.targetC()});
        double t0 = rows.get(0)[0], T0 = rows.get(0)[1], tEnd = rows.get(rows.size() - 1)[0];
        // Own least-squares sums over the fit window.
        double n = 0, st = 0, sy = 0, stt = 0, sty = 0;
        double sd = 0, sT = 0, nh = 0;
        int lastFull = 0;
        for (int i = 0; i < rows.size(); i++) {
            double[] x = rows.get(i);
            double t = x[0] - t0;
            if (t >= FIT_FROM_S && t <= FIT_TO_S) {
                n++;
                st += t;
                sy += x[1];
                stt += t * t;
                sty += t * x[1];
            }
            if (x[0] >= tEnd - HOLD_S) {
                sd += x[2];
                sT += x[1];
                nh++;
            }
            if (lastFull == i - 1 && x[2] >= 0.999) lastFull = i;
        }
        double slope = (n * sty - st * sy) / (n * stt - st * st), icpt = (sy - slope * st) / n;
        double dm = sd / nh, tm = sT / nh, kFull = (tm - amb) / dm, tau = kFull / slope;
        double x = rows.get(lastFull)[1], tObs = rows.get(lastFull)[0] - t0, lag = (T0 - icpt) / slope;
        double tNoLoss = lag + (x - T0) / slope;
        // With losses: integrate dT/dt = r0 (1 - (T - T0)/K) numerically after the lag.
        double y = 0, t = 0, h = 1e-3;
        while (y < x - T0 && t < 1e5) {
            y += h * slope * (1 - y / kFull);
            t += h;
        }
        double tLoss = lag + t;
        Map<String, Double> r = new HashMap<>();
        r.put("target", rows.get(0)[3]);
        r.put("T0", T0);
        r.put("ambient", amb);
        r.put("fit_from", FIT_FROM_S);
        r.put("fit_to", FIT_TO_S);
        r.put("n_fit", n);
        r.put("r0", slope);
        r.put("intercept", icpt);
        r.put("lag", lag);
        r.put("hold", HOLD_S);
        r.put("duty_mean", dm);
        r.put("temp_mean", tm);
        r.put("k_full", kFull);
        r.put("tau", tau);
        r.put("x", x);
        r.put("rise", x - T0);
        r.put("t_obs", tObs);
        r.put("t_noloss", tNoLoss);
        r.put("t_loss", tLoss);
        r.put("err_noloss_pct", 100 * (tNoLoss - tObs) / tObs);
        r.put("err_loss_pct", 100 * (tLoss - tObs) / tObs);
        return r;
    }
}
