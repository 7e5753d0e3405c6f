package org.steptrace.extract.families.realtime;

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
 * Predicting the MCU clock at a later clock-sync sample from a least-squares line through earlier
 * samples, against the clock the MCU actually reported: the error in ticks and microseconds, and
 * the same prediction from the nominal frequency alone.
 */
public final class ClockOffsetPrediction implements Family {
    private static final String[] ASKS = {"ticks", "micros", "nominal"};
    private static final int[] AHEAD = {1, 3, 2, 5};

    @Override
    public String id() {
        return "clock-offset-prediction";
    }

    @Override
    public Category category() {
        return Category.REAL_TIME;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        if (!(trace.clockHz() > 0)) return out;
        List<TraceView.At<TraceRecord.ClockSync>> all = new ArrayList<>();
        for (TraceView.At<TraceRecord.ClockSync> at : trace.all(TraceRecord.ClockSync.class)) {
            if (at.record().sentTimeS() > 0) all.add(at);
        }
        for (int k = 0; k < 6; k++) {
            int w = 6 + k % 3, ahead = AHEAD[k % AHEAD.length];
            int need = w + ahead;
            if (all.size() < need + 1) break;
            int start = 1 + (int) Math.round((double) k * (all.size() - need - 1) / 5.0);
            if (start + need > all.size()) continue;
            List<TraceView.At<TraceRecord.ClockSync>> win = all.subList(start, start + w);
            TraceView.At<TraceRecord.ClockSync> later = all.get(start + need - 1);
            if (win.get(w - 1).record().sentTimeS() - win.get(0).record().sentTimeS() <= 0) continue;
            // Skip a window that lies exactly on the nominal line, later sample included: nothing to predict.
            double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
            for (int i = start; i < start + need; i++) {
                TraceRecord.ClockSync cs = all.get(i).record();
                double res = cs.mcuClock() - trace.clockHz() * cs.sentTimeS();
                lo = Math.min(lo, res);
                hi = Math.max(hi, res);
            }
            if (hi - lo < 0.05) continue;
            Map<String, Double> obs = new HashMap<>();
            for (int i = 0; i < w; i++) {
                obs.put("t" + (i + 1), win.get(i).record().sentTimeS());
                obs.put("c" + (i + 1), (double) win.get(i).record().mcuClock());
            }
            obs.put("tp", later.record().sentTimeS());
            obs.put("cp", (double) later.record().mcuClock());
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[k % ASKS.length]);
            labels.put("scenario", H5Scenario.kind(trace));
            labels.put("fit_lines", win.get(0).line() + "-" + win.get(w - 1).line());
            out.add(new Finding(new RecordRange(win.get(0).line(), later.line()), labels, Map.of("fit_n", (double) w), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double fn = trace.clockHz();
        int n = (int) f.param("fit_n");
        double[] t = new double[n], c = new double[n];
        SimpleRegression reg = new SimpleRegression(true);
        for (int i = 0; i < n; i++) {
            t[i] = f.observed("t" + (i + 1));
            c[i] = f.observed("c" + (i + 1));
            reg.addData(t[i], c[i] - fn * t[i]);
        }
        double tp = f.observed("tp"), cp = f.observed("cp");
        double slopeHz = reg.getSlope();
        double offset = reg.predict(tp);
        double pred = fn * tp + offset;
        double err = cp - pred;
        double errUs = err / fn * 1e6;
        double horizon = tp - t[n - 1];
        double predNom = c[n - 1] + fn * horizon;
        double errNom = cp - predNom;
        double errNomUs = errNom / fn * 1e6;
        String ask = f.label("ask");
        String kind = f.label("scenario");

        String FN = b.q("f_nominal", fn, 0, "Hz");
        String N = b.wholeNumber("n", n, "samples");
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < n; i++) {
            table.append("- t = ").append(b.q("t" + (i + 1), t[i], 10, "s")).append(" s, clock = ")
                    .append(b.count("c" + (i + 1), (long) c[i], "ticks")).append("\n");
        }
        String TP = b.q("tp", tp, 10, "s"), CP = b.count("cp", (long) cp, "ticks");
        String H = b.q("horizon", horizon, 4, "s");
        String SL = b.q("drift_hz", slopeHz, 4, "Hz", 1e-4);
        String OFF = b.q("offset_at_tp", offset, 3, "ticks", 1e-6);
        String PRED = b.q("pred", pred, 2, "ticks");
        String ERR = b.q("err_ticks", err, 3, "ticks", 1e-4);
        String ERRUS = b.q("err_us", errUs, 5, "us", 1e-4);
        String PN = b.q("pred_nominal", predNom, 1, "ticks");
        String EN = b.q("err_nominal", errNom, 3, "ticks", 1e-6);
        String ENUS = b.q("err_nominal_us", errNomUs, 5, "us", 1e-4);
        String TICKNS = b.sig("tick_ns", 1e9 / fn, 4, "ns");

        String intro = b.pick(
                "A host keeps a linear model of its MCU's clock (nominal " + FN + " Hz) from periodic clock queries. It has these " + N
                        + " samples, taken " + H5Scenario.doing(kind) + ":\n",
                "Clock samples (host time when the query finished transmitting, and the MCU tick count it returned) from "
                        + H5Scenario.boardWords(trace) + " with a nominal " + FN + " Hz oscillator, recorded " + H5Scenario.doing(kind) + ":\n",
                "The following " + N + " host-time/MCU-clock pairs were logged " + H5Scenario.doing(kind) + "; the controller's clock is nominally " + FN + " Hz:\n");
        String later = b.pick(
                "A later query finished transmitting at t = " + TP + " s and the MCU answered clock = " + CP + ".",
                "The next sample used for checking came at t = " + TP + " s, when the MCU reported " + CP + " ticks.",
                "At host time " + TP + " s the MCU's clock was read again: " + CP + " ticks.");
        String question = switch (ask) {
            case "ticks" -> b.pick(" Fit a least-squares line to the samples, predict the clock at the later time and give the prediction error in ticks.",
                    " Using an ordinary least-squares fit of the listed samples, how many ticks off is the predicted clock at the later time?");
            case "micros" -> b.pick(" How large, in microseconds, is the error of a least-squares extrapolation to the later sample?",
                    " Extrapolate a least-squares clock line to the later host time and express the miss in microseconds of MCU time.");
            default -> b.pick(" Compare two predictions of the later clock, from the least-squares line and from the last sample plus the nominal frequency, and give both errors in ticks.",
                    " Would simply adding nominal-frequency ticks to the last sample predict the later clock as well as a least-squares line? Give both errors in ticks.");
        };
        b.problem(intro + table + later + question);

        b.think("First, let me understand what's happening physically. The host cannot read the MCU's counter directly when it schedules an event; it needs a model clock(t) = a + f t fitted from past answers, and then it extrapolates. "
                + "The question is how good that extrapolation is " + H + " s past the last sample.");
        b.think("To keep the arithmetic well conditioned I'll fit the residual y = clock - f_nom t instead of the raw clock: y is small, and its slope is the frequency error. "
                + "Least squares over the " + N + " samples gives a slope of " + SL + " Hz, i.e. the crystal is running " + SL + " ticks per second off nominal.");
        b.think("Predicted residual at t_p = " + TP + " s: " + OFF + " ticks. So the predicted clock is f_nom t_p + y(t_p) = " + PRED
                + ". Wait, let me make sure I used the later time and not the last fitted time: the horizon is t_p - t_last = " + H
                + " s, and the nominal part alone advances by f_nom times that, which is what moves the prediction. Yes, t_p was used.");
        b.think("Observed " + CP + " minus predicted " + PRED + " gives an error of " + ERR + " ticks. One tick is " + TICKNS + " ns, so that is " + ERRUS
                + " us. For comparison, the nominal-only prediction from the last sample is " + PN + " ticks, off by " + EN + " ticks (" + ENUS
                + " us). Both errors are at the level of the counter's own one-tick quantisation, which says the oscillator is effectively on its nominal frequency here.");

        b.controlProblem("From " + N + " earlier clock samples of a " + FN + " Hz MCU, predict its clock at host time " + TP
                + " s by a least-squares line and compare with the observed " + CP + " ticks; compare with a nominal-frequency prediction from the last sample.");
        b.context("- Hardware limitations: the MCU clock is an integer counter, so any sample is uncertain by about one tick (" + TICKNS + " ns); the host's timestamps carry serial-transmission jitter.\n"
                + "- Real-time requirements: every scheduled step and heater event is converted to an MCU clock through this model, typically tenths of a second to seconds ahead, so the extrapolation error must stay far below the timing tolerance of those events.\n"
                + "- Safety requirements: a prediction that runs ahead of the true clock could schedule an event the MCU sees as already past; the model should be checked against each new sample and outliers rejected.");
        b.analysis("Step 1: Residuals y_i = c_i - f_nom t_i; least-squares slope " + SL + " Hz.\n\n"
                + "Step 2: Extrapolate " + H + " s past the last sample: y(t_p) = " + OFF + " ticks, clock_hat = f_nom t_p + y(t_p) = " + PRED + ".\n\n"
                + "Step 3: Error = " + CP + " - " + PRED + " = " + ERR + " ticks = " + ERRUS + " us.\n\n"
                + "Step 4: Nominal-only check: c_last + f_nom (t_p - t_last) = " + PN + ", error " + EN + " ticks = " + ENUS + " us.");
        StringBuilder ts = new StringBuilder(), cs = new StringBuilder();
        for (int i = 0; i < n; i++) {
            ts.append(i == 0 ? "" : ", ").append(b.text("t" + (i + 1)));
            cs.append(i == 0 ? "" : ", ").append(b.text("c" + (i + 1))).append(".0");
        }
        b.rust("A small model type owns its fitted parameters and can only be built through a fallible constructor, so no caller can extrapolate from a degenerate fit.",
                """
                #[derive(Debug, PartialEq)]
                pub enum ModelError {
                    NeedTwoDistinctTimes,
                }

                /// clock(t) = nominal * t + offset + drift * (t - t_mean)
                #[derive(Debug, Clone, Copy)]
                pub struct ClockModel {
                    nominal: f64,
                    t_mean: f64,
                    offset: f64,
                    drift: f64,
                }

                impl ClockModel {
                    pub fn fit(t: &[f64], clock: &[f64], nominal: f64) -> Result<ClockModel, ModelError> {
                        let n = t.len().min(clock.len());
                        if n < 2 {
                            return Err(ModelError::NeedTwoDistinctTimes);
                        }
                        let t_mean = t[..n].iter().sum::<f64>() / n as f64;
                        let y: Vec<f64> = (0..n).map(|i| clock[i] - nominal * t[i]).collect();
                        let y_mean = y.iter().sum::<f64>() / n as f64;
                        let (mut stt, mut sty) = (0.0, 0.0);
                        for i in 0..n {
                            stt += (t[i] - t_mean) * (t[i] - t_mean);
                            sty += (t[i] - t_mean) * (y[i] - y_mean);
                        }
                        if stt == 0.0 {
                            return Err(ModelError::NeedTwoDistinctTimes);
                        }
                        Ok(ClockModel { nominal, t_mean, offset: y_mean, drift: sty / stt })
                    }

                    pub fn predict(&self, t: f64) -> f64 {
                        self.nominal * t + self.offset + self.drift * (t - self.t_mean)
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn later_sample_error() {
                        let t = [%TS];
                        let c = [%CS];
                        let m = ClockModel::fit(&t, &c, %FN.0).unwrap();
                        let predicted = m.predict(%TP);
                        assert!((predicted - %PRED).abs() < 0.1);
                        assert!((%CP.0 - predicted - %ERR).abs() < 0.1);
                    }

                    #[test]
                    fn one_sample_is_not_a_model() {
                        assert!(ClockModel::fit(&[1.0], &[5.0], 1.0).is_err());
                    }
                }
                """.replace("%TS", ts).replace("%CS", cs).replace("%FN", FN).replace("%CP", CP).replace("%TP", TP).replace("%PRED", PRED)
                        .replace("%ERR", ERR.startsWith("-") ? "(" + ERR + ")" : ERR),
                "The fields are private: the only way to get a ClockModel is fit(), so every prediction comes from a model that passed the degenerate-input check.");
        b.safety("The extrapolation error here, " + ERR + " ticks, is a tiny fraction of a microsecond, while motion is scheduled a large fraction of a second ahead, so the model cannot place an event in the MCU's past. "
                + "The bound grows linearly with the horizon: a frequency error of e ppm costs e microseconds per second of extrapolation, which is why the host keeps refreshing the fit about once a second and subtracts a few standard deviations of prediction error when it needs a conservative clock.");
        b.edgeCases("- A sample whose query was retransmitted has no trustworthy send time; fitting it would bias the offset by a whole round trip.\n"
                + "- Extrapolating far beyond the window (minutes instead of about a second) multiplies any slope error; the model must be refreshed, not trusted indefinitely.\n"
                + "- After a 32-bit counter wrap the raw readings jump down; they must be extended to 64 bits before fitting.\n"
                + "- A prediction error many times the usual scatter is an outlier (a delayed reply, a host stall) and should reset the variance estimate rather than bend the line.");
        b.alternatives("The nominal-only predictor needs no state, and here it errs by " + EN + " ticks, comparable to the fit; it fails as soon as the crystal drifts by a few ppm or the temperature changes. "
                + "The least-squares line tracks drift but weights old and new samples equally; an exponentially weighted fit follows slow drift better. "
                + "A Kalman filter on offset and frequency would also yield a principled prediction variance, at more complexity than this job needs.");
        switch (ask) {
            case "ticks" -> b.answer("ticks", 0.5, "err_ticks");
            case "micros" -> b.answer("us", 0.5e6 / fn, "err_us");
            default -> b.answer("ticks", 0.5, "err_ticks", "err_nominal");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> out = new HashMap<>();
        double f0 = trace.header().clockFreqHz();
        int n = (int) ref.param("fit_n");
        List<TraceRecord.ClockSync> s = new ArrayList<>();
        for (TraceView.At<TraceRecord.ClockSync> at : trace.within(ref.records(), TraceRecord.ClockSync.class)) {
            if (at.record().sentTimeS() > 0) s.add(at.record());
        }
        TraceRecord.ClockSync last = s.get(s.size() - 1);
        out.put("f_nominal", f0);
        out.put("n", (double) n);
        for (int i = 0; i < n; i++) {
            out.put("t" + (i + 1), s.get(i).sentTimeS());
            out.put("c" + (i + 1), (double) s.get(i).mcuClock());
        }
        double tp = last.sentTimeS(), cp = last.mcuClock();
        out.put("tp", tp);
        out.put("cp", cp);
        // Cramer's rule on the clock itself, time measured from the later sample (u = t - tp), clock from cp.
        double a = 0, bsum = 0, cc = 0, d = 0;
        for (int i = 0; i < n; i++) {
            double u = s.get(i).sentTimeS() - tp;
            double v = s.get(i).mcuClock() - cp;
            a += u * u;
            bsum += u;
            cc += u * v;
            d += v;
        }
        double det = a * n - bsum * bsum;
        double slope = (n * cc - bsum * d) / det;
        double intercept = (a * d - bsum * cc) / det; // predicted (clock - cp) at u = 0
        double err = -intercept;
        out.put("horizon", tp - s.get(n - 1).sentTimeS());
        out.put("drift_hz", slope - f0);
        out.put("pred", cp + intercept);
        out.put("offset_at_tp", cp + intercept - f0 * tp);
        out.put("err_ticks", err);
        out.put("err_us", err / f0 * 1e6);
        double pn = s.get(n - 1).mcuClock() + f0 * (tp - s.get(n - 1).sentTimeS());
        out.put("pred_nominal", pn);
        out.put("err_nominal", cp - pn);
        out.put("err_nominal_us", (cp - pn) / f0 * 1e6);
        out.put("tick_ns", 1e9 / f0);
        return out;
    }
}
