package org.steptrace.extract.families.thermal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.steptrace.extract.Category;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.families.common.EntryBuilder;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * Sensor noise of an idle heater at ambient, the noise of a finite-difference derivative at the
 * report period (predicted sqrt(2) sigma/dt and measured), and how an exponential smoothing of the
 * derivative with the configured smoothing time reduces it (closed form and by filtering the
 * record); the smoothing time a noise target needs. The verifier sums the filter's impulse
 * response, filters the record in another form and solves for the smoothing time in closed form.
 */
public final class DerivativeNoise implements Family {
    private static final String[] ASKS = {"raw", "smoothed", "needed"};

    @Override
    public String id() {
        return "derivative-noise-smoothing";
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
                double smooth = trace.setting("heater." + heater + ".smooth_time_s");
                if (!(smooth > 0)) continue;
                List<H2Heat.S> s = H2Heat.host(trace, heater);
                if (s.size() < 60) continue;
                boolean idle = true;
                for (H2Heat.S x : s) {
                    if (x.target() != 0 || x.duty() != 0 || Math.abs(x.temp() - s.get(0).temp()) > 1) {
                        idle = false;
                        break;
                    }
                }
                if (!idle) continue;
                // MCU-side true temperature must also be flat: a steady state, not a slow drift.
                boolean flat = true;
                Double first = null;
                for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
                    TraceRecord.Thermal r = at.record();
                    if (!heater.equals(r.heater()) || r.trueTemperatureC() == null) continue;
                    if (first == null) first = r.trueTemperatureC();
                    if (Math.abs(r.trueTemperatureC() - first) > 0.01) flat = false;
                }
                if (!flat) continue;
                double sd = new DescriptiveStatistics(s.stream().mapToDouble(H2Heat.S::temp).toArray()).getStandardDeviation();
                if (!(sd > 0)) continue;
                Map<String, String> labels = new HashMap<>();
                labels.put("heater", heater);
                labels.put("kind", H2Heat.kind(trace));
                labels.put("ask", ASKS[Math.floorMod((trace.id() + heater).hashCode(), ASKS.length)]);
                labels.put("kinematics", H2Heat.kinematics(trace));
                double goal = Math.floorMod(trace.id().hashCode(), 2) == 0 ? 0.02 : 0.03;
                out.add(new Finding(new RecordRange(s.get(0).line(), s.get(s.size() - 1).line()), labels, Map.of("goal", goal), Map.of("smooth", smooth)));
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
        double ts = f.observed("smooth"), goal = f.param("goal");
        int n = s.size();
        DescriptiveStatistics temp = new DescriptiveStatistics(), der = new DescriptiveStatistics(), sm = new DescriptiveStatistics();
        for (H2Heat.S x : s) temp.addValue(x.temp());
        double dt = (s.get(n - 1).t() - s.get(0).t()) / (n - 1);
        double y = 0;
        for (int i = 1; i < n; i++) {
            double h = s.get(i).t() - s.get(i - 1).t();
            double d = (s.get(i).temp() - s.get(i - 1).temp()) / h;
            der.addValue(d);
            // the PID's smoothing: deriv = (deriv_prev (ts - h) + dT)/ts when h < ts
            y = h >= ts ? d : (y * (ts - h) + d * h) / ts;
            if (i > 20) sm.addValue(y);
        }
        double sigma = temp.getStandardDeviation(), alpha = dt / ts;
        double rawPred = Math.sqrt(2) * sigma / dt, smPred = sigma / dt * alpha * Math.sqrt(2 / (2 - alpha)), ratio = alpha / Math.sqrt(2 - alpha);
        // smoothing time for a goal: bisection on alpha
        double lo = 1e-9, hi = 1;
        for (int k = 0; k < 200; k++) {
            double mid = (lo + hi) / 2;
            if (sigma / dt * mid * Math.sqrt(2 / (2 - mid)) > goal) hi = mid;
            else lo = mid;
        }
        double needTs = dt / lo;

        String N = b.count("n", n, "samples"), DT = b.q("dt", dt, 3, "s"), MEAN = b.q("mean", temp.getMean(), 3, "°C", 1e-6), SIG = b.sig("sigma", sigma, 3, "K");
        String TS = b.q("smooth", ts, 2, "s"), A = b.q("alpha", alpha, 3, ""), GOAL = b.q("goal", goal, 3, "K/s");
        String RAWP = b.sig("raw_pred", rawPred, 3, "K/s"), RAWM = b.sig("raw_meas", der.getStandardDeviation(), 3, "K/s");
        String SMP = b.sig("sm_pred", smPred, 3, "K/s", 1e-6), SMM = b.sig("sm_meas", sm.getStandardDeviation(), 3, "K/s", 1e-6), RATIO = b.q("ratio", ratio, 3, "", 1e-6);
        String NEED = b.q("need_ts", needTs, 2, "s", 1e-6), NEEDA = b.q("need_alpha", lo, 4, "", 1e-6);

        String situation = b.pick(
                "The " + what + " of a " + kin + " printer sat idle at room temperature for a whole " + kind.replace('-', ' ') + " run (heater off, nothing changing).",
                "During a " + kind.replace('-', ' ') + " run on a " + kin + " machine the " + what + " was never heated, so its thermistor reading only shows sensor and ADC noise.",
                "A " + kin + " printer's " + what + " stayed cold and unpowered through a " + kind.replace('-', ' ') + " run: a clean steady state for measuring noise.");
        String data = b.pick(
                " Its " + N + " readings, one every " + DT + " s, average " + MEAN + " °C with a standard deviation of " + SIG + " K. The controller smooths its derivative exponentially with a time of " + TS + " s.",
                " The log holds " + N + " samples at a " + DT + " s period: mean " + MEAN + " °C, standard deviation " + SIG + " K. The derivative term uses an exponential smoothing time of " + TS + " s.",
                " Statistics of the " + N + " samples (period " + DT + " s): mean " + MEAN + " °C, sigma " + SIG + " K. Derivative smoothing time in the controller: " + TS + " s.");
        String question = switch (ask) {
            case "raw" -> b.pick(" How noisy is a plain finite-difference derivative at that period? Predict its standard deviation and compare with the record.",
                    " Predict the standard deviation of (T_k - T_k-1)/dt from sigma and check it against the samples.",
                    " What derivative noise does differencing consecutive readings produce?");
            case "smoothed" -> b.pick(" By how much does the exponential smoothing reduce the derivative noise? Give the predicted standard deviation after smoothing.",
                    " Predict the noise of the smoothed derivative and compare with filtering the record.",
                    " What is the derivative noise after the configured smoothing, in K/s?");
            default -> b.pick(" What smoothing time would bring the derivative noise down to " + GOAL + " K/s?",
                    " Find the smoothing time needed for a derivative noise of " + GOAL + " K/s.",
                    " How long a smoothing time keeps the derivative noise at " + GOAL + " K/s?");
        };
        b.problem(situation + data + question);

        b.think("First, let me understand what's happening physically. Nothing is heating, so the true temperature is constant and every wiggle in the readings is measurement noise: ADC noise and quantisation pushed through the thermistor curve. Treat it as white with sigma = " + SIG
                + " K. A derivative amplifies it, because it divides a difference of two noisy readings by a short time.");
        b.think("Raw derivative: d_k = (T_k - T_k-1)/dt. Two independent noises subtract, so the variance doubles: std(d) = sqrt(2) sigma/dt = sqrt(2) x " + SIG + "/" + DT + " = " + RAWP + " K/s. The record gives " + RAWM
                + " K/s for the differenced samples, which agrees as well as a finite sample can.");
        b.think("Smoothing: with a smoothing time " + TS + " s, each update moves the derivative estimate a fraction alpha = dt/" + TS + " = " + A + " toward the new difference. "
                + b.pick("My first thought was that an EMA of white noise has variance alpha/(2 - alpha) times the input's. Wait, the input here is not white: consecutive differences share a reading and are negatively correlated. Summing the squared impulse response of the whole chain (difference then EMA) gives sum h^2 = 2/(2 - alpha) instead, so std = (sigma/dt) alpha sqrt(2/(2 - alpha)).",
                "The differences are not white (consecutive ones share a reading), so I cannot just use the white-noise EMA formula. Sum the squared impulse response of difference-then-EMA: h_0 = 1, h_k = -alpha (1 - alpha)^(k-1), so sum h^2 = 2/(2 - alpha) and std = (sigma/dt) alpha sqrt(2/(2 - alpha)).")
                + " That is " + SMP + " K/s, a reduction by the factor alpha/sqrt(2 - alpha) = " + RATIO + ". Filtering the record with the same smoothing gives " + SMM + " K/s.");
        b.think("For a target of " + GOAL + " K/s, solve (sigma/dt) alpha sqrt(2/(2 - alpha)) = " + GOAL + " for alpha: alpha = " + NEEDA + ", i.e. a smoothing time of dt/alpha = " + NEED + " s. The price is lag: the smoothed derivative responds with a time constant of about that length, so the D term reacts later to a real disturbance.");
        b.controlProblem("Given white temperature noise sigma = " + SIG + " K sampled every " + DT + " s, find the noise of a finite-difference derivative, its reduction by exponential smoothing with time " + TS + " s, and the smoothing time that meets " + GOAL + " K/s.");
        b.context("- Hardware limitations: the ADC's resolution and noise set sigma; near room temperature a thermistor is most sensitive, so at working temperature the same ADC noise is larger in kelvin.\n"
                + "- Real-time requirements: readings arrive every " + DT + " s, so the derivative can never be formed faster than that, and every second of smoothing is a second of added lag in the D path.\n"
                + "- Safety requirements: a noisy derivative makes the heater output chatter; the output must stay bounded to [0, 1] whatever the derivative does.");
        b.analysis("Step 1: Noise. sigma = " + SIG + " K over " + N + " samples (mean " + MEAN + " °C).\n\n"
                + "Step 2: Raw derivative. sqrt(2) sigma/dt = " + RAWP + " K/s (record: " + RAWM + " K/s).\n\n"
                + "Step 3: Smoothing factor. alpha = dt/" + TS + " = " + A + "; reduction alpha/sqrt(2 - alpha) = " + RATIO + ".\n\n"
                + "Step 4: Smoothed derivative. (sigma/dt) alpha sqrt(2/(2 - alpha)) = " + SMP + " K/s (record filtered: " + SMM + " K/s).\n\n"
                + "Step 5: Smoothing for " + GOAL + " K/s. alpha = " + NEEDA + ", smoothing time " + NEED + " s.");
        String code = """
                /// Exponentially smoothed derivative of a sampled temperature.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct SmoothedDerivative {
                    smooth_s: f64,
                    prev_c: Option<f64>,
                    deriv: f64,
                }

                impl SmoothedDerivative {
                    pub fn new(smooth_s: f64) -> Option<Self> {
                        if smooth_s > 0.0 { Some(SmoothedDerivative { smooth_s, prev_c: None, deriv: 0.0 }) } else { None }
                    }

                    /// Feeds one reading taken dt_s after the previous one; returns the smoothed derivative (K/s).
                    pub fn update(&mut self, temp_c: f64, dt_s: f64) -> f64 {
                        if let Some(p) = self.prev_c {
                            if dt_s > 0.0 {
                                let d = (temp_c - p) / dt_s;
                                self.deriv = if dt_s >= self.smooth_s {
                                    d
                                } else {
                                    (self.deriv * (self.smooth_s - dt_s) + d * dt_s) / self.smooth_s
                                };
                            }
                        }
                        self.prev_c = Some(temp_c);
                        self.deriv
                    }
                }

                /// Predicted std of the smoothed derivative for white noise sigma sampled every dt_s.
                pub fn smoothed_std(sigma_k: f64, dt_s: f64, smooth_s: f64) -> f64 {
                    let a = (dt_s / smooth_s).min(1.0);
                    sigma_k / dt_s * a * (2.0 / (2.0 - a)).sqrt()
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_noise() {
                        let raw = f64::sqrt(2.0) * %SIG / %DT;
                        assert!((raw - %RAWP).abs() / %RAWP < 0.01);
                        assert!((smoothed_std(%SIG, %DT, %TS) - %SMP).abs() / %SMP < 0.01);
                        assert!((smoothed_std(%SIG, %DT, %NEED) - %GOAL).abs() / %GOAL < 0.01);
                    }

                    #[test]
                    fn constant_reading_has_zero_derivative() {
                        let mut f = SmoothedDerivative::new(%TS).unwrap();
                        for _ in 0..10 {
                            f.update(%MEAN, %DT);
                        }
                        assert_eq!(f.update(%MEAN, %DT), 0.0);
                    }
                }
                """.replace("%SIG", EntryBuilder.rustF64(SIG)).replace("%DT", DT).replace("%RAWP", EntryBuilder.rustF64(RAWP)).replace("%TS", TS).replace("%SMP", EntryBuilder.rustF64(SMP)).replace("%NEED", NEED).replace("%GOAL", GOAL).replace("%MEAN", MEAN);
        b.rust("The filter owns its state (the previous reading and the running derivative), so only one control loop can advance it at a time; the first reading yields no derivative instead of a spike from an invented previous value.",
                code,
                "The smoothing formula is the same recursion the controller runs, so the predicted noise and the runtime filter cannot drift apart.");
        b.safety("Smoothing only lowers the derivative's noise; it never adds gain, so the controller's output bound is untouched. The cost is phase lag: a smoothing time of " + NEED
                + " s delays the D term's reaction to a real disturbance by about that much, which on a heater with tens of seconds of time constant is acceptable, while the raw " + RAWP + " K/s noise times the D gain would make the output chatter.");
        b.edgeCases("- If the sample period ever exceeds the smoothing time, the recursion would extrapolate; the controller then uses the raw difference, which the code mirrors with the dt >= smoothing-time branch.\n"
                + "- Quantised readings are not Gaussian; with noise of a fraction of an ADC step, sigma can collapse to zero over a quiet stretch and the derivative shows rare single-step spikes instead.\n"
                + "- A missing reading (longer dt) halves the raw derivative noise but must not be mistaken for a real slope change.");
        b.alternatives("Differentiating a smoothed temperature (filter first) instead of smoothing the difference gives the same steady noise for a first-order filter but a different transient. "
                + "A least-squares slope over a sliding window of m readings cuts the noise roughly with m^1.5 at a lag of half the window. "
                + "Oversampling the ADC (more samples per report) reduces sigma itself, which helps every term, not just D.");
        switch (ask) {
            case "raw" -> b.answer("K/s", 0.01, "raw_pred");
            case "smoothed" -> b.answer("K/s", 0.01, "sm_pred");
            default -> b.answer("s", 0.01, "need_ts");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        String heater = ref.label("heater");
        double ts = trace.setting("heater." + heater + ".smooth_time_s"), goal = ref.param("goal");
        List<double[]> rows = new ArrayList<>();
        for (TraceRecord.Thermal r : trace.hostReadings(ref.records(), heater)) rows.add(new double[] {r.timeS(), r.temperatureC()});
        int n = rows.size();
        double s1 = 0, s2 = 0;
        for (double[] x : rows) {
            s1 += x[1];
            s2 += x[1] * x[1];
        }
        double mean = s1 / n, sigma = Math.sqrt((s2 - n * mean * mean) / (n - 1));
        double dt = (rows.get(n - 1)[0] - rows.get(0)[0]) / (n - 1);
        // Differences and their filtered form y += a (d - y), a = h/ts.
        double d1 = 0, d2 = 0, f1 = 0, f2 = 0, y = 0;
        int nf = 0;
        for (int i = 1; i < n; i++) {
            double h = rows.get(i)[0] - rows.get(i - 1)[0], d = (rows.get(i)[1] - rows.get(i - 1)[1]) / h;
            d1 += d;
            d2 += d * d;
            double a = Math.min(1, h / ts);
            y += a * (d - y);
            if (i > 20) {
                f1 += y;
                f2 += y * y;
                nf++;
            }
        }
        double m = n - 1;
        double rawMeas = Math.sqrt((d2 - d1 * d1 / m) / (m - 1)), smMeas = Math.sqrt((f2 - f1 * f1 / nf) / (nf - 1));
        double alpha = dt / ts;
        // Sum of the squared impulse response of difference-then-EMA, term by term.
        double sum = 1, term = alpha * alpha;
        for (int k = 1; k < 100000 && term > 1e-18; k++) {
            sum += term;
            term *= (1 - alpha) * (1 - alpha);
        }
        double smPred = sigma / dt * alpha * Math.sqrt(sum);
        double q2 = Math.pow(goal * dt / sigma, 2) / 2;
        double needAlpha = (-q2 + Math.sqrt(q2 * q2 + 8 * q2)) / 2;
        Map<String, Double> r = new HashMap<>();
        r.put("n", (double) n);
        r.put("dt", dt);
        r.put("mean", mean);
        r.put("sigma", sigma);
        r.put("smooth", ts);
        r.put("alpha", alpha);
        r.put("goal", goal);
        r.put("raw_pred", Math.sqrt(2 * sigma * sigma) / dt);
        r.put("raw_meas", rawMeas);
        r.put("sm_pred", smPred);
        r.put("sm_meas", smMeas);
        r.put("ratio", smPred / (Math.sqrt(2) * sigma / dt));
        r.put("need_alpha", needAlpha);
        r.put("need_ts", dt / needAlpha);
        return r;
    }
}
