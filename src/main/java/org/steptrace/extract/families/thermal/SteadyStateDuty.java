package org.steptrace.extract.families.thermal;

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
 * The power balance of a heater held at its target: the mean duty over the end of the hold gives
 * the loss per kelvin as a fraction of heater power, the full-power ceiling, and the duty another
 * target would need. The writer averages the samples; the verifier integrates duty and
 * temperature over time.
 */
public final class SteadyStateDuty implements Family {
    private static final String[] ASKS = {"duty-at", "loss", "ceiling"};
    static final double WINDOW_S = 30.0;

    @Override
    public String id() {
        return "steady-state-duty";
    }

    @Override
    public Category category() {
        return Category.THERMAL;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        String kind = H2Heat.kind(trace);
        if (!kind.equals("heat-up") && !kind.equals("print")) return out;
        try {
            for (String heater : H2Heat.heaters(trace)) {
                if (!"pid".equals(trace.settingText("heater." + heater + ".control"))) continue;
                List<H2Heat.S> s = H2Heat.host(trace, heater);
                if (s.isEmpty() || s.get(0).temp() > 35) continue;
                int i0 = -1;
                for (int i = 0; i < s.size(); i++) {
                    if (s.get(i).target() > 0) {
                        i0 = i;
                        break;
                    }
                }
                if (i0 < 0) continue;
                int i1 = i0;
                while (i1 + 1 < s.size() && s.get(i1 + 1).target() == s.get(i0).target()) i1++;
                double tEnd = s.get(i1).t(), target = s.get(i0).target();
                List<H2Heat.S> w = new ArrayList<>();
                boolean ok = true;
                for (int i = i0; i <= i1; i++) {
                    if (s.get(i).t() < tEnd - WINDOW_S) continue;
                    if (Math.abs(s.get(i).temp() - target) > 2 || s.get(i).duty() >= 0.999) ok = false;
                    w.add(s.get(i));
                }
                if (!ok || w.size() < 50) continue;
                double other = target + (Math.floorMod(trace.id().hashCode(), 2) == 0 ? 30.0 : -40.0);
                Map<String, String> labels = new HashMap<>();
                labels.put("heater", heater);
                labels.put("kind", kind);
                labels.put("ask", ASKS[Math.floorMod((trace.id() + heater).hashCode(), ASKS.length)]);
                labels.put("kinematics", H2Heat.kinematics(trace));
                Map<String, Double> params = Map.of("other", other, "window", WINDOW_S);
                out.add(new Finding(new RecordRange(w.get(0).line(), w.get(w.size() - 1).line()), labels, params, Map.of("ambient", s.get(0).temp())));
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
        List<H2Heat.S> w = H2Heat.host(trace, f.records(), heater);
        double amb = f.observed("ambient"), other = f.param("other");
        double dm = 0, tm = 0, dmin = 1, dmax = 0;
        for (H2Heat.S x : w) {
            dm += x.duty();
            tm += x.temp();
            dmin = Math.min(dmin, x.duty());
            dmax = Math.max(dmax, x.duty());
        }
        dm /= w.size();
        tm /= w.size();
        double g = dm / (tm - amb), ceiling = amb + 1 / g, d2 = g * (other - amb);
        String S = b.q("target", w.get(0).target(), 1, "°C"), AMB = b.q("ambient", amb, 2, "°C"), WIN = b.q("window", f.param("window"), 1, "s");
        String N = b.count("n", w.size(), "samples"), DM = b.q("duty_mean", dm, 4, "", 0.01), TM = b.q("temp_mean", tm, 2, "°C", 1e-4);
        String DMIN = b.q("duty_min", dmin, 3, ""), DMAX = b.q("duty_max", dmax, 3, "");
        String EXC = b.q("excess", tm - amb, 2, "K", 1e-4), G = b.sig("g_over_p", g, 4, "1/K", 0.01), CEIL = b.q("ceiling", ceiling, 1, "°C", 0.01);
        String OTHER = b.q("other", other, 1, "°C"), D2 = b.q("duty_other", d2, 4, "", 0.01), PCT = b.q("duty_other_pct", 100 * d2, 1, "%", 0.01);
        String MARGIN = b.q("margin_pct", 100 * (1 - d2), 1, "%", 0.02);

        String situation = b.pick(
                "A " + kin + " printer held its " + what + " at " + S + " °C under PID control (" + H2Heat.scenarioWords(kind) + ").",
                "During " + H2Heat.scenarioWords(kind) + ", the " + what + " of a " + kin + " machine sat at its " + S + " °C target with the PID loop in control.",
                "The PID loop of a " + kin + " printer's " + what + " was holding " + S + " °C (" + H2Heat.scenarioWords(kind) + ").");
        String data = b.pick(
                " Over the last " + WIN + " s of the hold, " + N + " samples show a mean heater duty of " + DM + " (ranging from " + DMIN + " to " + DMAX + ") and a mean reading of " + TM + " °C. The room was at " + AMB + " °C.",
                " In the final " + WIN + " s before the target changed, the duty averaged " + DM + " over " + N + " samples (min " + DMIN + ", max " + DMAX + ") while the reading averaged " + TM + " °C; ambient was " + AMB + " °C.",
                " Averages over " + N + " samples in the last " + WIN + " s: duty " + DM + " (between " + DMIN + " and " + DMAX + "), temperature " + TM + " °C. Ambient (the cold reading at the start): " + AMB + " °C.");
        String question = switch (ask) {
            case "duty-at" -> b.pick(" Assuming losses proportional to the excess over ambient, what duty would holding " + OTHER + " °C need?",
                    " Predict the steady duty at a target of " + OTHER + " °C, and say how much headroom the heater would have left.",
                    " What mean duty should the controller settle at if the target became " + OTHER + " °C?");
            case "loss" -> b.pick(" What is the heat loss per kelvin of excess, as a fraction of the heater's full power?",
                    " Express the loss coefficient G relative to heater power P (G/P, per kelvin).",
                    " From the power balance, find G/P, the fraction of full heater power lost per kelvin above ambient.");
            default -> b.pick(" Where would the " + what + " end up if the heater were stuck at full duty?",
                    " What is the full-power equilibrium temperature implied by this balance?",
                    " Estimate the temperature ceiling for a heater stuck on at full power.");
        };
        b.problem(situation + data + question);

        b.think("First, let me understand what's happening physically. Holding a constant temperature means the heat in equals the heat out: the heater delivers duty x P on average, the block loses G (T - T_amb) to the room. "
                + "So duty x P = G (T - T_amb), and the ratio G/P follows from the mean duty and the mean excess without knowing either P or G.");
        b.think("The mean excess is " + TM + " - " + AMB + " = " + EXC + " K, so G/P = " + DM + "/" + EXC + " = " + G + " per kelvin. "
                + b.pick("Wait, I was about to use the target " + S + " °C instead of the mean reading; the two differ by a fraction of a kelvin here, but the balance is about the temperature actually held, so the mean reading is the right one.",
                "I should use the mean reading, not the target, in the excess: the balance holds for the temperature the block actually had, and the two are not exactly equal."));
        b.think("Consequences. Full power would hold T_amb + P/G = " + AMB + " + 1/" + G + " = " + CEIL + " °C. At " + OTHER + " °C the duty would be " + G + " x (" + OTHER + " - " + AMB + ") = " + D2
                + ", i.e. " + PCT + " % of full power, leaving " + MARGIN + " % headroom for disturbances such as a part-cooling fan or fast extrusion.");
        b.think("Sanity check: the duty varied between " + DMIN + " and " + DMAX + " but never saturated, so the loop was genuinely in its linear range and the mean is a fair measure of the steady power.");
        b.controlProblem("From the mean duty " + DM + " needed to hold a " + what + " at " + TM + " °C with ambient " + AMB + " °C, find the loss-to-power ratio G/P, the full-power ceiling, and the duty needed at " + OTHER + " °C.");
        b.context("- Hardware limitations: the heater cannot exceed duty 1, so the ceiling T_amb + P/G bounds every reachable target; a target close to it leaves no control authority.\n"
                + "- Real-time requirements: the duty is recomputed at every reading; a mean over " + WIN + " s smooths its sample-to-sample variation.\n"
                + "- Safety requirements: the ceiling of " + CEIL + " °C is what a heater stuck on would approach; over-temperature protection must trip well below it if it exceeds the parts' rating.");
        b.analysis("Step 1: Power balance at steady state. duty x P = G (T - T_amb).\n\n"
                + "Step 2: Loss ratio. G/P = " + DM + "/(" + TM + " - " + AMB + ") = " + G + " /K.\n\n"
                + "Step 3: Ceiling. T_amb + P/G = " + CEIL + " °C.\n\n"
                + "Step 4: Another target. duty = (G/P)(" + OTHER + " - T_amb) = " + D2 + " (" + PCT + " %), headroom " + MARGIN + " %.");
        String code = """
                /// A duty cycle in [0, 1]; constructing one out of range is an error.
                #[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
                pub struct Duty(f64);

                impl Duty {
                    pub fn new(v: f64) -> Option<Duty> {
                        if (0.0..=1.0).contains(&v) { Some(Duty(v)) } else { None }
                    }
                    pub fn value(self) -> f64 {
                        self.0
                    }
                }

                /// Steady-state balance duty x P = G (T - ambient), stored as G/P.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Balance {
                    ambient_c: f64,
                    loss_frac_per_k: f64,
                }

                #[derive(Debug, Clone, Copy, PartialEq)]
                pub enum BalanceError {
                    NotAboveAmbient,
                    Unreachable { needed: f64 },
                }

                impl Balance {
                    pub fn from_hold(mean: Duty, mean_temp_c: f64, ambient_c: f64) -> Result<Balance, BalanceError> {
                        if !(mean_temp_c > ambient_c) {
                            return Err(BalanceError::NotAboveAmbient);
                        }
                        Ok(Balance { ambient_c, loss_frac_per_k: mean.value() / (mean_temp_c - ambient_c) })
                    }
                    pub fn loss_frac_per_k(&self) -> f64 {
                        self.loss_frac_per_k
                    }
                    pub fn ceiling_c(&self) -> f64 {
                        self.ambient_c + 1.0 / self.loss_frac_per_k
                    }
                    pub fn duty_for(&self, target_c: f64) -> Result<Duty, BalanceError> {
                        let needed = (target_c - self.ambient_c).max(0.0) * self.loss_frac_per_k;
                        Duty::new(needed).ok_or(BalanceError::Unreachable { needed })
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_hold() {
                        let b = Balance::from_hold(Duty::new(%DM).unwrap(), %TM, %AMB).unwrap();
                        assert!((b.loss_frac_per_k() - %G).abs() < 1e-5);
                        assert!((b.ceiling_c() - %CEIL).abs() < 1.0);
                        assert!((b.duty_for(%OTHER).unwrap().value() - %D2).abs() < 1e-3);
                    }

                    #[test]
                    fn beyond_ceiling_is_unreachable() {
                        let b = Balance::from_hold(Duty::new(%DM).unwrap(), %TM, %AMB).unwrap();
                        assert!(b.duty_for(b.ceiling_c() + 10.0).is_err());
                    }
                }
                """.replace("%DM", DM).replace("%TM", TM).replace("%AMB", AMB).replace("%G", EntryBuilder.rustF64(G)).replace("%CEIL", CEIL).replace("%OTHER", OTHER).replace("%D2", D2);
        b.rust("A Duty newtype makes an out-of-range duty unrepresentable, and the balance returns Unreachable with the duty it would have needed when a target lies beyond the ceiling, so a planner can report it instead of saturating silently.",
                code,
                "The balance is immutable after construction; a controller can share a reference to it for feed-forward without any locking.");
        b.safety("The predicted duty at " + OTHER + " °C is " + D2 + ", below 1, so the target is reachable with " + MARGIN + " % headroom; a target needing a duty near 1 would be reachable only slowly and would leave nothing to reject disturbances. "
                + "The ceiling " + CEIL + " °C tells the over-temperature protection what a stuck heater would reach; a thermal-runaway check must trip long before that.");
        b.edgeCases("- Losses are not exactly linear: radiation grows faster than the excess at high temperature, so the duty at a much hotter target is underestimated.\n"
                + "- Extrusion and a part-cooling fan add loss while printing; a balance measured while idle underestimates the duty needed during a print.\n"
                + "- If the loop is still settling, the mean duty includes integrator transients; the window here was taken at the end of the hold, when the reading stayed within a couple of kelvin of the target.");
        b.alternatives("Feed-forward from this balance (set the duty to (G/P)(target - ambient) and let the PID correct the rest) shortens warm-up transients. "
                + "Fitting the heating curve gives the same P/G as the full-power gain, an independent check. "
                + "A two-point balance at two targets can separate linear loss from an offset such as a poorly known ambient.");
        switch (ask) {
            case "duty-at" -> b.answer("", 0.01, "duty_other");
            case "loss" -> b.answer("per K", 0.01, "g_over_p");
            default -> b.answer("°C", 0.01, "ceiling");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        String heater = ref.label("heater");
        double amb = trace.firstHostReadingC(heater);
        List<double[]> rows = new ArrayList<>();
        for (TraceRecord.Thermal r : trace.hostReadings(ref.records(), heater)) rows.add(new double[] {r.timeS(), r.temperatureC(), r.duty(), r.targetC()});
        // Time-weighted means: each duty holds until the next sample; the last one for the mean spacing.
        int n = rows.size();
        double spacing = (rows.get(n - 1)[0] - rows.get(0)[0]) / (n - 1);
        double sd = 0, st = 0, sw = 0, dmin = Double.POSITIVE_INFINITY, dmax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double dt = i + 1 < n ? rows.get(i + 1)[0] - rows.get(i)[0] : spacing;
            sd += rows.get(i)[2] * dt;
            st += rows.get(i)[1] * dt;
            sw += dt;
            dmin = Math.min(dmin, rows.get(i)[2]);
            dmax = Math.max(dmax, rows.get(i)[2]);
        }
        double dm = sd / sw, tm = st / sw, other = ref.param("other");
        double g = dm / (tm - amb);
        Map<String, Double> r = new HashMap<>();
        r.put("target", rows.get(0)[3]);
        r.put("ambient", amb);
        r.put("window", ref.param("window"));
        r.put("n", (double) n);
        r.put("duty_mean", dm);
        r.put("temp_mean", tm);
        r.put("duty_min", dmin);
        r.put("duty_max", dmax);
        r.put("excess", tm - amb);
        r.put("g_over_p", g);
        r.put("ceiling", amb + (tm - amb) / dm);
        r.put("other", other);
        r.put("duty_other", dm * (other - amb) / (tm - amb));
        r.put("duty_other_pct", 100 * dm * (other - amb) / (tm - amb));
        r.put("margin_pct", 100 - 100 * dm * (other - amb) / (tm - amb));
        return r;
    }
}
