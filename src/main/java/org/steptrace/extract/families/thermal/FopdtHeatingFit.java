package org.steptrace.extract.families.thermal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
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
 * A first-order-plus-dead-time model (gain, time constant, dead time) fitted to the full-power
 * part of a recorded heating curve with Levenberg-Marquardt; the verifier refits it by a nested
 * grid search with the gain solved in closed form.
 */
public final class FopdtHeatingFit implements Family {
    private static final String[] ASKS = {"params", "reach", "ceiling"};
    static final int SHOWN = 7;

    @Override
    public String id() {
        return "fopdt-heating-fit";
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
                List<H2Heat.S> s = H2Heat.host(trace, heater);
                int i0 = -1;
                for (int i = 0; i < s.size(); i++) {
                    if (s.get(i).target() > 0) {
                        i0 = i;
                        break;
                    }
                }
                if (i0 < 0 || s.get(i0).duty() < 0.999 || s.get(i0).temp() > 40) continue;
                int i1 = i0;
                while (i1 + 1 < s.size() && s.get(i1 + 1).duty() >= 0.999 && s.get(i1 + 1).target() == s.get(i0).target()) i1++;
                if (s.get(i1).t() - s.get(i0).t() < 30 || s.get(i1).temp() - s.get(i0).temp() < 60) continue;
                List<H2Heat.S> seg = s.subList(i0, i1 + 1);
                double[] fit = fit(seg);
                if (fit == null || fit[0] <= 0 || fit[1] <= 0 || fit[2] < 0 || fit[0] <= s.get(i0).target() - s.get(i0).temp()) continue;
                Map<String, Double> obs = new HashMap<>();
                obs.put("K", fit[0]);
                obs.put("tau", fit[1]);
                obs.put("L", fit[2]);
                obs.put("rmse", fit[3]);
                Map<String, String> labels = new HashMap<>();
                labels.put("heater", heater);
                labels.put("ask", ASKS[Math.floorMod((trace.id() + heater).hashCode(), ASKS.length)]);
                labels.put("kind", H2Heat.kind(trace));
                labels.put("kinematics", H2Heat.kinematics(trace));
                out.add(new Finding(new RecordRange(seg.get(0).line(), seg.get(seg.size() - 1).line()), labels, Map.of(), obs));
            }
        } catch (RuntimeException e) {
            return out;
        }
        return out;
    }

    /** K, tau, L and the rms residual of a Levenberg-Marquardt fit, or null when it fails. */
    static double[] fit(List<H2Heat.S> seg) {
        int n = seg.size();
        double t0 = seg.get(0).t(), y0 = seg.get(0).temp();
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = seg.get(i).t() - t0;
            y[i] = seg.get(i).temp() - y0;
        }
        MultivariateJacobianFunction model = p -> {
            double k = p.getEntry(0), tau = p.getEntry(1), l = p.getEntry(2);
            RealVector v = new ArrayRealVector(n);
            Array2DRowRealMatrix j = new Array2DRowRealMatrix(n, 3);
            for (int i = 0; i < n; i++) {
                double s = x[i] - l;
                if (s <= 0) continue;
                double e = Math.exp(-s / tau);
                v.setEntry(i, k * (1 - e));
                j.setEntry(i, 0, 1 - e);
                j.setEntry(i, 1, -k * e * s / (tau * tau));
                j.setEntry(i, 2, -k * e / tau);
            }
            return new Pair<>(v, j);
        };
        double k0 = 2 * y[n - 1], tau0 = x[n - 1] / Math.log(2);
        try {
            LeastSquaresOptimizer.Optimum o = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
                    .start(new double[] {k0, tau0, 1.0}).model(model).target(y).maxEvaluations(20000).maxIterations(20000).build());
            double[] p = o.getPoint().toArray();
            return new double[] {p[0], p[1], p[2], o.getRMS()};
        } catch (RuntimeException e) {
            return null;
        }
    }

    static int shownIndex(int k, int n) {
        return (int) Math.round((double) k * (n - 1) / (SHOWN - 1));
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String heater = f.label("heater"), ask = f.label("ask"), kind = f.label("kind"), kin = f.label("kinematics");
        List<H2Heat.S> seg = H2Heat.host(trace, f.records(), heater);
        int n = seg.size();
        double t0 = seg.get(0).t(), y0 = seg.get(0).temp(), target = seg.get(0).target();
        double k = f.observed("K"), tau = f.observed("tau"), l = f.observed("L");
        double rise = target - y0, reach = l - tau * Math.log(1 - rise / k), ceiling = y0 + k, slope = k / tau;
        double span = seg.get(n - 1).t() - t0, endRise = seg.get(n - 1).temp() - y0;

        String N = b.count("n", n, "samples"), SPAN = b.q("span", span, 1, "s"), T0 = b.q("T0", y0, 2, "°C"), S = b.q("target", target, 1, "°C");
        StringBuilder table = new StringBuilder();
        String[] pt = new String[SHOWN], pT = new String[SHOWN];
        for (int i = 0; i < SHOWN; i++) {
            H2Heat.S s = seg.get(shownIndex(i, n));
            pt[i] = b.q("pt" + i, s.t() - t0, 1, "s");
            pT[i] = b.q("pT" + i, s.temp(), 2, "°C");
            table.append(i == 0 ? "" : ", ").append("(").append(pt[i]).append(" s, ").append(pT[i]).append(" °C)");
        }
        String K = b.q("K", k, 1, "K", 0.005), TAU = b.q("tau", tau, 1, "s", 0.005), L = b.q("L", l, 2, "s", 0.02);
        String RMSE = b.q("rmse", f.observed("rmse"), 2, "K", 0.1);
        String REACH = b.q("reach", reach, 1, "s", 0.005), CEIL = b.q("ceiling", ceiling, 1, "°C", 0.005), SLOPE = b.q("slope", slope, 3, "K/s", 0.005);
        String RISE = b.q("rise", rise, 2, "K"), ENDRISE = b.q("end_rise", endRise, 2, "K");
        String what = H2Heat.words(heater);
        String DT = b.q("period", span / (n - 1), 2, "s");

        String situation = b.pick(
                "A " + kin + " printer's " + what + " was switched fully on during " + H2Heat.scenarioWords(kind) + ", with the target at " + S + " °C.",
                "During " + H2Heat.scenarioWords(kind) + " on a " + kin + " machine, the " + what + " heater ran at duty 1 from a cold start toward a " + S + " °C target.",
                "The controller of a " + what + " (" + kin + " printer) saturated at full output after a " + S + " °C target was set in " + H2Heat.scenarioWords(kind) + ".");
        String data = b.pick(
                " The host logged " + N + " temperature samples over the first " + SPAN + " s of full power; every few of them, as (seconds since the target was set, temperature): " + table + ".",
                " Over the " + SPAN + " s that the output stayed saturated, " + N + " readings were recorded. A thinned-out view (time since the target was set, reading): " + table + ".",
                " Samples (time after the target was set, measured temperature), taken from the " + N + " readings of the " + SPAN + " s full-power stretch: " + table + ".");
        String model = b.pick(
                " Model the response as first order plus dead time, T(t) = T0 + K(1 - exp(-(t - L)/tau)) for t > L, with T0 = " + T0 + " °C the reading when the target was set.",
                " Take a first-order-plus-dead-time plant: nothing happens for a dead time L, then the rise approaches a gain K with time constant tau; the start reading is T0 = " + T0 + " °C.",
                " Fit the usual process-control model: dead time L, then T = T0 + K(1 - e^{-(t-L)/tau}), with T0 = " + T0 + " °C.");
        String question = switch (ask) {
            case "params" -> b.pick(" A least-squares fit over all samples is wanted: report K (kelvin at full duty), tau and L.",
                    " Identify K, tau and L by least squares over the whole full-power record.",
                    " What are the gain, time constant and dead time that best fit the record?");
            case "reach" -> b.pick(" Using the fitted model, how long after the target was set would full power reach " + S + " °C?",
                    " With the model identified from the record, predict the time at full power to first hit the target of " + S + " °C.",
                    " From the fit, estimate the time-to-target at full duty, in seconds.");
            default -> b.pick(" Where would the " + what + " settle if the heater were left fully on forever? Use the fit.",
                    " Fit the model and give the full-power equilibrium temperature T0 + K.",
                    " What ceiling temperature does the fitted model imply for a heater stuck at full duty?");
        };
        b.problem(situation + data + model + question);

        b.think("First, let me understand what's happening physically. With the duty pinned at 1 the heater pours a constant power into the block; the block warms and loses heat to the room in proportion to how far above ambient it is. "
                + "That balance gives a first-order rise toward an equilibrium T0 + K with time constant tau = C/G. The sensor and the cartridge sleeve add a short delay, which the dead time L absorbs.");
        b.think("Look at the data first. Over " + SPAN + " s the reading climbed by " + ENDRISE + " K, and the rise is still going almost straight, so the record covers only the early part of the exponential. "
                + "That means K and tau are partly traded against each other: a steeper early slope K/tau is well pinned, the curvature less so. A least-squares fit over all " + N + " samples, not a two-point guess, is the honest way to get all three.");
        b.think(b.pick("My first instinct was to fix L = 0 and fit only K and tau. Wait, the first readings sit flat for a while before the rise begins; forcing L = 0 would bend the exponential to explain that flat start and bias tau. Keep L free.",
                "A plain first-order fit would start rising at t = 0. Wait, the early samples are flat, so without a dead-time term the fit would distort tau to explain them. L has to be a fitted parameter.")
                + " With the Jacobian of the residuals (dT/dK = 1 - e, dT/dtau = -K e s/tau^2, dT/dL = -K e/tau, where s = t - L and e = exp(-s/tau)) Levenberg-Marquardt converges to K = " + K + " K, tau = " + TAU + " s, L = " + L + " s, with an rms residual of " + RMSE + " K.");
        b.think("Sanity checks. The initial slope K/tau = " + SLOPE + " K/s; over the " + SPAN + " s stretch a straight line at that slope would overshoot the observed " + ENDRISE + " K a little, which is exactly the curvature of an exponential, so the numbers hang together. "
                + "The equilibrium T0 + K = " + CEIL + " °C lies well above the target " + S + " °C, as it must for the heater to reach it at all. "
                + "Time to the target: the rise needed is " + RISE + " K, so t = L - tau ln(1 - " + RISE + "/" + K + ") = " + REACH + " s.");

        b.controlProblem("Identify a first-order-plus-dead-time model T(t) = T0 + K(1 - exp(-(t - L)/tau)) of a " + what + " from " + N + " full-power samples over " + SPAN
                + " s starting at T0 = " + T0 + " °C, then use it to predict the time to reach the target " + S + " °C and the full-power ceiling.");
        b.context("- Hardware limitations: the heater's output saturates at duty 1, so the record shows the plant's open-loop response; the thermistor reading is quantised and slightly noisy (rms residual " + RMSE + " K).\n"
                + "- Real-time requirements: readings arrive every " + DT + " s; a controller designed from the model must act well within the time constant of " + TAU + " s and must tolerate the dead time of " + L + " s.\n"
                + "- Safety requirements: a heater stuck on would head for " + CEIL + " °C, so runaway detection must not rely on the plant settling by itself.");
        b.analysis("Step 1: Data. Shift time to the moment the target was set and subtract T0 = " + T0 + " °C; the rise y(t) grows to " + ENDRISE + " K after " + SPAN + " s.\n\n"
                + "Step 2: Model. y(t) = 0 for t <= L, y(t) = K(1 - exp(-(t - L)/tau)) after it; three unknowns, " + N + " equations.\n\n"
                + "Step 3: Least squares. Levenberg-Marquardt on the residuals gives K = " + K + " K, tau = " + TAU + " s, L = " + L + " s (rms residual " + RMSE + " K).\n\n"
                + "Step 4: Predictions. Initial slope K/tau = " + SLOPE + " K/s; full-power ceiling T0 + K = " + CEIL + " °C; time to rise " + RISE + " K to the target: t = L - tau ln(1 - rise/K) = " + REACH + " s.");
        String code = """
                /// First-order-plus-dead-time heater model; rise in kelvin above the start, times in seconds.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Fopdt {
                    gain_k: f64,
                    tau_s: f64,
                    dead_s: f64,
                }

                #[derive(Debug, Clone, Copy, PartialEq)]
                pub enum ModelError {
                    NonPositiveGain,
                    NonPositiveTau,
                    NegativeDeadTime,
                    OutOfReach,
                }

                impl Fopdt {
                    pub fn new(gain_k: f64, tau_s: f64, dead_s: f64) -> Result<Self, ModelError> {
                        if !(gain_k > 0.0) {
                            return Err(ModelError::NonPositiveGain);
                        }
                        if !(tau_s > 0.0) {
                            return Err(ModelError::NonPositiveTau);
                        }
                        if !(dead_s >= 0.0) {
                            return Err(ModelError::NegativeDeadTime);
                        }
                        Ok(Fopdt { gain_k, tau_s, dead_s })
                    }

                    pub fn gain_k(&self) -> f64 {
                        self.gain_k
                    }

                    /// Rise above the start after t seconds at full power.
                    pub fn rise_at(&self, t_s: f64) -> f64 {
                        if t_s <= self.dead_s {
                            0.0
                        } else {
                            self.gain_k * (1.0 - (-(t_s - self.dead_s) / self.tau_s).exp())
                        }
                    }

                    /// Time at full power until the rise reaches rise_k; unreachable rises are an error, not NaN.
                    pub fn time_to_rise(&self, rise_k: f64) -> Result<f64, ModelError> {
                        if rise_k <= 0.0 {
                            return Ok(0.0);
                        }
                        if rise_k >= self.gain_k {
                            return Err(ModelError::OutOfReach);
                        }
                        Ok(self.dead_s - self.tau_s * (1.0 - rise_k / self.gain_k).ln())
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn fitted_model_predictions() {
                        let m = Fopdt::new(%K, %TAU, %L).unwrap();
                        let t0 = %T0;
                        assert!((m.time_to_rise(%S - t0).unwrap() - %REACH).abs() < 0.5);
                        assert!((t0 + m.gain_k() - %CEIL).abs() < 0.1);
                        assert!((t0 + m.rise_at(%PTL) - %PTT).abs() < 5.0);
                    }

                    #[test]
                    fn rejects_bad_models() {
                        assert_eq!(Fopdt::new(%K, 0.0, %L), Err(ModelError::NonPositiveTau));
                        let m = Fopdt::new(%K, %TAU, %L).unwrap();
                        assert_eq!(m.time_to_rise(%K + 1.0), Err(ModelError::OutOfReach));
                    }
                }
                """.replace("%REACH", REACH).replace("%K", K).replace("%TAU", TAU).replace("%L", L).replace("%T0", T0).replace("%S", S)
                .replace("%CEIL", CEIL).replace("%PTL", pt[SHOWN - 1]).replace("%PTT", pT[SHOWN - 1]);
        b.rust("The model is a validated value: a constructor that rejects a non-positive gain or time constant, and a prediction that returns an error for a temperature the heater can never reach, instead of the NaN a bare logarithm would produce.",
                code,
                "Keeping the fields private means every Fopdt in the program went through the checks; the controller design code downstream can divide by tau without re-checking it.");
        b.safety("The fit says full power would carry the " + what + " to about " + CEIL + " °C, far above the " + S + " °C target, so the heater alone is never thermally self-limiting at a safe temperature. "
                + "A runaway check can use the model: at full power the reading must rise by roughly K/tau = " + SLOPE + " K/s once the dead time of " + L + " s has passed; a much smaller rise means a heater or sensor fault. "
                + "The predicted " + REACH + " s to target also bounds how long a legitimate warm-up may take before a timeout is a fault.");
        b.edgeCases("- A record that stops early (short span compared with tau) leaves K poorly determined; the product K/tau stays reliable, so predictions near the start are safer than the ceiling.\n"
                + "- A warm start (T0 well above ambient) breaks the assumption that the plant began at equilibrium; the model would then need the initial decay toward ambient added.\n"
                + "- Quantised readings make the residual floor about the size of one ADC step in temperature; a residual much larger than " + RMSE + " K signals a second time constant (sensor lag) that the model ignores.");
        b.alternatives("Two-point methods (reading the times at which the rise reaches fixed fractions of K) need the final value, which this record does not contain, so they would extrapolate. "
                + "A second-order model with a separate sensor lag fits the bend at the start better but doubles the parameters to identify. "
                + "A relay experiment around the target identifies the plant where the controller will actually work, at the cost of an oscillating warm-up.");
        switch (ask) {
            case "params" -> b.answer("", 0.02, "K", "tau", "L");
            case "reach" -> b.answer("s", 0.02, "reach");
            default -> b.answer("°C", 0.02, "ceiling");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        String heater = ref.label("heater");
        List<double[]> rows = new ArrayList<>();
        for (TraceRecord.Thermal r : trace.hostReadings(ref.records(), heater)) rows.add(new double[] {r.timeS(), r.temperatureC(), r.targetC()});
        int n = rows.size();
        double t0 = rows.get(0)[0], y0 = rows.get(0)[1], target = rows.get(0)[2];
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rows.get(i)[0] - t0;
            y[i] = rows.get(i)[1] - y0;
        }
        // Nested grid search over (log tau, L), with K the closed-form least-squares gain for each pair.
        double lo = Math.log(1), hi = Math.log(1e5), lLo = 0, lHi = 20;
        double bestSse = Double.POSITIVE_INFINITY, bestTau = Double.NaN, bestL = Double.NaN, bestK = Double.NaN;
        int g = 40;
        for (int round = 0; round < 12; round++) {
            double stepA = (hi - lo) / g, stepB = (lHi - lLo) / g;
            for (int a = 0; a <= g; a++) {
                double tau = Math.exp(lo + a * stepA);
                for (int c = 0; c <= g; c++) {
                    double l = lLo + c * stepB;
                    double sfy = 0, sff = 0;
                    double[] fv = new double[n];
                    for (int i = 0; i < n; i++) {
                        fv[i] = x[i] > l ? 1 - Math.exp(-(x[i] - l) / tau) : 0;
                        sfy += fv[i] * y[i];
                        sff += fv[i] * fv[i];
                    }
                    if (sff == 0) continue;
                    double k = sfy / sff, sse = 0;
                    for (int i = 0; i < n; i++) sse += (y[i] - k * fv[i]) * (y[i] - k * fv[i]);
                    if (sse < bestSse) {
                        bestSse = sse;
                        bestTau = tau;
                        bestL = l;
                        bestK = k;
                    }
                }
            }
            double ca = Math.log(bestTau);
            lo = ca - 3 * stepA;
            hi = ca + 3 * stepA;
            lLo = Math.max(0, bestL - 3 * stepB);
            lHi = bestL + 3 * stepB;
        }
        Map<String, Double> r = new HashMap<>();
        r.put("n", (double) n);
        r.put("span", x[n - 1]);
        r.put("period", x[n - 1] / (n - 1));
        r.put("T0", y0);
        r.put("target", target);
        for (int i = 0; i < SHOWN; i++) {
            int idx = (int) Math.round((double) i * (n - 1) / (SHOWN - 1));
            r.put("pt" + i, x[idx]);
            r.put("pT" + i, rows.get(idx)[1]);
        }
        r.put("K", bestK);
        r.put("tau", bestTau);
        r.put("L", bestL);
        r.put("rmse", Math.sqrt(bestSse / n));
        r.put("rise", target - y0);
        r.put("end_rise", y[n - 1]);
        r.put("slope", bestK / bestTau);
        r.put("ceiling", y0 + bestK);
        r.put("reach", bestL + bestTau * Math.log(bestK / (bestK - (target - y0))));
        return r;
    }
}
