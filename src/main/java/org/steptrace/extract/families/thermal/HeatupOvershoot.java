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
 * The step response of a PID-held heater after a new target: overshoot above the target, time to
 * first reach it, settling time into a band, and the damping ratio a second-order loop with that
 * overshoot would have. The writer scans forward; the verifier scans the hold backward.
 */
public final class HeatupOvershoot implements Family {
    private static final String[] ASKS = {"overshoot", "settle", "reach"};

    @Override
    public String id() {
        return "heatup-overshoot-settling";
    }

    @Override
    public Category category() {
        return Category.THERMAL;
    }

    record Metrics(H2Heat.S start, H2Heat.S reach, H2Heat.S peak, H2Heat.S lastOut, H2Heat.S settled, H2Heat.S end) {}

    static Metrics metrics(List<H2Heat.S> hold, double band) {
        H2Heat.S start = hold.get(0), reach = null, peak = hold.get(0), lastOut = null, settled = null;
        double target = start.target();
        for (int i = 0; i < hold.size(); i++) {
            H2Heat.S s = hold.get(i);
            if (reach == null && s.temp() >= target) reach = s;
            if (s.temp() > peak.temp()) peak = s;
            if (Math.abs(s.temp() - target) > band) {
                lastOut = s;
                settled = i + 1 < hold.size() ? hold.get(i + 1) : null;
            }
        }
        if (reach == null || lastOut == null || settled == null) return null;
        return new Metrics(start, reach, peak, lastOut, settled, hold.get(hold.size() - 1));
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            for (String heater : H2Heat.heaters(trace)) {
                if (!"pid".equals(trace.settingText("heater." + heater + ".control"))) continue;
                List<H2Heat.S> hold = H2Heat.firstHold(H2Heat.host(trace, heater));
                if (hold.isEmpty() || hold.get(0).temp() > 40) continue;
                double band = 1.0;
                Metrics m = metrics(hold, band);
                if (m == null || m.peak().temp() <= m.start().target() || m.end().t() - m.settled().t() < 10) continue;
                if (m.settled() == m.end()) continue;
                // printed to 2 decimals, the band test must not hinge on rounding
                if (Math.abs(m.lastOut().temp() - m.start().target()) < band + 0.01 || Math.abs(m.settled().temp() - m.start().target()) > band - 0.01) continue;
                Map<String, String> labels = new HashMap<>();
                labels.put("heater", heater);
                labels.put("ask", ASKS[Math.floorMod(trace.id().hashCode(), ASKS.length)]);
                labels.put("kind", H2Heat.kind(trace));
                labels.put("kinematics", H2Heat.kinematics(trace));
                Map<String, Double> obs = new HashMap<>();
                obs.put("overshoot", m.peak().temp() - m.start().target());
                out.add(new Finding(new RecordRange(hold.get(0).line(), hold.get(hold.size() - 1).line()), labels, Map.of("band", band), obs));
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
        double band = f.param("band");
        Metrics m = metrics(H2Heat.host(trace, f.records(), heater), band);
        double t0 = m.start().t(), target = m.start().target(), y0 = m.start().temp();
        double os = m.peak().temp() - target, step = target - y0, mp = os / step, lnm = Math.log(mp);
        double zeta = -lnm / Math.sqrt(Math.PI * Math.PI + lnm * lnm);

        String S = b.q("target", target, 1, "°C"), T0 = b.q("T0", y0, 2, "°C"), BAND = b.q("band", band, 1, "K");
        String TR = b.q("t_reach", m.reach().t() - t0, 1, "s"), TRT = b.q("T_reach", m.reach().temp(), 2, "°C");
        String TP = b.q("t_peak", m.peak().t() - t0, 1, "s"), PK = b.q("peak", m.peak().temp(), 2, "°C");
        String TLO = b.q("t_last_out", m.lastOut().t() - t0, 1, "s"), TLOT = b.q("T_last_out", m.lastOut().temp(), 2, "°C");
        String TS = b.q("t_settle", m.settled().t() - t0, 1, "s"), TST = b.q("T_settle", m.settled().temp(), 2, "°C");
        String TE = b.q("t_end", m.end().t() - t0, 1, "s");
        String OS = b.q("overshoot", os, 2, "K"), STEP = b.q("step", step, 2, "K"), MP = b.q("mp_pct", 100 * mp, 3, "%");
        String Z = b.q("zeta", zeta, 3, ""), LNM = b.q("ln_mp", -lnm, 3, "");

        String situation = b.pick(
                "A PID-controlled " + what + " on a " + kin + " printer was given a target of " + S + " °C from a cold reading of " + T0 + " °C (" + H2Heat.scenarioWords(kind) + ").",
                "In " + H2Heat.scenarioWords(kind) + " on a " + kin + " machine, the " + what + " started at " + T0 + " °C and its PID loop was asked for " + S + " °C.",
                "The " + what + " of a " + kin + " printer warmed from " + T0 + " °C toward a new setpoint of " + S + " °C under PID control (" + H2Heat.scenarioWords(kind) + ").");
        String data = b.pick(
                " Measured from the moment the target was set: the reading first reached the target at " + TR + " s (" + TRT + " °C), peaked at " + PK + " °C at " + TP
                        + " s, was last outside a +/-" + BAND + " K band at " + TLO + " s (" + TLOT + " °C) and was inside it from the next sample at " + TS + " s (" + TST + " °C) until the hold ended at " + TE + " s.",
                " The log (seconds after the target change) shows: first sample at or above target " + TR + " s, " + TRT + " °C; highest sample " + PK + " °C at " + TP
                        + " s; last sample more than " + BAND + " K from the target " + TLO + " s, " + TLOT + " °C; next sample " + TS + " s, " + TST + " °C; the target was held until " + TE + " s.",
                " Key samples, timed from the target change: " + TR + " s: " + TRT + " °C (first at or above target); " + TP + " s: " + PK + " °C (maximum); " + TLO + " s: " + TLOT
                        + " °C (last reading outside +/-" + BAND + " K); " + TS + " s: " + TST + " °C (back inside, and it stayed inside until " + TE + " s).");
        String question = switch (ask) {
            case "overshoot" -> b.pick(" What was the overshoot, as kelvin and as a percentage of the step, and what damping ratio would a second-order loop with that overshoot have?",
                    " Quantify the overshoot (K and % of the step) and translate it into an equivalent damping ratio.",
                    " How far past the target did the reading go, relative to the size of the step, and what equivalent damping ratio does that imply?");
            case "settle" -> b.pick(" What is the settling time into the +/-" + BAND + " K band, and how does it compare with the time to first reach the target?",
                    " Give the settling time into the band, measured from the target change.",
                    " When did the loop settle into +/-" + BAND + " K for good?");
            default -> b.pick(" How long did the heater take to first reach the target, and what was the average heating rate over that time?",
                    " Find the time to first reach the target and the mean rate of rise up to it.",
                    " What was the rise time to the target, and the average slope of the warm-up?");
        };
        b.problem(situation + data + question);
        String RATE = b.q("rate", (m.reach().temp() - y0) / (m.reach().t() - t0), 3, "K/s");

        b.think("First, let me understand what's happening physically. The target jumped by " + STEP + " K, the PID output saturated at full power for most of the warm-up, and as the reading approached the target the controller backed off. Because the heater and sensor lag, heat already on its way keeps the reading rising after the output drops, which is where any overshoot comes from.");
        b.think("Time to target: the first sample at or above " + S + " °C came " + TR + " s after the change. The reading rose from " + T0 + " to " + TRT + " °C in that time, an average of " + RATE
                + " K/s, which is plausible for a saturated warm-up. " + b.pick("Wait, I should not use the target itself as the end point of that average: the sample that first crossed it reads " + TRT + " °C, slightly above, so I used the sample's own value.",
                "One subtlety: the crossing sample reads " + TRT + " °C, not exactly the target, so the average uses that reading rather than " + S + " °C."));
        b.think("Overshoot: peak " + PK + " °C minus target " + S + " °C = " + OS + " K, which is " + OS + "/" + STEP + " = " + MP + " % of the step. "
                + "For a second-order loop the fractional overshoot Mp relates to the damping ratio by zeta = -ln Mp / sqrt(pi^2 + ln^2 Mp). Here -ln Mp = " + LNM + ", so zeta = " + Z + ". A ratio that close to 1 says the loop is nearly critically damped: the integrator's windup was well contained.");
        b.think("Settling: the last reading outside +/-" + BAND + " K was at " + TLO + " s (" + TLOT + " °C); from the next sample at " + TS + " s on, every reading stayed inside until " + TE
                + " s. So the settling time is " + TS + " s. Sanity check: it is later than the peak at " + TP + " s, as it must be, since the peak itself is outside the band only if the overshoot exceeds " + BAND + " K; otherwise the slow tail around the target decides it.");
        b.controlProblem("From the recorded step response of a PID-held " + what + " (step " + T0 + " -> " + S + " °C), determine the overshoot, the time to first reach the target, the settling time into +/-" + BAND + " K, and the equivalent second-order damping ratio.");
        b.context("- Hardware limitations: the heater saturates at full duty during most of the rise, so the early response is the open-loop plant, not the controller.\n"
                + "- Real-time requirements: readings are periodic samples, so every time found here is known to within one sample period; the true crossing lies between the samples listed.\n"
                + "- Safety requirements: an overshoot of " + OS + " K must stay far from the heater's maximum temperature; a large overshoot near that limit would trip the over-temperature protection.");
        b.analysis("Step 1: Step size. " + S + " - " + T0 + " = " + STEP + " K.\n\n"
                + "Step 2: Time to target. First sample at or above target at " + TR + " s; mean rise rate (" + TRT + " - " + T0 + ")/" + TR + " = " + RATE + " K/s.\n\n"
                + "Step 3: Overshoot. " + PK + " - " + S + " = " + OS + " K, Mp = " + MP + " % of the step.\n\n"
                + "Step 4: Equivalent damping. zeta = -ln Mp / sqrt(pi^2 + ln^2 Mp) = " + Z + ".\n\n"
                + "Step 5: Settling. Last excursion beyond +/-" + BAND + " K at " + TLO + " s; settled from " + TS + " s.");
        String code = """
                /// A temperature sample: seconds since the target change, reading in degrees C.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Sample {
                    pub t_s: f64,
                    pub temp_c: f64,
                }

                /// Damping ratio of a second-order loop with fractional overshoot mp (0 < mp < 1).
                pub fn damping_from_overshoot(mp: f64) -> Option<f64> {
                    if !(mp > 0.0 && mp < 1.0) {
                        return None;
                    }
                    let l = mp.ln();
                    Some(-l / (std::f64::consts::PI * std::f64::consts::PI + l * l).sqrt())
                }

                /// First time after which every sample stays within +/- band of the target.
                pub fn settling_time(samples: &[Sample], target_c: f64, band_k: f64) -> Option<f64> {
                    let mut settled = None;
                    for (i, s) in samples.iter().enumerate() {
                        if (s.temp_c - target_c).abs() > band_k {
                            settled = samples.get(i + 1).map(|n| n.t_s);
                        }
                    }
                    settled
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_step_response() {
                        let mp = (%PK - %S) / (%S - %T0);
                        let zeta = damping_from_overshoot(mp).unwrap();
                        assert!((zeta - %Z).abs() < 1e-2);
                        let key = [
                            Sample { t_s: %TR, temp_c: %TRT },
                            Sample { t_s: %TP, temp_c: %PK },
                            Sample { t_s: %TLO, temp_c: %TLOT },
                            Sample { t_s: %TS, temp_c: %TST },
                        ];
                        assert_eq!(settling_time(&key, %S, %BAND), Some(%TS));
                    }

                    #[test]
                    fn no_overshoot_has_no_ratio() {
                        assert_eq!(damping_from_overshoot(0.0), None);
                    }
                }
                """.replace("%PK", PK).replace("%S", S).replace("%T0", T0).replace("%Z", Z).replace("%TRT", TRT).replace("%TR", TR).replace("%TP", TP)
                .replace("%TLOT", TLOT).replace("%TLO", TLO).replace("%TST", TST).replace("%TS", TS).replace("%BAND", BAND);
        b.rust("Both metrics are Option-returning functions over a borrowed slice of samples: a step without overshoot has no equivalent damping ratio, and a record that never settles has no settling time, and the types say so.",
                code,
                "The settling scan keeps only the index of the last excursion, so it runs in one pass with no allocation, which suits a monitor running beside the control loop.");
        b.safety("The peak of " + PK + " °C is only " + OS + " K over the target, so an over-temperature limit a few tens of kelvin above the working point is never approached by this loop's transient. "
                + "A heating-rate check during the warm-up can use the observed mean rise of " + RATE + " K/s: a rate far below it while the output is saturated indicates a detached sensor or failing heater.");
        b.edgeCases("- A target raised from an already warm start gives a smaller step and, with the same gains, a different overshoot; the percentage is a property of the loop only for a linear, unsaturated response.\n"
                + "- Sensor noise of a fraction of a kelvin can make a reading briefly leave a narrow band long after settling; a band narrower than the noise would never be entered for good.\n"
                + "- If the target changes before settling, the settling time is undefined; the function returns the last candidate, so callers must check the hold length.");
        b.alternatives("Integral criteria (IAE, ITAE) summarise the whole response rather than three events and are less sensitive to a single noisy sample. "
                + "A setpoint ramp or setpoint weighting reduces overshoot without detuning disturbance rejection; conditional integration (integrating only near the target) attacks windup directly.");
        switch (ask) {
            case "overshoot" -> b.answer("", 0.01, "overshoot", "mp_pct", "zeta");
            case "settle" -> b.answer("s", 0.1, "t_settle");
            default -> b.answer("", 0.1, "t_reach", "rate");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        String heater = ref.label("heater");
        double band = ref.param("band");
        List<double[]> rows = new ArrayList<>();
        for (TraceRecord.Thermal r : trace.hostReadings(ref.records(), heater)) rows.add(new double[] {r.timeS(), r.temperatureC(), r.targetC()});
        int n = rows.size();
        double t0 = rows.get(0)[0], y0 = rows.get(0)[1], target = rows.get(0)[2];
        // Settling: walk back from the end of the hold to the first reading outside the band.
        int out = n - 1;
        while (out >= 0 && Math.abs(rows.get(out)[1] - target) <= band) out--;
        int reach = 0;
        while (rows.get(reach)[1] < target) reach++;
        double peak = rows.stream().mapToDouble(x -> x[1]).max().orElseThrow();
        int peakAt = 0;
        while (rows.get(peakAt)[1] != peak) peakAt++;
        Map<String, Double> r = new HashMap<>();
        r.put("target", target);
        r.put("T0", y0);
        r.put("band", band);
        r.put("t_reach", rows.get(reach)[0] - t0);
        r.put("T_reach", rows.get(reach)[1]);
        r.put("t_peak", rows.get(peakAt)[0] - t0);
        r.put("peak", peak);
        r.put("t_last_out", rows.get(out)[0] - t0);
        r.put("T_last_out", rows.get(out)[1]);
        r.put("t_settle", rows.get(out + 1)[0] - t0);
        r.put("T_settle", rows.get(out + 1)[1]);
        r.put("t_end", rows.get(n - 1)[0] - t0);
        double mp = (peak - target) / (target - y0);
        r.put("overshoot", peak - target);
        r.put("step", target - y0);
        r.put("mp_pct", 100 * mp);
        r.put("ln_mp", -Math.log(mp));
        // zeta from Mp by solving Mp = exp(-pi zeta / sqrt(1 - zeta^2)) with bisection.
        double lo = 0, hi = 1;
        for (int k = 0; k < 200; k++) {
            double z = (lo + hi) / 2;
            if (Math.exp(-Math.PI * z / Math.sqrt(1 - z * z)) > mp) lo = z;
            else hi = z;
        }
        r.put("zeta", (lo + hi) / 2);
        r.put("rate", (rows.get(reach)[1] - y0) / (rows.get(reach)[0] - t0));
        return r;
    }
}
