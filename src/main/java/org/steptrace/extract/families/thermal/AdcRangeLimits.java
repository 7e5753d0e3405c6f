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
 * The ADC window the MCU enforces on a heater's sensor: the sums that correspond to the heater's
 * maximum and minimum temperature through the divider and the part's curve, checked against the
 * limits the host actually sent in its sampling command, and where an open, shorted or detached
 * sensor reads relative to that window.
 */
public final class AdcRangeLimits implements Family {
    private static final String[] ASKS = {"min", "max", "window"};

    @Override
    public String id() {
        return "adc-range-limits";
    }

    @Override
    public Category category() {
        return Category.THERMAL;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        String scenario = H3Thermal.scenario(trace);
        if (!(scenario.equals("heat-up") || scenario.equals("bed") || scenario.startsWith("fault-thermistor") || scenario.startsWith("fault-heater"))) {
            return out;
        }
        String faultHeater = null;
        for (TraceView.At<TraceRecord.Fault> at : trace.all(TraceRecord.Fault.class)) faultHeater = at.record().heater();
        int n = trace.seed() < 0 ? 1 : 0;
        for (String heater : new String[] {"extruder", "heater_bed"}) {
            if (faultHeater != null && !faultHeater.equals(heater)) continue;
            if (scenario.equals("bed") && !heater.equals("heater_bed")) continue;
            if (scenario.equals("heat-up") && !heater.equals("extruder")) continue;
            String sensor = trace.settingText("heater." + heater + ".sensor");
            double pullup = trace.setting("heater." + heater + ".pullup_ohm");
            double tMin = trace.setting("heater." + heater + ".min_temp_c"), tMax = trace.setting("heater." + heater + ".max_temp_c");
            H3Thermal.Curve c = sensor == null ? null : H3Thermal.tableCurve(sensor);
            if (c == null || !(pullup > 0) || Double.isNaN(tMin) || Double.isNaN(tMax)) continue;
            int oid = H3Thermal.adcOid(trace, heater);
            H3Thermal.Msg q = oid < 0 ? null : H3Thermal.query(trace, oid);
            if (q == null) continue;
            int samples = (int) H3Thermal.longParam(q.text(), "sample_count", 0);
            int adcMax = samples <= 0 ? -1 : H3Thermal.adcMax(trace, heater, c, pullup, samples);
            if (adcMax < 0) continue;
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[(n + (int) Math.floorMod(trace.seed(), 3L)) % ASKS.length]);
            n++;
            labels.put("heater", heater);
            labels.put("sensor", sensor);
            labels.put("scenario", scenario);
            Map<String, Double> obs = new HashMap<>();
            obs.put("pullup", pullup);
            obs.put("t_min", tMin);
            obs.put("t_max", tMax);
            obs.put("samples", (double) samples);
            obs.put("adc_max", (double) adcMax);
            obs.put("sent_min", (double) H3Thermal.longParam(q.text(), "min_value", -1));
            obs.put("sent_max", (double) H3Thermal.longParam(q.text(), "max_value", -1));
            out.add(new Finding(RecordRange.of(q.line()), labels, Map.of(), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String heater = H3Thermal.prose(f.label("heater"));
        String sensor = f.label("sensor");
        String ask = f.label("ask");
        String scenario = f.label("scenario");
        int samples = (int) f.observed("samples"), adcMax = (int) f.observed("adc_max");
        int fs = samples * adcMax;
        double pull = f.observed("pullup"), tMin = f.observed("t_min"), tMax = f.observed("t_max");
        H3Thermal.Curve c = H3Thermal.tableCurve(sensor);
        double rHot = c.resistance(tMax), rCold = c.resistance(tMin), rAmb = c.resistance(25);
        double vHot = rHot / (rHot + pull), vCold = rCold / (rCold + pull), vAmb = rAmb / (rAmb + pull);
        long lo = (long) Math.floor(vHot * fs), hi = (long) Math.ceil(vCold * fs);
        double[] p = H3Thermal.TABLES.get(sensor);
        b.literal(273.15, adcMax, 3950);
        b.literal(p);

        String TMIN = b.q("t_min", tMin, 1, "C"), TMAX = b.q("t_max", tMax, 1, "C"), PU = b.q("pullup", pull, 0, "ohm");
        String FS = b.count("full_scale", fs, "counts");
        String RH = b.q("r_hot", rHot, 1, "ohm"), RC = b.q("r_cold", rCold, 1, "ohm"), RA = b.q("r_ambient", rAmb, 1, "ohm");
        String VH = b.q("v_hot", vHot, 6, ""), VC = b.q("v_cold", vCold, 6, "");
        String LO = b.count("adc_low", lo, "counts"), HI = b.count("adc_high", hi, "counts");
        String AMB = b.q("adc_ambient", vAmb * fs, 0, "counts");
        String bits = adcMax == 1023 ? "10-bit" : "12-bit";
        String pts = "(" + fmt(p[0]) + " C, " + fmt(p[1]) + " ohm), (" + fmt(p[2]) + " C, " + fmt(p[3]) + " ohm), (" + fmt(p[4]) + " C, " + fmt(p[5]) + " ohm)";

        String situation = b.pick(
                "A printer's " + heater + " is measured by a " + sensor + " thermistor below a " + PU + " ohm pull-up, read by a " + bits
                        + " ADC as the sum of " + samples + " conversions.",
                "In a " + scenario + " run the host configured sampling of the " + heater + " sensor (" + sensor + ", " + PU
                        + " ohm pull-up, " + bits + " converter, " + samples + " conversions summed per report).",
                "The MCU checks every report of the " + heater + " thermistor (" + sensor + " with a " + PU + " ohm pull-up; " + samples
                        + " oversamples of a " + bits + " ADC) against a window the host computed.");
        String givens = b.pick(
                " The heater's allowed range is " + TMIN + " C to " + TMAX + " C, and the part's curve is the Steinhart-Hart fit through " + pts + ".",
                " Its configured limits are a minimum of " + TMIN + " C and a maximum of " + TMAX + " C; the resistance curve is fitted through the points " + pts + ".",
                " Temperatures outside " + TMIN + " C .. " + TMAX + " C are treated as faults. Use the three-point Steinhart-Hart curve through " + pts + ".");
        String question = switch (ask) {
            case "min" -> b.pick(" What is the smallest sum the MCU accepts (the one for the maximum temperature)?",
                    " Which ADC sum marks the hot end of the window?");
            case "max" -> b.pick(" What is the largest sum the MCU accepts (the one for the minimum temperature)?",
                    " Which ADC sum marks the cold end of the window?");
            default -> b.pick(" Find both ends of the ADC window and say which sensor faults leave it.",
                    " Compute the accepted range of sums and decide whether an open, a shorted and a detached thermistor would be caught by it.");
        };
        b.problem(situation + givens + question);

        b.think("First, let me understand what's happening physically. The MCU cannot convert sums to temperatures, so the host translates the temperature limits into ADC limits once, "
                + "and the MCU compares raw sums. The thermistor is an NTC part: hot means low resistance means a low sum. So the maximum temperature gives the lower bound and the minimum temperature gives the upper bound.");
        b.think("Resistance at the limits: inverting 1/T = c1 + c2 ln R + c3 ln^3 R is a depressed cubic in ln R, solved with Cardano's formula. At " + TMAX + " C that gives R = " + RH
                + " ohm, and at " + TMIN + " C R = " + RC + " ohm.");
        b.think("Divider ratio v = R/(R + R_p): " + VH + " when hot and " + VC + " when cold. The full scale of the sum is " + samples + " x " + adcMax + " = " + FS
                + ". Hmm, which way to round? The window must not reject a legitimate reading, so the lower bound is rounded down and the upper bound up: floor(" + VH + " x " + FS
                + ") = " + LO + " and ceil(" + VC + " x " + FS + ") = " + HI + ".");
        b.think("Let me check that against what the host actually sent: its sampling command carried limits " + LO + " and " + HI + ", the same numbers. "
                + "Now the faults: an open sensor pulls the input to the reference, so the sum goes to about " + FS + ", above " + HI
                + "; a short pulls it to about 0, below " + LO + ". A thermistor that fell out of its bore reads room temperature, about " + AMB
                + " counts, which is inside the window, so the MCU check cannot see it and the host's heating-rate check has to.");

        b.controlProblem("Translate the " + heater + "'s temperature limits " + TMIN + " C .. " + TMAX + " C into the ADC sums the MCU enforces for a " + sensor
                + " thermistor with a " + PU + " ohm pull-up and a full scale of " + FS + ", and classify sensor faults against that window.");
        b.context("- Hardware limitations: the MCU has no floating point to spare for logarithms, so it compares integer sums with two integer limits.\n"
                + "- Real-time requirements: the comparison runs on every report, inside the sampling timer, in constant time.\n"
                + "- Safety requirements: a sum outside the window for several consecutive reports shuts the machine down without waiting for the host.");
        b.analysis("Step 1: Resistance at the limits (Cardano on the Steinhart-Hart cubic): R(" + TMAX + " C) = " + RH + " ohm, R(" + TMIN + " C) = " + RC + " ohm.\n\n"
                + "Step 2: Divider ratios v = R/(R + " + PU + "): " + VH + " (hot), " + VC + " (cold).\n\n"
                + "Step 3: Scale and round outward: lower bound floor(" + VH + " x " + FS + ") = " + LO + ", upper bound ceil(" + VC + " x " + FS + ") = " + HI + ".\n\n"
                + "Step 4: Faults. Open circuit: sum near " + FS + " > " + HI + ", caught. Short: sum near 0 < " + LO + ", caught. Detached sensor at 25 C: R = " + RA
                + " ohm, sum about " + AMB + ", inside the window, not caught by this check.");
        String code = """
                /// An inclusive window of accepted ADC sums.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct AdcWindow {
                    pub low: u16,
                    pub high: u16,
                }

                #[derive(Debug, PartialEq)]
                pub enum RangeFault {
                    BelowLow(u16),
                    AboveHigh(u16),
                }

                impl AdcWindow {
                    /// From the divider ratios at the hot and cold limits, rounded outward.
                    pub fn from_ratios(v_hot: f64, v_cold: f64, full_scale: u32) -> Option<AdcWindow> {
                        if !(v_hot > 0.0 && v_hot < v_cold && v_cold < 1.0) || full_scale > 65535 {
                            return None;
                        }
                        let fs = full_scale as f64;
                        Some(AdcWindow { low: (v_hot * fs).floor() as u16, high: (v_cold * fs).ceil() as u16 })
                    }

                    pub fn check(&self, sum: u16) -> Result<(), RangeFault> {
                        if sum < self.low {
                            Err(RangeFault::BelowLow(sum))
                        } else if sum > self.high {
                            Err(RangeFault::AboveHigh(sum))
                        } else {
                            Ok(())
                        }
                    }
                }

                pub fn ratio(r: f64, pullup: f64) -> f64 {
                    r / (r + pullup)
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn window_from_limits() {
                        let w = AdcWindow::from_ratios(ratio(%RH, %PU.0), ratio(%RC, %PU.0), %FS).unwrap();
                        assert_eq!(w.low, %LO);
                        assert_eq!(w.high, %HI);
                    }

                    #[test]
                    fn faults_against_window() {
                        let w = AdcWindow { low: %LO, high: %HI };
                        assert_eq!(w.check(0), Err(RangeFault::BelowLow(0)));
                        assert!(w.check(%FS).is_err());
                        assert!(w.check(%AMB).is_ok());
                    }
                }
                """.replace("%RH", RH).replace("%RC", RC).replace("%PU", PU).replace("%FS", FS).replace("%LO", LO).replace("%HI", HI).replace("%AMB", AMB);
        b.rust("The window is a small Copy type built once by the host side; the check returns which side was crossed, so the shutdown path can report an open sensor differently from a short.",
                code,
                "Construction returns None for ratios in the wrong order or a scale that would overflow 16 bits, so an inverted window can never be built.");
        b.safety("Every legitimate temperature in " + TMIN + " .. " + TMAX + " C maps to a sum in [" + LO + ", " + HI
                + "] because v(T) is monotonic and the bounds were rounded outward. Both electrical failures of the sensor drive the sum to a rail beyond the window, so they are caught on the MCU even if the host is stalled. "
                + "The detached sensor is the gap: it reads a plausible " + AMB + " counts, so detection falls to the host's check that the temperature actually rises while heating.");
        b.edgeCases("- Rounding the wrong way (ceil for the lower bound) would reject a reading exactly at " + TMAX + " C.\n"
                + "- A minimum of " + TMIN + " C puts the upper bound at " + HI + ", close to the open-circuit value " + FS + "; a partly broken lead with a large resistance could sit between them.\n"
                + "- The sum of " + samples + " conversions must stay within 16 bits: " + FS + " <= 65535.");
        b.alternatives("Checking temperature on the MCU would need the curve there; the precomputed window costs two comparisons. "
                + "A narrower window (say a higher minimum temperature) would catch a broken lead sooner but could trip in a cold room. "
                + "A rate-of-change check on the MCU would catch a detached sensor too, but needs state and tuning per heater.");
        switch (ask) {
            case "min" -> b.answer("counts", 0, "adc_low");
            case "max" -> b.answer("counts", 0, "adc_high");
            default -> b.answer("counts", 0, "adc_low", "adc_high");
        }
        return b.build();
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> out = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.WireMessage w) || w.messages() == null) return out;
        String heater = ref.label("heater");
        String q = null;
        for (String m : w.messages()) {
            if (!m.startsWith("query_analog_in ")) continue;
            // this heater's sampling command: the one whose object also reported this heater's readings
            Map<String, Long> p = H3Recheck.ints(m);
            for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
                TraceRecord.Thermal t = at.record();
                if (!heater.equals(t.heater()) || t.adcSum() == null || t.temperatureC() != null) continue;
                if (H3Recheck.oidOfReading(trace, t.timeS(), t.adcSum()) == p.get("oid")) q = m;
                break;
            }
        }
        if (q == null) return out;
        Map<String, Long> p = H3Recheck.ints(q);
        long samples = p.get("sample_count");
        double fs = samples * H3Recheck.adcMaxFromLimit(samples, p.get("max_value"));
        double pull = trace.setting("heater." + heater + ".pullup_ohm");
        double tMin = trace.setting("heater." + heater + ".min_temp_c"), tMax = trace.setting("heater." + heater + ".max_temp_c");
        double[] c = H3Recheck.steinhartHart(H3Thermal.TABLES.get(ref.label("sensor")));
        if (c == null) return out;
        out.put("t_min", tMin);
        out.put("t_max", tMax);
        out.put("pullup", pull);
        out.put("full_scale", fs);
        double rHot = invert(c, tMax), rCold = invert(c, tMin), rAmb = invert(c, 25);
        out.put("r_hot", rHot);
        out.put("r_cold", rCold);
        out.put("r_ambient", rAmb);
        out.put("v_hot", 1 / (1 + pull / rHot));
        out.put("v_cold", 1 / (1 + pull / rCold));
        out.put("adc_ambient", fs / (1 + pull / rAmb));
        // The limits the host sent are the trace's own answer.
        out.put("adc_low", (double) p.get("min_value"));
        out.put("adc_high", (double) p.get("max_value"));
        return out;
    }

    /** Resistance at {@code tempC} by bisection on ln R (the curve falls monotonically). */
    private static double invert(double[] c, double tempC) {
        double lo = Math.log(1), hi = Math.log(1e8);
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (lo + hi);
            if (H3Recheck.shTemp(c, Math.exp(mid)) > tempC) lo = mid;
            else hi = mid;
        }
        return Math.exp(0.5 * (lo + hi));
    }
}
