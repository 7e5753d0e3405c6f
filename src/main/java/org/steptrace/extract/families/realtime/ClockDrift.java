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
 * Least-squares line of the MCU clock against host time over a window of clock-sync samples: the
 * fitted frequency, its drift from the nominal frequency in ppm, the residual scatter and the
 * slope's standard error, next to the host's own running estimate recorded in the trace.
 */
public final class ClockDrift implements Family {
    private static final String[] ASKS = {"drift", "frequency", "significance"};
    private static final int MAX_FINDINGS = 6;

    @Override
    public String id() {
        return "clock-drift-regression";
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
        if (all.size() < 8) return out;
        for (int k = 0; k < MAX_FINDINGS; k++) {
            int w = 8 + k % 4;
            if (w > all.size()) w = all.size();
            int start = (int) Math.round((double) k * (all.size() - w) / (MAX_FINDINGS - 1));
            if (start + w > all.size()) continue;
            List<TraceView.At<TraceRecord.ClockSync>> win = all.subList(start, start + w);
            double span = win.get(w - 1).record().sentTimeS() - win.get(0).record().sentTimeS();
            if (span <= 0) continue;
            SimpleRegression check = new SimpleRegression(true);
            double fn0 = trace.clockHz();
            for (TraceView.At<TraceRecord.ClockSync> at : win) {
                check.addData(at.record().sentTimeS(), at.record().mcuClock() - fn0 * at.record().sentTimeS());
            }
            double rmsCheck = Math.sqrt(check.getSumSquaredErrors() / (w - 2));
            if (!(rmsCheck > 0.05) || !Double.isFinite(rmsCheck)) continue; // an exact line: nothing to estimate
            Map<String, Double> obs = new HashMap<>();
            for (int i = 0; i < w; i++) {
                obs.put("t" + (i + 1), win.get(i).record().sentTimeS());
                obs.put("c" + (i + 1), (double) win.get(i).record().mcuClock());
            }
            obs.put("host_freq", win.get(w - 1).record().frequencyHz());
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[k % ASKS.length]);
            labels.put("scenario", H5Scenario.kind(trace));
            labels.put("board", H5Scenario.board(trace));
            out.add(new Finding(new RecordRange(win.get(0).line(), win.get(w - 1).line()), labels, Map.of(), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double fn = trace.clockHz();
        int n = 0;
        while (f.observed().containsKey("t" + (n + 1))) n++;
        double[] t = new double[n], c = new double[n], r = new double[n];
        SimpleRegression reg = new SimpleRegression(true);
        for (int i = 0; i < n; i++) {
            t[i] = f.observed("t" + (i + 1));
            c[i] = f.observed("c" + (i + 1));
            r[i] = c[i] - fn * t[i];
            reg.addData(t[i], r[i]);
        }
        double dHz = reg.getSlope();
        double slope = fn + dHz;
        double ppm = dHz / fn * 1e6;
        double tbar = 0, rbar = 0;
        for (int i = 0; i < n; i++) {
            tbar += t[i] / n;
            rbar += r[i] / n;
        }
        double sxx = reg.getXSumSquares();
        double sse = reg.getSumSquaredErrors();
        double rms = Math.sqrt(sse / (n - 2));
        double seHz = reg.getSlopeStdErr();
        double sePpm = seHz / fn * 1e6;
        double hostFreq = f.observed("host_freq");
        double hostPpm = (hostFreq - fn) / fn * 1e6;
        double span = t[n - 1] - t[0];
        double sxr = dHz * sxx;
        String ask = f.label("ask");

        String FN = b.q("f_nominal", fn, 0, "Hz");
        String N = b.wholeNumber("n", n, "samples");
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < n; i++) {
            table.append("- sample ").append(i + 1).append(": t = ").append(b.q("t" + (i + 1), t[i], 10, "s"))
                    .append(" s, clock = ").append(b.count("c" + (i + 1), (long) c[i], "ticks")).append("\n");
        }
        String SPAN = b.q("span", span, 4, "s");
        String TB = b.q("t_bar", tbar, 6, "s");
        String RB = b.q("r_bar", rbar, 3, "ticks", 1e-6);
        String SXX = b.sig("sxx", sxx, 6, "s^2", 1e-6);
        String SXR = b.sig("sxr", sxr, 4, "tick s", 1e-3);
        String DHZ = b.sig("drift_hz", dHz, 3, "Hz", 1e-3);
        String FFIT = b.q("f_fit", slope, 3, "Hz");
        String PPM = b.sig("drift_ppm", ppm, 3, "ppm", 1e-3);
        String RMS = b.sig("rms", rms, 3, "ticks", 1e-4);
        String SE = b.sig("se_ppm", sePpm, 3, "ppm", 1e-3);
        String HF = b.q("host_freq", hostFreq, 3, "Hz");
        String HP = b.sig("host_ppm", hostPpm, 3, "ppm", 1e-3);
        String RATIO = b.q("ratio", Math.abs(ppm) / sePpm, 3, "", 1e-3);
        boolean significant = Math.abs(ppm) > 2 * sePpm;
        String kind = f.label("scenario");

        String intro = b.pick(
                "A host talks to " + H5Scenario.boardWords(trace) + " whose crystal is nominally " + FN + " Hz. "
                        + "It keeps its estimate of the MCU clock by asking for the clock periodically; " + N + " consecutive answers "
                        + H5Scenario.doing(kind) + " were:\n",
                "The following " + N + " clock samples pair a host timestamp (when the request finished transmitting) with the 64-bit MCU tick count it returned. "
                        + "The MCU is " + H5Scenario.boardWords(trace) + " with a nominal clock of " + FN + " Hz, and the samples were taken "
                        + H5Scenario.doing(kind) + ".\n",
                "Clock synchronisation log, " + N + " samples (host time t in seconds, MCU clock in ticks), recorded "
                        + H5Scenario.doing(kind) + " on " + H5Scenario.boardWords(trace) + " rated at " + FN + " Hz:\n");
        String hostNote = b.pick(
                "After the last sample the host's exponentially weighted estimator reported " + HF + " Hz.",
                "For comparison, the host's running (decaying-average) estimate after the last sample was " + HF + " Hz.",
                "The host's own filtered frequency estimate at the end of the window stood at " + HF + " Hz.");
        String question = switch (ask) {
            case "drift" -> b.pick(
                    " Fit the MCU clock against host time by ordinary least squares and express the crystal's deviation from nominal in parts per million.",
                    " By how many ppm does the MCU oscillator deviate from its nominal frequency, according to a least-squares line through these samples?");
            case "frequency" -> b.pick(
                    " What MCU frequency (Hz) does a least-squares fit of clock against host time give, and how does it compare with the host's estimate?",
                    " Estimate the true tick rate of the MCU in Hz with a least-squares regression and state its drift from nominal.");
            default -> b.pick(
                    " Compute the least-squares drift in ppm and its standard error, and decide whether the crystal measurably deviates from nominal.",
                    " Is the observed drift from nominal statistically meaningful? Give the least-squares drift in ppm and the standard error of the slope.");
        };
        b.problem(intro + table + hostNote + question);

        b.think("First, let me understand what's happening physically. Each sample says: at host time t_i the MCU's counter read c_i. If the MCU crystal runs at f ticks per host second, the points lie on a line c = c_0 + f t, and the slope of that line is the frequency. "
                + "The window covers " + SPAN + " s of host time with " + N + " samples.");
        b.think("My first instinct is to regress c on t directly. But the slope will be about " + FN
                + " and the interesting part, the drift, sits many significant figures down; subtracting two nearly equal large numbers at the end throws the answer away. "
                + "Better: remove the nominal line first. Define the residual r_i = c_i - f_nom t_i. Then r = a + (f - f_nom) t, and the slope of r against t is the drift in Hz directly. Same line, better conditioned numbers.");
        b.think("The residuals hover around a mean of r_bar = " + RB + " ticks (that is just the offset between the two clocks' zeros). The mean time is t_bar = " + TB
                + " s. Sums about the means: S_tt = sum (t_i - t_bar)^2 = " + SXX + " s^2, and S_tr = sum (t_i - t_bar)(r_i - r_bar) = " + SXR
                + " tick s. Slope: S_tr / S_tt = " + DHZ + " Hz. So the fitted frequency is " + FN + " + (" + DHZ + ") = " + FFIT + " Hz.");
        b.think("Drift in ppm = (f_fit - f_nom)/f_nom x 1e6 = " + DHZ + " / " + FN + " x 1e6 = " + PPM
                + " ppm. Unit check: Hz over Hz is dimensionless, times 1e6 gives ppm. Good.");
        b.think("Is that real? The counter is an integer, so each sample carries quantisation of up to one tick. The scatter of the points about the fitted line is s = sqrt(SSE/(n-2)) = " + RMS
                + " ticks, and the slope's standard error is s/sqrt(S_tt), which in ppm is " + SE + " ppm. The drift is " + RATIO + " standard errors from zero, so "
                + (significant ? "it is a measurable deviation of the crystal." : "it is not distinguishable from zero: this oscillator runs at its nominal rate within what the window can resolve.")
                + " The host's own estimate, " + HF + " Hz, corresponds to " + HP + " ppm, "
                + "and it is a decaying average over many more samples, so a small disagreement with a " + N + "-sample window is expected.");

        b.controlProblem("Given " + N + " pairs (t_i, c_i) of host time and MCU clock from a " + FN
                + " Hz controller, estimate the MCU frequency by least squares, its drift from nominal in ppm, and the uncertainty of that drift.");
        b.context("- Hardware limitations: the MCU counter is an integer tick count at a nominal " + FN
                + " Hz, so each sample is quantised to one tick; typical crystals are specified to tens of ppm.\n"
                + "- Real-time requirements: the host converts every scheduled event time to an MCU clock through this frequency estimate; an error of d ppm misplaces an event by d microseconds per second of look-ahead.\n"
                + "- Safety requirements: a wrong frequency must never push a scheduled event into the MCU's past; the estimate should be conservative and rejected outliers must not corrupt it.");
        b.analysis("Step 1: Remove the nominal line. r_i = c_i - f_nom t_i, mean r_bar = " + RB + " ticks, mean t_bar = " + TB + " s.\n\n"
                + "Step 2: Least squares. S_tt = " + SXX + " s^2, S_tr = " + SXR + " tick s, drift slope = S_tr/S_tt = " + DHZ + " Hz, so f_fit = " + FFIT + " Hz.\n\n"
                + "Step 3: Drift. (f_fit - f_nom)/f_nom x 1e6 = " + PPM + " ppm.\n\n"
                + "Step 4: Uncertainty. Residual scatter s = " + RMS + " ticks; standard error of the drift = " + SE + " ppm; |drift| / SE = " + RATIO + ".\n\n"
                + "Step 5: Cross-check. The host's decaying-average estimate " + HF + " Hz is " + HP + " ppm from nominal.");
        StringBuilder ts = new StringBuilder(), cs = new StringBuilder();
        for (int i = 0; i < n; i++) {
            ts.append(i == 0 ? "" : ", ").append(b.text("t" + (i + 1)));
            cs.append(i == 0 ? "" : ", ").append(b.text("c" + (i + 1))).append(".0");
        }
        b.rust("The fit takes borrowed slices and returns a Result, so mismatched or too-short inputs are an error value instead of a panic; frequencies are wrapped in a newtype so a drift in Hz cannot be mixed up with one in ppm.",
                """
                /// A frequency in Hz.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Hertz(pub f64);

                #[derive(Debug, PartialEq)]
                pub enum FitError {
                    TooFewSamples,
                    LengthMismatch,
                    NoTimeSpread,
                }

                #[derive(Debug, Clone, Copy)]
                pub struct ClockFit {
                    pub freq: Hertz,
                    pub drift_ppm: f64,
                    pub stderr_ppm: f64,
                }

                /// Least squares of (clock - nominal * t) against t: the slope is the drift in Hz.
                pub fn fit_clock(t: &[f64], clock: &[f64], nominal: Hertz) -> Result<ClockFit, FitError> {
                    if t.len() != clock.len() {
                        return Err(FitError::LengthMismatch);
                    }
                    let n = t.len();
                    if n < 3 {
                        return Err(FitError::TooFewSamples);
                    }
                    let r: Vec<f64> = t.iter().zip(clock).map(|(ti, ci)| ci - nominal.0 * ti).collect();
                    let tbar = t.iter().sum::<f64>() / n as f64;
                    let rbar = r.iter().sum::<f64>() / n as f64;
                    let mut stt = 0.0;
                    let mut str_ = 0.0;
                    for i in 0..n {
                        stt += (t[i] - tbar) * (t[i] - tbar);
                        str_ += (t[i] - tbar) * (r[i] - rbar);
                    }
                    if stt <= 0.0 {
                        return Err(FitError::NoTimeSpread);
                    }
                    let slope = str_ / stt;
                    let mut sse = 0.0;
                    for i in 0..n {
                        let e = r[i] - rbar - slope * (t[i] - tbar);
                        sse += e * e;
                    }
                    let s = (sse / (n as f64 - 2.0)).sqrt();
                    Ok(ClockFit {
                        freq: Hertz(nominal.0 + slope),
                        drift_ppm: slope / nominal.0 * 1e6,
                        stderr_ppm: s / stt.sqrt() / nominal.0 * 1e6,
                    })
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_window() {
                        let t = [%TS];
                        let c = [%CS];
                        let fit = fit_clock(&t, &c, Hertz(%FN.0)).unwrap();
                        let se_ppm: f64 = %SE;
                        assert!((fit.freq.0 - %FFIT).abs() < 0.1 * se_ppm * %FN.0 / 1e6 + 1e-3);
                        assert!((fit.drift_ppm - %PPM).abs() < 0.1 * se_ppm);
                        assert!((fit.stderr_ppm - se_ppm).abs() < 0.1 * se_ppm);
                    }

                    #[test]
                    fn rejects_short_input() {
                        assert_eq!(fit_clock(&[1.0], &[2.0], Hertz(1.0)).unwrap_err(), FitError::TooFewSamples);
                    }
                }
                """.replace("%TS", ts).replace("%CS", cs).replace("%FN", FN).replace("%FFIT", FFIT)
                        .replace("%PPM", PPM.startsWith("-") ? "(" + PPM + ")" : PPM).replace("%SE", EntryBuilder.rustF64(SE)),
                "Centring on the means inside the function is the numerical point of the exercise: the same algebra on raw clock values would multiply clock values beyond 1e9 by each other and lose the drift entirely in f64.");
        b.safety("The estimate is only used if the fit is well posed: at least three samples and a non-zero time spread (S_tt = " + SXX
                + " s^2 here). With s = " + RMS + " ticks of scatter, the predicted clock one second past the window is uncertain by roughly " + SE
                + " ppm of a second plus the offset uncertainty, far below the millisecond-scale lead with which motion is scheduled, so events cannot land in the MCU's past because of the frequency estimate. "
                + "A scheduler should still add a margin of a few standard deviations when converting host time to a clock.");
        b.edgeCases("- A sample whose request may have been retransmitted has an unknown send time and must be excluded, not fitted.\n"
                + "- The 32-bit counter wraps; samples must be extended to 64 bits (nearest value to the previous clock) before fitting, or the line breaks at each wrap.\n"
                + "- A short window (here " + SPAN + " s) makes S_tt small and the slope's standard error large; a longer window or a decaying average trades responsiveness for precision.\n"
                + "- A host stall delays the send timestamp but not the reading; one such outlier pulls an ordinary least-squares line, which is why an outlier test on the prediction error is worth having.");
        b.alternatives("An exponentially weighted regression (what the host runs) updates in constant time per sample and tracks slow temperature drift, but reacts to a step change over tens of samples. "
                + "A windowed ordinary least-squares fit like this one is exact for the window and gives a clean standard error, at the cost of storing the samples. "
                + "Hardware timestamping on the MCU side, or a PLL-style servo on the offset, would reduce the one-tick quantisation further; for step scheduling at microsecond resolution it is not needed.");
        switch (ask) {
            case "drift" -> b.answer("ppm", Math.max(2 * sePpm, 1e-4), "drift_ppm");
            case "frequency" -> b.answer("Hz", Math.max(2 * seHz, 1e-3), "f_fit");
            default -> b.answer("ppm", Math.max(sePpm, 1e-4), "drift_ppm", "se_ppm");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> out = new HashMap<>();
        double f0 = trace.header().clockFreqHz();
        List<double[]> pts = new ArrayList<>();
        double hostFreq = Double.NaN;
        for (TraceView.At<TraceRecord.ClockSync> at : trace.within(ref.records(), TraceRecord.ClockSync.class)) {
            TraceRecord.ClockSync s = at.record();
            if (s.sentTimeS() <= 0) continue;
            pts.add(new double[] {s.sentTimeS(), s.mcuClock()});
            hostFreq = s.frequencyHz();
        }
        int n = pts.size();
        out.put("f_nominal", f0);
        out.put("n", (double) n);
        for (int i = 0; i < n; i++) {
            out.put("t" + (i + 1), pts.get(i)[0]);
            out.put("c" + (i + 1), pts.get(i)[1]);
        }
        // Normal equations on u = t - t1 and y = clock - f0*t (raw sums, no centring).
        double t1 = pts.get(0)[0];
        double s1 = n, su = 0, suu = 0, sy = 0, suy = 0, syy = 0, st = 0;
        for (double[] p : pts) {
            double u = p[0] - t1, y = p[1] - f0 * p[0];
            su += u;
            suu += u * u;
            sy += y;
            suy += u * y;
            syy += y * y;
            st += p[0];
        }
        double det = s1 * suu - su * su;
        double slope = (s1 * suy - su * sy) / det;
        double icpt = (suu * sy - su * suy) / det;
        double sse = 0;
        for (double[] p : pts) {
            double e = (p[1] - f0 * p[0]) - icpt - slope * (p[0] - t1);
            sse += e * e;
        }
        double stt = det / s1;
        out.put("span", pts.get(n - 1)[0] - t1);
        out.put("t_bar", st / n);
        out.put("r_bar", sy / n);
        out.put("sxx", stt);
        out.put("sxr", slope * stt);
        out.put("drift_hz", slope);
        out.put("f_fit", f0 + slope);
        out.put("drift_ppm", slope / f0 * 1e6);
        double s = Math.sqrt(sse / (n - 2));
        out.put("rms", s);
        double se = s / Math.sqrt(stt) / f0 * 1e6;
        out.put("se_ppm", se);
        out.put("ratio", Math.abs(slope / f0 * 1e6) / se);
        out.put("host_freq", hostFreq);
        out.put("host_ppm", (hostFreq - f0) / f0 * 1e6);
        return out;
    }
}
