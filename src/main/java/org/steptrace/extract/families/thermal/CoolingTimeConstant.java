package org.steptrace.extract.families.thermal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.apache.commons.math3.util.Pair;
import org.steptrace.extract.Category;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.families.common.EntryBuilder;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * Free cooling of a heater toward ambient, after its target was set to 0 or after its heater
 * died: the time constant by log-linear regression of ln(T - ambient) against time (writer) and
 * by a nonlinear least-squares fit of the exponential itself (verifier); the time to cool to a
 * safe temperature and the initial cooling rate.
 */
public final class CoolingTimeConstant implements Family {
    private static final String[] ASKS = {"tau", "cool-to", "rate"};
    static final double SKIP_S = 3.0;
    static final int SHOWN = 5;

    @Override
    public String id() {
        return "cooling-time-constant";
    }

    @Override
    public Category category() {
        return Category.THERMAL;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            double shutdown = Double.POSITIVE_INFINITY;
            for (TraceView.At<TraceRecord.Shutdown> at : trace.all(TraceRecord.Shutdown.class)) shutdown = Math.min(shutdown, at.record().timeS());
            for (String heater : H2Heat.heaters(trace)) {
                List<H2Heat.S> s = H2Heat.host(trace, heater);
                if (s.size() < 20) continue;
                double off = Double.NaN;
                String cause = null;
                for (TraceView.At<TraceRecord.Fault> at : trace.all(TraceRecord.Fault.class)) {
                    if ("heater-dead".equals(at.record().kind()) && heater.equals(at.record().heater())) {
                        off = at.record().timeS();
                        cause = "heater-dead";
                    }
                }
                if (cause == null) {
                    for (int i = 1; i < s.size(); i++) {
                        if (s.get(i).target() <= 0 && s.get(i - 1).target() > 0) {
                            off = s.get(i).t();
                            cause = "switched-off";
                            break;
                        }
                    }
                }
                if (cause == null) continue;
                List<H2Heat.S> w = new ArrayList<>();
                for (H2Heat.S x : s) {
                    if (x.t() < off + SKIP_S || x.t() >= shutdown) continue;
                    if (cause.equals("switched-off") && x.target() > 0) break;
                    w.add(x);
                }
                double amb = s.get(0).temp();
                if (w.size() < 30 || w.get(0).temp() - amb < 25 || s.get(0).temp() > 35) continue;
                if (w.get(0).temp() - w.get(w.size() - 1).temp() < 3) continue;
                Map<String, String> labels = new HashMap<>();
                labels.put("heater", heater);
                labels.put("cause", cause);
                labels.put("ask", ASKS[Math.floorMod((trace.id() + heater).hashCode(), ASKS.length)]);
                labels.put("kinematics", H2Heat.kinematics(trace));
                double safe = heater.contains("bed") ? 35.0 : 50.0;
                out.add(new Finding(new RecordRange(w.get(0).line(), w.get(w.size() - 1).line()), labels, Map.of("safe", safe), Map.of("ambient", amb)));
            }
        } catch (RuntimeException e) {
            return out;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        b.literal(-1); // tau = -1/slope
        String heater = f.label("heater"), ask = f.label("ask"), cause = f.label("cause"), kin = f.label("kinematics"), what = H2Heat.words(heater);
        List<H2Heat.S> w = H2Heat.host(trace, f.records(), heater);
        double amb = f.observed("ambient"), safe = f.param("safe");
        int n = w.size();
        double t0 = w.get(0).t();
        SimpleRegression reg = new SimpleRegression();
        for (H2Heat.S x : w) reg.addData(x.t() - t0, Math.log(x.temp() - amb));
        double tau = -1 / reg.getSlope(), a0 = Math.exp(reg.getIntercept());
        double t1 = w.get(0).temp(), rate = (t1 - amb) / tau, tSafe = tau * Math.log((t1 - amb) / (safe - amb));

        String AMB = b.q("ambient", amb, 2, "°C"), N = b.count("n", n, "samples"), SPAN = b.q("span", w.get(n - 1).t() - t0, 1, "s");
        String T1 = b.q("T1", t1, 2, "°C"), SAFE = b.q("safe", safe, 1, "°C");
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < SHOWN; i++) {
            H2Heat.S x = w.get((int) Math.round((double) i * (n - 1) / (SHOWN - 1)));
            table.append(i == 0 ? "" : ", ").append("(").append(b.q("pt" + i, x.t() - t0, 2, "s")).append(" s, ").append(b.q("pT" + i, x.temp(), 2, "°C")).append(" °C)");
        }
        String TAU = b.q("tau", tau, 1, "s", 0.02), SLOPE = b.sig("slope", reg.getSlope(), 4, "1/s", 0.02), A0 = b.q("A0", a0, 2, "K", 0.01);
        String RATE = b.q("rate", rate, 4, "K/s", 0.02), TSAFE = b.q("t_safe", tSafe, 1, "s", 0.02), LNR = b.q("ln_ratio", Math.log((t1 - amb) / (safe - amb)), 4, "");
        String EXC = b.q("excess", t1 - amb, 2, "K");

        String how = cause.equals("heater-dead")
                ? b.pick("its heater element failed open while the controller kept asking for power",
                "the heater stopped producing heat (a dead heater) although the output stayed high")
                : b.pick("its target was set to 0 at the end of a heat-up, so the heater stayed off",
                "the heat-up finished by switching the heater off");
        String situation = b.pick(
                "On a " + kin + " printer the " + what + " was hot when " + how + "; from then on it cooled freely.",
                "A " + what + " (" + kin + " machine) cooled on its own after " + how.replaceFirst("^its ", "the " + what + "'s ").replaceFirst("^the heat-up", "a heat-up") + ".",
                "Consider the " + what + " of a " + kin + " printer: " + how + ", and nothing but the room acted on it afterwards.");
        String data = b.pick(
                " Starting " + b.q("skip", SKIP_S, 1, "s") + " s after that moment (to let the sensor lag pass), " + N + " readings over " + SPAN + " s were logged; a selection as (time, temperature): " + table
                        + ". Before any heating the reading was " + AMB + " °C, taken as ambient.",
                " The room (first reading of the run) was at " + AMB + " °C. From " + b.q("skip", SKIP_S, 1, "s") + " s after the event on, the log holds " + N + " samples over " + SPAN
                        + " s, including " + table + ".",
                " Ambient: " + AMB + " °C. Cooling samples (time from the first one used, which is " + b.q("skip", SKIP_S, 1, "s") + " s after the event): " + table + ", out of " + N + " over " + SPAN + " s.");
        String question = switch (ask) {
            case "tau" -> b.pick(" Estimate the cooling time constant by a log-linear least-squares fit.",
                    " What is the thermal time constant of the block, from a straight-line fit of ln(T - ambient) against time?",
                    " Fit Newton cooling to all samples and report the time constant.");
            case "cool-to" -> b.pick(" How long after the first sample used would the " + what + " reach a touch-safe " + SAFE + " °C?",
                    " Predict when the reading will have fallen to " + SAFE + " °C.",
                    " Using the fitted cooling law, how many seconds until " + SAFE + " °C?");
            default -> b.pick(" What is the initial cooling rate (K/s) implied by the fitted time constant?",
                    " From the fit, how fast was the block losing temperature at the first sample used?",
                    " Give the model's cooling rate at the start of the record, in K/s.");
        };
        b.problem(situation + data + question);

        b.think("First, let me understand what's happening physically. With no heater power the block loses heat to the room at a rate proportional to its excess over ambient, C dT/dt = -G (T - T_amb). "
                + "The solution is T(t) = T_amb + (T1 - T_amb) e^{-t/tau} with tau = C/G, so ln(T - T_amb) falls on a straight line of slope -1/tau. That turns the fit into a linear regression.");
        b.think("The excess at the start is " + T1 + " - " + AMB + " = " + EXC + " K. Regressing ln(T - " + AMB + ") on time over all " + N + " samples gives a slope of " + SLOPE + " per second, and an intercept that corresponds to an excess of "
                + A0 + " K, matching the first reading. So tau = -1/slope = " + TAU + " s.");
        b.think(b.pick("Wait, is the record long enough to trust that? It covers " + SPAN + " s, a small fraction of tau, so the curve is nearly straight in linear coordinates. The log transform still works because the slope is pinned by the drop in ln(excess) across the window; the uncertainty is mostly the sensor noise divided by the excess, which is small here.",
                "Let me double-check the sign and units: the slope is negative (temperature falls), its unit is 1/s, and tau comes out positive in seconds. The window of " + SPAN + " s is short compared with tau, so this is an estimate from the early part of the exponential, which is fine because the excess is large and the noise small."));
        b.think("Predictions. Initial cooling rate (T1 - T_amb)/tau = " + EXC + "/" + TAU + " = " + RATE + " K/s. Time to reach " + SAFE + " °C: t = tau ln((T1 - T_amb)/(" + SAFE + " - T_amb)) = " + TAU + " x " + LNR + " = " + TSAFE + " s.");
        b.controlProblem("Estimate the free-cooling time constant tau of a " + what + " from " + N + " samples cooling from " + T1 + " °C toward ambient " + AMB + " °C, then predict the initial cooling rate and the time to reach " + SAFE + " °C.");
        b.context("- Hardware limitations: the thermistor reads the block through a small lag, which is why the first " + b.text("skip") + " s after the event are left out.\n"
                + "- Real-time requirements: cooling is slow (tau = " + TAU + " s) compared with the sample period, so the fit has plenty of samples; a safety monitor can check it at a low rate.\n"
                + "- Safety requirements: after a fault or at the end of a job the block stays dangerously hot for minutes; the predicted " + TSAFE + " s to " + SAFE + " °C is how long a hot-surface warning must remain.");
        b.analysis("Step 1: Model. Newton cooling T(t) = T_amb + (T1 - T_amb) e^{-t/tau}, so ln(T - T_amb) = ln(T1 - T_amb) - t/tau.\n\n"
                + "Step 2: Regression. Least squares of ln(T - " + AMB + ") on t over " + N + " samples: slope " + SLOPE + " 1/s, intercept excess " + A0 + " K.\n\n"
                + "Step 3: Time constant. tau = -1/slope = " + TAU + " s.\n\n"
                + "Step 4: Initial rate. (T1 - T_amb)/tau = " + RATE + " K/s.\n\n"
                + "Step 5: Cool-down time. t = tau ln(" + EXC + "/(" + SAFE + " - " + AMB + ")) = " + TSAFE + " s.");
        String code = """
                /// Newton cooling toward ambient: excess temperature decays with time constant tau.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Cooling {
                    pub ambient_c: f64,
                    pub tau_s: f64,
                }

                #[derive(Debug, Clone, Copy, PartialEq)]
                pub enum CoolError {
                    NotAboveAmbient,
                    NonPositiveTau,
                }

                impl Cooling {
                    pub fn new(ambient_c: f64, tau_s: f64) -> Result<Self, CoolError> {
                        if !(tau_s > 0.0) {
                            return Err(CoolError::NonPositiveTau);
                        }
                        Ok(Cooling { ambient_c, tau_s })
                    }

                    /// Cooling rate (K/s, positive when cooling) at temperature temp_c.
                    pub fn rate(&self, temp_c: f64) -> f64 {
                        (temp_c - self.ambient_c) / self.tau_s
                    }

                    /// Seconds to fall from start_c to goal_c; the goal must lie strictly between ambient and start.
                    pub fn time_to(&self, start_c: f64, goal_c: f64) -> Result<f64, CoolError> {
                        if !(goal_c > self.ambient_c && start_c > goal_c) {
                            return Err(CoolError::NotAboveAmbient);
                        }
                        Ok(self.tau_s * ((start_c - self.ambient_c) / (goal_c - self.ambient_c)).ln())
                    }
                }

                /// Time constant from samples (t, temperature) by least squares on ln(T - ambient).
                pub fn fit_tau(samples: &[(f64, f64)], ambient_c: f64) -> Option<f64> {
                    let pts: Vec<(f64, f64)> = samples
                        .iter()
                        .filter(|s| s.1 > ambient_c)
                        .map(|s| (s.0, (s.1 - ambient_c).ln()))
                        .collect();
                    if pts.len() < 2 {
                        return None;
                    }
                    let n = pts.len() as f64;
                    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
                    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
                    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
                    let sxx: f64 = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
                    let slope = sxy / sxx;
                    if slope < 0.0 { Some(-1.0 / slope) } else { None }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn fitted_cooling_predictions() {
                        let c = Cooling::new(%AMB, %TAU).unwrap();
                        assert!((c.rate(%T1) - %RATE).abs() < 1e-3);
                        assert!((c.time_to(%T1, %SAFE).unwrap() - %TSAFE).abs() < 1.0);
                        let shown = [%PTS];
                        let tau = fit_tau(&shown, %AMB).unwrap();
                        assert!((tau - %TAU).abs() / %TAU < 0.25);
                    }

                    #[test]
                    fn goal_below_ambient_is_an_error() {
                        let c = Cooling::new(%AMB, %TAU).unwrap();
                        assert_eq!(c.time_to(%T1, %AMB - 1.0), Err(CoolError::NotAboveAmbient));
                    }
                }
                """;
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < SHOWN; i++) pts.append(i == 0 ? "" : ", ").append("(").append(b.text("pt" + i)).append(", ").append(b.text("pT" + i)).append(")");
        code = code.replace("%AMB", AMB).replace("%TAU", TAU).replace("%T1", T1).replace("%RATE", RATE).replace("%SAFE", SAFE).replace("%TSAFE", TSAFE).replace("%PTS", pts);
        b.rust("The cooling law is a small value type with checked construction, and the inverse prediction returns a Result because a goal at or below ambient is never reached: the logarithm would otherwise quietly return infinity or NaN.",
                code,
                "The fitting function borrows the samples and allocates one small vector of transformed points; it returns None rather than panicking when fewer than two usable points remain or when the data do not fall.");
        b.safety("The model never predicts a temperature below ambient, and the time to any goal above ambient is finite and positive, so a hot-surface indicator driven by it errs on the side of staying on only if tau is not underestimated. "
                + "Because the fit used only the early part of the decay, the estimate of " + TAU + " s should be checked against later readings before the warning is cleared.");
        b.edgeCases("- If ambient is misjudged, ln(T - T_amb) bends and the fitted tau drifts; a wrong ambient by a few kelvin matters most near the end of the cool-down, not at the start.\n"
                + "- A part-cooling fan or forced airflow raises G and shortens tau; a single tau only holds for fixed airflow.\n"
                + "- Readings at or below the assumed ambient must be dropped before taking the logarithm; the Rust fit filters them out.");
        b.alternatives("A nonlinear least-squares fit of the exponential itself weighs every kelvin equally instead of every log unit and can also fit the ambient as a third parameter. "
                + "A two-point method (two readings and ln of their excess ratio) needs no regression but is at the mercy of the noise in those two readings. "
                + "Fitting heating and cooling together with one model pins the time constant from both sides.");
        switch (ask) {
            case "tau" -> b.answer("s", 0.02, "tau");
            case "cool-to" -> b.answer("s", 0.02, "t_safe");
            default -> b.answer("K/s", 0.02, "rate");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        String heater = ref.label("heater");
        double amb = trace.firstHostReadingC(heater);
        List<double[]> rows = new ArrayList<>();
        for (TraceRecord.Thermal r : trace.hostReadings(ref.records(), heater)) rows.add(new double[] {r.timeS(), r.temperatureC()});
        int n = rows.size();
        double t0 = rows.get(0)[0], t1 = rows.get(0)[1];
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rows.get(i)[0] - t0;
            y[i] = rows.get(i)[1] - amb;
        }
        // Nonlinear least squares of the exponential itself: excess = A exp(-t/tau).
        MultivariateJacobianFunction model = p -> {
            double a = p.getEntry(0), tau = p.getEntry(1);
            RealVector v = new ArrayRealVector(n);
            Array2DRowRealMatrix j = new Array2DRowRealMatrix(n, 2);
            for (int i = 0; i < n; i++) {
                double e = Math.exp(-x[i] / tau);
                v.setEntry(i, a * e);
                j.setEntry(i, 0, e);
                j.setEntry(i, 1, a * e * x[i] / (tau * tau));
            }
            return new Pair<>(v, j);
        };
        double[] p = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder().start(new double[] {y[0], 100.0}).model(model).target(y)
                .maxEvaluations(10000).maxIterations(10000).build()).getPoint().toArray();
        double a = p[0], tau = p[1], safe = ref.param("safe");
        Map<String, Double> r = new HashMap<>();
        r.put("ambient", amb);
        r.put("n", (double) n);
        r.put("span", x[n - 1]);
        r.put("T1", t1);
        r.put("safe", safe);
        r.put("skip", SKIP_S);
        for (int i = 0; i < SHOWN; i++) {
            int idx = (int) Math.round((double) i * (n - 1) / (SHOWN - 1));
            r.put("pt" + i, x[idx]);
            r.put("pT" + i, rows.get(idx)[1]);
        }
        r.put("tau", tau);
        r.put("slope", -1 / tau);
        r.put("A0", a);
        r.put("excess", t1 - amb);
        r.put("rate", (t1 - amb) / tau);
        r.put("ln_ratio", Math.log((t1 - amb) / (safe - amb)));
        r.put("t_safe", tau * Math.log((t1 - amb) / (safe - amb)));
        return r;
    }
}
