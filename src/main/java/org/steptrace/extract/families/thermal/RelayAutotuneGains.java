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
 * A relay autotune: the relay's duty levels, the temperature crests and troughs of its limit
 * cycle, the oscillation amplitude and period, the ultimate gain Ku = 4d/(pi a) and the classic
 * Ziegler-Nichols PID gains. The writer takes the extremes between the relay's switchings; the
 * verifier finds them again with its own peak finder (excursions about the band's midpoint).
 */
public final class RelayAutotuneGains implements Family {
    private static final String[] ASKS = {"ku", "period", "pid"};
    static final int MAX_PEAKS = 6;

    @Override
    public String id() {
        return "relay-autotune-gains";
    }

    @Override
    public Category category() {
        return Category.THERMAL;
    }

    /** Crests (while off) and troughs (while on) between duty switchings, after the first off phase. */
    record Cycle(List<H2Heat.S> crests, List<H2Heat.S> troughs, double upper, double lower, double on, double off, int lastLine, int firstLine) {}

    static Cycle cycle(List<H2Heat.S> s) {
        List<Integer> sw = new ArrayList<>();
        int end = s.size();
        for (int i = 0; i < s.size(); i++) {
            if (s.get(i).target() <= 0) {
                end = i;
                break;
            }
        }
        if (end < 3) return null;
        for (int i = 1; i < end; i++) if (s.get(i).duty() != s.get(i - 1).duty()) sw.add(i);
        if (sw.isEmpty() || s.get(sw.get(0)).duty() >= s.get(sw.get(0) - 1).duty()) return null;
        double on = s.get(0).duty(), off = s.get(sw.get(0)).duty();
        double upper = s.get(0).target(), lower = s.get(sw.get(0)).target();
        // the range ends at the last switch to off
        int lastOff = -1;
        for (int k = sw.size() - 1; k >= 0; k--) {
            if (s.get(sw.get(k)).duty() == off) {
                lastOff = k;
                break;
            }
        }
        List<H2Heat.S> crests = new ArrayList<>(), troughs = new ArrayList<>();
        for (int k = 0; k < lastOff; k++) {
            int from = sw.get(k), to = sw.get(k + 1);
            boolean offPhase = s.get(from).duty() == off;
            if (offPhase && k == 0) continue;
            H2Heat.S best = s.get(from);
            for (int i = from; i < to; i++) {
                H2Heat.S c = s.get(i);
                if (offPhase ? c.temp() > best.temp() : c.temp() < best.temp()) best = c;
            }
            (offPhase ? crests : troughs).add(best);
        }
        if (crests.size() < 2 || troughs.size() < 2) return null;
        return new Cycle(crests, troughs, upper, lower, on, off, s.get(sw.get(lastOff)).line(), s.get(0).line());
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        if (!H2Heat.kind(trace).equals("autotune")) return out;
        try {
            for (String heater : H2Heat.heaters(trace)) {
                List<H2Heat.S> s = H2Heat.host(trace, heater);
                int first = -1;
                for (int i = 0; i < s.size(); i++) {
                    if (s.get(i).target() > 0) {
                        first = i;
                        break;
                    }
                }
                if (first < 0) continue;
                Cycle c = cycle(s.subList(first, s.size()));
                if (c == null || c.crests().size() > MAX_PEAKS + 1) continue;
                Map<String, String> labels = new HashMap<>();
                labels.put("heater", heater);
                labels.put("ask", ASKS[Math.floorMod(trace.id().hashCode(), ASKS.length)]);
                labels.put("kinematics", H2Heat.kinematics(trace));
                Map<String, Double> obs = new HashMap<>();
                obs.put("crests", (double) c.crests().size());
                out.add(new Finding(new RecordRange(c.firstLine(), c.lastLine()), labels, Map.of(), obs));
            }
        } catch (RuntimeException e) {
            return out;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String heater = f.label("heater"), ask = f.label("ask"), kin = f.label("kinematics"), what = H2Heat.words(heater);
        Cycle c = cycle(H2Heat.host(trace, f.records(), heater));
        int nc = c.crests().size(), nt = c.troughs().size();
        double cm = 0, tm = 0;
        for (H2Heat.S x : c.crests()) cm += x.temp();
        for (H2Heat.S x : c.troughs()) tm += x.temp();
        cm /= nc;
        tm /= nt;
        double a = (cm - tm) / 2, d = (c.on() - c.off()) / 2;
        double tu = (c.crests().get(nc - 1).t() - c.crests().get(0).t()) / (nc - 1);
        double ku = 4 * d / (Math.PI * a), kp = 0.6 * ku, ti = 0.5 * tu, td = 0.125 * tu, ki = kp / ti, kd = kp * td;

        String UP = b.q("upper", c.upper(), 1, "°C"), LO = b.q("lower", c.lower(), 1, "°C");
        String ON = b.q("duty_on", c.on(), 2, ""), OFF = b.q("duty_off", c.off(), 2, "");
        StringBuilder cr = new StringBuilder(), tr = new StringBuilder();
        for (int i = 0; i < nc; i++) {
            cr.append(i == 0 ? "" : ", ").append(b.q("cT" + i, c.crests().get(i).temp(), 2, "°C")).append(" °C at ")
                    .append(b.q("ct" + i, c.crests().get(i).t(), 1, "s")).append(" s");
        }
        for (int i = 0; i < nt; i++) {
            tr.append(i == 0 ? "" : ", ").append(b.q("tT" + i, c.troughs().get(i).temp(), 2, "°C")).append(" °C at ")
                    .append(b.q("tt" + i, c.troughs().get(i).t(), 1, "s")).append(" s");
        }
        String NC = String.valueOf(nc), NT = String.valueOf(nt);
        String CM = b.q("crest_mean", cm, 3, "°C"), TM = b.q("trough_mean", tm, 3, "°C");
        String A = b.q("a", a, 3, "K"), D = b.q("d", d, 3, "");
        String TU = b.q("Tu", tu, 2, "s", 0.02), KU = b.sig("Ku", ku, 4, "1/K");
        String KP = b.sig("Kp", kp, 4, "1/K"), TI = b.q("Ti", ti, 3, "s", 0.02), TD = b.q("Td", td, 3, "s", 0.02);
        String KI = b.sig("Ki", ki, 4, "1/(K s)", 0.02), KD = b.sig("Kd", kd, 4, "s/K", 0.02);
        String LAST = b.q("first_crest", c.crests().get(0).t(), 1, "s"), LASTC = b.q("last_crest", c.crests().get(nc - 1).t(), 1, "s");

        String situation = b.pick(
                "A relay autotune was run on the " + what + " of a " + kin + " printer: the heater is driven at duty " + ON + " until the reading reaches " + UP
                        + " °C, then at duty " + OFF + " until it falls to " + LO + " °C, and so on.",
                "To tune its " + what + ", a " + kin + " machine replaced the controller by an on/off relay: output " + ON + " below the band, " + OFF
                        + " above it, switching off at " + UP + " °C and back on at " + LO + " °C.",
                "The " + what + " of a " + kin + " printer oscillates under relay feedback (duty " + ON + " while heating up to " + UP + " °C, duty " + OFF
                        + " while cooling down to " + LO + " °C).");
        String data = b.pick(
                " After the first overshoot, the recorded crests were " + cr + "; the troughs were " + tr + ".",
                " Ignoring the first cycle, the limit cycle's maxima were " + cr + " and its minima " + tr + ".",
                " Once the oscillation had settled, the trace shows crests " + cr + " and troughs " + tr + ".");
        String question = switch (ask) {
            case "ku" -> b.pick(" Using the describing function of an ideal relay, estimate the ultimate gain Ku (duty per kelvin).",
                    " What ultimate gain does the describing-function analysis give for this loop?",
                    " Estimate the ultimate gain Ku = 4d/(pi a) from the observed oscillation.");
            case "period" -> b.pick(" What are the oscillation amplitude a and the ultimate period Tu?",
                    " Find the half peak-to-peak amplitude and the period of the limit cycle.",
                    " Determine the limit cycle's amplitude and period, the two numbers a relay test is for.");
            default -> b.pick(" Derive classic Ziegler-Nichols PID gains (Kp, Ki, Kd in duty units) from the test.",
                    " Turn the relay test into a PID controller with the classic Ziegler-Nichols rules; give Kp, Ki and Kd.",
                    " What parallel-form PID gains Kp, Ki, Kd follow from the ultimate gain and period by Ziegler-Nichols?");
        };
        b.problem(situation + data + question);

        b.think("First, let me understand what's happening physically. A relay with a switching band forces the loop into a limit cycle: the heater is fully on until the reading crosses " + UP
                + " °C, but the heat already in the cartridge keeps the reading climbing for a while after switch-off, and likewise it keeps falling after switch-on. The oscillation that results sits at the frequency where the plant's phase lag reaches 180 degrees, which is exactly the ultimate point a Ziegler-Nichols design needs.");
        b.think("The relay's output swings between " + OFF + " and " + ON + ", so its amplitude about the middle is d = (" + ON + " - " + OFF + ")/2 = " + D
                + ". The first harmonic of a square wave of amplitude d has amplitude 4d/pi, and the temperature's first harmonic has amplitude a, so the loop gain at the oscillation frequency is 1 when Ku = 4d/(pi a).");
        b.think("Now the amplitude. The " + NC + " crests average " + CM + " °C and the " + NT + " troughs average " + TM + " °C, so a = (" + CM + " - " + TM + ")/2 = " + A
                + " K. " + b.pick("Wait, I almost used the band width itself (upper minus lower) as the swing; that would ignore the overshoot past both switching points caused by the lag, and the overshoot is the whole point. Use the measured extremes.",
                "I should not take the switching band as the amplitude: the reading overshoots both switching points, and the measured extremes are what the describing function needs.")
                + " Then Ku = 4 x " + D + "/(pi x " + A + ") = " + KU + " per kelvin.");
        b.think("The period: crests at " + LAST + " s and " + LASTC + " s with " + (nc - 1) + " cycles between them give Tu = " + TU
                + " s. Ziegler-Nichols PID: Kp = 0.6 Ku = " + KP + ", Ti = Tu/2 = " + TI + " s, Td = Tu/8 = " + TD + " s, so Ki = Kp/Ti = " + KI + " and Kd = Kp Td = " + KD
                + ". Units check: Kp is duty per kelvin, Ki duty per kelvin-second, Kd duty-seconds per kelvin, as they must be for a controller whose output is a duty.")
                .literal(0.6, 0.125);
        b.controlProblem("From a relay test on a " + what + " (relay levels " + OFF + " and " + ON + ", switching at " + LO + " and " + UP + " °C), estimate the limit-cycle amplitude a and period Tu, the ultimate gain Ku = 4d/(pi a), and classic Ziegler-Nichols PID gains.");
        b.context("- Hardware limitations: the heater output is bounded to [" + OFF + ", " + ON + "] duty, which is why a relay (bang-bang) test is safe: it never asks for more than the heater can give.\n"
                + "- Real-time requirements: the crests and troughs are sampled readings, so each extreme is known only to within one report period; averaging over " + NC + " crests and " + NT + " troughs reduces that error.\n"
                + "- Safety requirements: the test runs the heater near its working temperature with an oscillation of about " + A + " K, so the maximum reached must stay below the heater's safety limit.");
        b.analysis("Step 1: Relay amplitude. d = (" + ON + " - " + OFF + ")/2 = " + D + ".\n\n"
                + "Step 2: Oscillation amplitude. Mean crest " + CM + " °C, mean trough " + TM + " °C, a = " + A + " K.\n\n"
                + "Step 3: Ultimate gain (describing function of an ideal relay). Ku = 4d/(pi a) = " + KU + " /K.\n\n"
                + "Step 4: Ultimate period. Tu = (" + LASTC + " - " + LAST + ")/" + (nc - 1) + " = " + TU + " s.\n\n"
                + "Step 5: Ziegler-Nichols PID. Kp = 0.6 Ku = " + KP + ", Ti = " + TI + " s, Td = " + TD + " s, Ki = " + KI + ", Kd = " + KD + ".");
        StringBuilder crestsRs = new StringBuilder(), troughsRs = new StringBuilder();
        for (int i = 0; i < nc; i++) crestsRs.append(i == 0 ? "" : ", ").append("Peak { t_s: ").append(b.text("ct" + i)).append(", temp_c: ").append(b.text("cT" + i)).append(" }");
        for (int i = 0; i < nt; i++) troughsRs.append(i == 0 ? "" : ", ").append("Peak { t_s: ").append(b.text("tt" + i)).append(", temp_c: ").append(b.text("tT" + i)).append(" }");
        String code = """
                /// One extreme of the limit cycle.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Peak {
                    pub t_s: f64,
                    pub temp_c: f64,
                }

                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Ultimate {
                    pub ku: f64,
                    pub tu_s: f64,
                    pub amplitude_k: f64,
                }

                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Pid {
                    pub kp: f64,
                    pub ki: f64,
                    pub kd: f64,
                }

                #[derive(Debug, Clone, Copy, PartialEq)]
                pub enum TuneError {
                    TooFewPeaks,
                    NoOscillation,
                }

                fn mean(v: &[Peak]) -> f64 {
                    v.iter().map(|p| p.temp_c).sum::<f64>() / v.len() as f64
                }

                /// Ultimate gain and period from the crests and troughs of a relay test with relay amplitude d.
                pub fn ultimate(crests: &[Peak], troughs: &[Peak], d: f64) -> Result<Ultimate, TuneError> {
                    if crests.len() < 2 || troughs.is_empty() {
                        return Err(TuneError::TooFewPeaks);
                    }
                    let a = (mean(crests) - mean(troughs)) / 2.0;
                    if !(a > 0.0) {
                        return Err(TuneError::NoOscillation);
                    }
                    let first = crests[0].t_s;
                    let last = crests[crests.len() - 1].t_s;
                    let tu_s = (last - first) / (crests.len() - 1) as f64;
                    Ok(Ultimate { ku: 4.0 * d / (std::f64::consts::PI * a), tu_s, amplitude_k: a })
                }

                /// Classic Ziegler-Nichols PID: Kp = 0.6 Ku, Ti = Tu/2, Td = Tu/8.
                pub fn ziegler_nichols(u: &Ultimate) -> Pid {
                    let kp = 0.6 * u.ku;
                    Pid { kp, ki: kp / (0.5 * u.tu_s), kd: kp * 0.125 * u.tu_s }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_relay_test() {
                        let crests = [%CRESTS];
                        let troughs = [%TROUGHS];
                        let u = ultimate(&crests, &troughs, %D).unwrap();
                        assert!((u.amplitude_k - %A).abs() < 1e-2);
                        assert!((u.ku - %KU).abs() < 1e-3);
                        assert!((u.tu_s - %TU).abs() < 0.1);
                        let g = ziegler_nichols(&u);
                        assert!((g.kp - %KP).abs() < 1e-3);
                    }

                    #[test]
                    fn flat_record_is_rejected() {
                        let p = [Peak { t_s: 1.0, temp_c: 2.0 }, Peak { t_s: 3.0, temp_c: 2.0 }];
                        assert_eq!(ultimate(&p, &p, 0.5), Err(TuneError::NoOscillation));
                    }
                }
                """.replace("%CRESTS", crestsRs).replace("%TROUGHS", troughsRs).replace("%D", D).replace("%A", A).replace("%KU", EntryBuilder.rustF64(KU))
                .replace("%TU", TU).replace("%KP", EntryBuilder.rustF64(KP));
        b.rust("The estimator takes borrowed slices of peaks (the trace keeps ownership of its samples) and returns a Result, so a record with too few extremes or a flat reading is a handled case, not a division by zero.",
                code,
                "The two steps are separate functions on purpose: the ultimate point is a property of the plant, the tuning rule is a design choice that can be swapped without re-measuring.");
        b.safety("The test itself is bounded: the relay never commands more than duty " + ON + ", and the measured crests average " + CM
                + " °C, only a few kelvin above the switch-off point. The resulting controller has gain margin by construction: Ziegler-Nichols sets Kp to 0.6 of the gain at which the loop would oscillate, so Kp = " + KP
                + " is below Ku = " + KU + ". Ziegler-Nichols tunings are aggressive (quarter-amplitude decay), so a runaway monitor should still watch the first overshoot after a new target.");
        b.edgeCases("- The first cycle starts from the warm-up ramp and overshoots differently; it is excluded so the amplitude reflects the steady limit cycle.\n"
                + "- A noisy sensor can create spurious extremes near the switching points; taking one extreme per relay phase (or per excursion about the band's middle) avoids counting them.\n"
                + "- If the switching band were wide compared with the overshoot, the ideal-relay describing function would misjudge the phase; a relay with a band shifts the oscillation to a lower frequency.");
        b.alternatives("Fitting a first-order-plus-dead-time model to the warm-up and using IMC or SIMC rules gives gentler gains with an explicit closed-loop time constant. "
                + "Tyreus-Luyben rules (Kp = Ku/2.2, Ti = 2.2 Tu) trade speed for robustness on lag-dominant plants such as heaters. "
                + "Some hosts use the full duty swing instead of its half as d, which doubles Ku; the convention must match the one the tuning rule was derived with.")
                .literal(2.2);
        switch (ask) {
            case "ku" -> b.answer("duty/K", 0.01, "Ku");
            case "period" -> b.answer("", 0.01, "a", "Tu");
            default -> b.answer("", 0.01, "Kp", "Ki", "Kd");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        String heater = ref.label("heater");
        List<double[]> rows = new ArrayList<>();
        double upper = Double.NEGATIVE_INFINITY, lower = Double.POSITIVE_INFINITY, on = Double.NEGATIVE_INFINITY, off = Double.POSITIVE_INFINITY;
        for (TraceView.At<TraceRecord.Thermal> at : trace.within(ref.records(), TraceRecord.Thermal.class)) {
            TraceRecord.Thermal r = at.record();
            if (!heater.equals(r.heater()) || r.temperatureC() == null || r.targetC() == null || r.duty() == null) continue;
            rows.add(new double[] {r.timeS(), r.temperatureC()});
            upper = Math.max(upper, r.targetC());
            lower = Math.min(lower, r.targetC());
            on = Math.max(on, r.duty());
            off = Math.min(off, r.duty());
        }
        // Own peak finder: split the series into excursions above and below the band's midpoint;
        // each complete excursion contributes its extreme. The first excursion above (warm-up and
        // first overshoot) is skipped, as is any excursion the range cuts off.
        double mid = (upper + lower) / 2;
        List<double[]> crests = new ArrayList<>(), troughs = new ArrayList<>();
        int i = 0, n = rows.size();
        while (i < n && rows.get(i)[1] <= mid) i++;
        boolean above = true, firstAbove = true;
        while (i < n) {
            int j = i;
            double[] ext = rows.get(i);
            while (j < n && (rows.get(j)[1] > mid) == above) {
                double[] row = rows.get(j);
                if (above ? row[1] > ext[1] : row[1] < ext[1]) ext = row;
                j++;
            }
            boolean complete = j < n;
            if (complete && !(above && firstAbove)) (above ? crests : troughs).add(ext);
            if (above) firstAbove = false;
            above = !above;
            i = j;
        }
        Map<String, Double> r = new HashMap<>();
        r.put("upper", upper);
        r.put("lower", lower);
        r.put("duty_on", on);
        r.put("duty_off", off);
        double cs = 0, ts = 0;
        for (int k = 0; k < crests.size(); k++) {
            r.put("cT" + k, crests.get(k)[1]);
            r.put("ct" + k, crests.get(k)[0]);
            cs += crests.get(k)[1];
        }
        for (int k = 0; k < troughs.size(); k++) {
            r.put("tT" + k, troughs.get(k)[1]);
            r.put("tt" + k, troughs.get(k)[0]);
            ts += troughs.get(k)[1];
        }
        int nc = crests.size();
        double cm = cs / nc, tm = ts / troughs.size(), a = (cm - tm) / 2, d = (on - off) / 2;
        r.put("crest_mean", cm);
        r.put("trough_mean", tm);
        r.put("a", a);
        r.put("d", d);
        r.put("first_crest", crests.get(0)[0]);
        r.put("last_crest", crests.get(nc - 1)[0]);
        // Period as the least-squares slope of crest time against crest index.
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int k = 0; k < nc; k++) {
            sx += k;
            sy += crests.get(k)[0];
            sxx += (double) k * k;
            sxy += k * crests.get(k)[0];
        }
        double tu = (nc * sxy - sx * sy) / (nc * sxx - sx * sx);
        double ku = 2 * (on - off) / (Math.PI * (cm - tm) / 2);
        double kp = 0.6 * ku;
        r.put("Tu", tu);
        r.put("Ku", ku);
        r.put("Kp", kp);
        r.put("Ti", tu / 2);
        r.put("Td", tu / 8);
        r.put("Ki", 2 * kp / tu);
        r.put("Kd", kp * tu / 8);
        return r;
    }
}
