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
 * An oversampled ADC sum turned into a temperature: ratio of full scale, thermistor resistance
 * through the pull-up divider, temperature from the part's curve (beta 3950 for the generic part,
 * Steinhart–Hart through the published table for the others), checked against the host's own
 * reading, and the sensitivity dT/dADC at that point.
 */
public final class AdcTemperature implements Family {
    private static final String[] ASKS = {"temperature", "sensitivity", "resistance"};
    private static final double[] LEVELS = {35, 50, 60, 80, 120, 150, 180, 200, 230};

    @Override
    public String id() {
        return "adc-temperature-conversion";
    }

    @Override
    public Category category() {
        return Category.THERMAL;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        int n = 0;
        for (String heater : new String[] {"extruder", "heater_bed"}) {
            String sensor = trace.settingText("heater." + heater + ".sensor");
            double pullup = trace.setting("heater." + heater + ".pullup_ohm");
            if (sensor == null || !H3Thermal.TABLES.containsKey(sensor) || !(pullup > 0)) continue;
            int oid = H3Thermal.adcOid(trace, heater);
            H3Thermal.Msg q = oid < 0 ? null : H3Thermal.query(trace, oid);
            if (q == null) continue;
            int samples = (int) H3Thermal.longParam(q.text(), "sample_count", 0);
            if (samples <= 0) continue;
            int adcMax = H3Thermal.adcMax(trace, heater, H3Thermal.tableCurve(sensor), pullup, samples);
            if (adcMax < 0) continue;
            List<TraceView.At<TraceRecord.Thermal>> host = H3Thermal.host(trace, heater);
            int level = 0;
            for (TraceView.At<TraceRecord.Thermal> at : host) {
                if (level >= LEVELS.length || out.size() >= 12) break;
                double t = at.record().temperatureC();
                if (t < LEVELS[level]) continue;
                while (level < LEVELS.length && t >= LEVELS[level]) level++;
                double v = at.record().adcSum() / (double) (samples * adcMax);
                if (v <= 0.002 || v >= 0.998) continue;
                Map<String, String> labels = new HashMap<>();
                labels.put("ask", ASKS[n++ % ASKS.length]);
                labels.put("heater", heater);
                labels.put("sensor", sensor);
                labels.put("scenario", H3Thermal.scenario(trace));
                Map<String, Double> obs = new HashMap<>();
                obs.put("adc", (double) at.record().adcSum());
                obs.put("host_temp", t);
                obs.put("pullup", pullup);
                obs.put("samples", (double) samples);
                obs.put("adc_max", (double) adcMax);
                out.add(new Finding(RecordRange.of(at.line()), labels, Map.of(), obs));
            }
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String heater = H3Thermal.prose(f.label("heater"));
        String sensor = f.label("sensor");
        String ask = f.label("ask");
        boolean beta = sensor.equals("Generic 3950");
        int adc = (int) f.observed("adc");
        int samples = (int) f.observed("samples");
        int adcMax = (int) f.observed("adc_max");
        double pull = f.observed("pullup"), hostT = f.observed("host_temp");
        int fs = samples * adcMax;
        double v = adc / (double) fs;
        double r = pull * v / (1 - v);
        H3Thermal.Curve c = beta ? H3Thermal.betaCurve(25, 100000, 3950) : H3Thermal.tableCurve(sensor);
        double t = c.temperatureC(r);
        double dTdL = c.dTdLnR(r);
        double sens = dTdL / (v * (1 - v) * fs);
        b.literal(273.15, 298.15, adcMax);
        double[] p = H3Thermal.TABLES.get(sensor);
        if (beta) b.literal(3950, 100000);
        else b.literal(p);

        String ADC = b.count("adc", adc, "counts"), FS = b.count("full_scale", fs, "counts");
        String PU = b.q("pullup", pull, 0, "ohm");
        String V = b.q("ratio", v, 5, "");
        String R = b.q("resistance", r, 1, "ohm");
        String T = b.q("temperature", t, 2, "C");
        String HT = b.q("host_temp", hostT, 2, "C");
        String D = b.q("model_diff", Math.abs(t - hostT), 2, "C");
        String S = b.sig("sensitivity", sens, 3, "C/count", 1e-4);
        String S1 = b.sig("sensitivity_single", sens * samples, 3, "C/LSB", 1e-4);
        String bits = adcMax == 1023 ? "10-bit" : "12-bit";
        String C1 = "", C2 = "", C3 = "";
        if (!beta) {
            C1 = b.sig("c1", c.c1(), 6, "1/K");
            C2 = b.sig("c2", c.c2(), 6, "1/K");
            C3 = b.sig("c3", c.c3(), 6, "1/K");
        }
        String curveText = beta
                ? "a beta model with R25 = 100000 ohm at 298.15 K and beta = 3950 K"
                : "a Steinhart-Hart curve through the part's published points (25 C, " + fmt(p[1]) + " ohm), (" + fmt(p[2]) + " C, " + fmt(p[3])
                        + " ohm) and (" + fmt(p[4]) + " C, " + fmt(p[5]) + " ohm)";
        if (!beta) curveText = curveText.replace("(25 C,", "(" + fmt(p[0]) + " C,");

        String situation = b.pick(
                "A " + bits + " ADC on a printer board samples the " + heater + " thermistor (" + sensor + ") " + samples
                        + " times per report and sends the sum.",
                "During a " + f.label("scenario") + " run, the MCU reported the " + heater + " sensor as the sum of " + samples
                        + " readings of its " + bits + " converter; the thermistor is a " + sensor + ".",
                "The " + heater + " of a printer is measured by a " + sensor + " NTC thermistor read by a " + bits + " ADC that adds up " + samples
                        + " conversions per report.");
        String givens = b.pick(
                " One report carried the sum " + ADC + ". The thermistor sits at the bottom of a divider with a " + PU
                        + " ohm pull-up to the ADC reference.",
                " The divider's pull-up is " + PU + " ohm (thermistor to ground) and the report in question read " + ADC + ".",
                " A single report read " + ADC + " counts; the pull-up resistor to the reference is " + PU + " ohm.");
        String model = b.pick(" Model the sensor with " + curveText + ".", " Use " + curveText + " for the resistance-temperature law.",
                " Take " + curveText + " as the sensor's characteristic.");
        String question = switch (ask) {
            case "temperature" -> b.pick(" What temperature does this report correspond to, and how far is it from the host's own reading of "
                    + HT + " C?", " Convert the report to a temperature in C and compare it with the " + HT + " C the host computed.");
            case "sensitivity" -> b.pick(" How many degrees does one count of the summed reading represent at this point (dT/dADC)?",
                    " Find the temperature and the local sensitivity dT/dADC in C per count of the sum.");
            default -> b.pick(" What is the thermistor's resistance, and what temperature follows from it?",
                    " Work out the thermistor resistance behind this reading and the temperature it implies.");
        };
        b.problem(situation + givens + model + question);

        b.think("First, let me understand what's happening physically. The thermistor and the " + PU
                + " ohm pull-up form a divider, and the ADC measures the voltage across the thermistor as a fraction of its reference. Because the MCU adds "
                + samples + " conversions, the sum " + ADC + " has to be divided by " + samples + " x " + adcMax + " = " + FS
                + ", not by " + adcMax + " alone.");
        b.think("So v = " + ADC + "/" + FS + " = " + V + ". For the divider, v = R/(R + R_p), so R = R_p v/(1 - v) = " + PU + " x " + V
                + "/(1 - " + V + ") = " + R + " ohm. An NTC part has high resistance when cold, so a ratio near 1 means cold and near 0 means hot; "
                + "this value sits in between, which is plausible for a heater in use.");
        if (beta) {
            b.think("With the beta model, 1/T = 1/298.15 + ln(R/100000)/3950. ln(" + R + "/100000) is negative because the part is hotter than 25 C, "
                    + "so 1/T grows smaller and T = " + T + " C. The host reported " + HT + " C; the difference of " + D
                    + " C is not noise: the host fits its curve through three table points, and a pure beta of 3950 drifts from that fit away from 25 C. "
                    + (Math.abs(t - hostT) < 1.5 ? "Near room and bed temperatures the drift stays around a degree, so a tolerance of about 1 C is the honest one for the beta model here."
                            : "At hot-end temperatures the drift grows to many degrees, so the beta model can only be trusted to within about " + D
                                    + " C here; for control at this temperature the three-point curve (or a beta fitted around the working point) is needed."));
        } else {
            b.think("For the Steinhart-Hart curve I need c1, c2, c3 with 1/T = c1 + c2 ln R + c3 (ln R)^3 through the three table points. "
                    + "Subtracting the equations pairwise eliminates c1 and leaves two linear equations in c2 and c3; solving gives c1 = " + C1
                    + ", c2 = " + C2 + ", c3 = " + C3 + ". Then T = 1/(c1 + c2 ln R + c3 ln^3 R) - 273.15 = " + T + " C.");
            b.think("Wait, I should check that against the trace before trusting the coefficients: the host read " + HT + " C from the same report, a difference of "
                    + D + " C, so the fit and the host's curve agree.");
        }
        b.think("Sensitivity: dT/dADC = (dT/d ln R)(d ln R/dv)(dv/dADC). d ln R/dv = 1/(v(1 - v)) from the divider and dv/dADC = 1/" + FS
                + ". Putting the numbers in gives " + S + " C per count of the sum, i.e. " + S1 + " C per LSB of one conversion. "
                + "The sign is negative, as it must be for an NTC part read at the bottom of a divider.");

        b.controlProblem("Convert an oversampled ADC report (sum " + ADC + " of " + samples + " " + bits + " conversions, full scale " + FS
                + ") from a " + sensor + " thermistor with a " + PU + " ohm pull-up into resistance and temperature, and find dT/dADC at that point.");
        b.context("- Hardware limitations: the converter resolves 1 part in " + adcMax + " per sample; oversampling by " + samples
                + " widens the scale to " + FS + " counts but does not remove a divider's nonlinearity.\n"
                + "- Real-time requirements: one conversion per report must be cheap on the host: one logarithm and one division.\n"
                + "- Safety requirements: a reading at either end of the scale means a broken or shorted sensor and must never be turned into a plausible temperature.");
        String step3 = beta
                ? "Step 3: Beta model. 1/T = 1/298.15 + ln(R/100000)/3950 gives T = " + T + " C.\n\n"
                : "Step 3: Steinhart-Hart through the table: c1 = " + C1 + ", c2 = " + C2 + ", c3 = " + C3 + "; T = " + T + " C.\n\n";
        b.analysis("Step 1: Ratio. v = " + ADC + "/(" + samples + " x " + adcMax + ") = " + ADC + "/" + FS + " = " + V + ".\n\n"
                + "Step 2: Divider. R = R_p v/(1 - v) = " + R + " ohm.\n\n"
                + step3
                + "Step 4: Check against the trace. The host read " + HT + " C, a difference of " + D + " C.\n\n"
                + "Step 5: Sensitivity. dT/dADC = (dT/d ln R) / (v (1 - v) " + FS + ") = " + S + " C/count (" + S1 + " C per single-conversion LSB).");
        String curveCtor = beta
                ? "Curve::from_beta(25.0, 100000.0, 3950.0)"
                : "Curve { c1: " + C1 + ", c2: " + C2 + ", c3: " + C3 + " }";
        String code = """
                /// Resistance in ohms.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Ohms(pub f64);

                #[derive(Debug, PartialEq)]
                pub enum SensorError {
                    /// The sum sits on a rail: open or shorted sensor.
                    Rail(u32),
                }

                /// Thermistor to ground, pull-up to the reference, read as a sum of conversions.
                pub struct Divider {
                    pub pullup: Ohms,
                    pub full_scale: u32,
                }

                impl Divider {
                    pub fn ratio(&self, sum: u32) -> Result<f64, SensorError> {
                        if sum == 0 || sum >= self.full_scale {
                            return Err(SensorError::Rail(sum));
                        }
                        Ok(sum as f64 / self.full_scale as f64)
                    }

                    pub fn resistance(&self, sum: u32) -> Result<Ohms, SensorError> {
                        let v = self.ratio(sum)?;
                        Ok(Ohms(self.pullup.0 * v / (1.0 - v)))
                    }
                }

                /// 1/T = c1 + c2 ln R + c3 (ln R)^3, T in kelvin.
                pub struct Curve {
                    pub c1: f64,
                    pub c2: f64,
                    pub c3: f64,
                }

                impl Curve {
                    pub fn from_beta(t0_c: f64, r0: f64, beta: f64) -> Curve {
                        Curve { c1: 1.0 / (t0_c + 273.15) - r0.ln() / beta, c2: 1.0 / beta, c3: 0.0 }
                    }

                    pub fn celsius(&self, r: Ohms) -> f64 {
                        let l = r.0.ln();
                        1.0 / (self.c1 + self.c2 * l + self.c3 * l * l * l) - 273.15
                    }

                    /// dT/dsum at `sum`, in degrees per count.
                    pub fn sensitivity(&self, d: &Divider, sum: u32) -> Result<f64, SensorError> {
                        let v = d.ratio(sum)?;
                        let l = d.resistance(sum)?.0.ln();
                        let inv = self.c1 + self.c2 * l + self.c3 * l * l * l;
                        let dt_dl = -(self.c2 + 3.0 * self.c3 * l * l) / (inv * inv);
                        Ok(dt_dl / (v * (1.0 - v) * d.full_scale as f64))
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_report() {
                        let d = Divider { pullup: Ohms(%PU.0), full_scale: %FS };
                        let c = %CURVE;
                        let r = d.resistance(%ADC).unwrap();
                        assert!((r.0 - %R).abs() < 1e-3 * %R);
                        assert!((c.celsius(r) - %T).abs() < 0.1);
                        let s = c.sensitivity(&d, %ADC).unwrap();
                        let expected: f64 = %S;
                        assert!((s - expected).abs() < 0.01 * expected.abs());
                    }

                    #[test]
                    fn rails_are_errors() {
                        let d = Divider { pullup: Ohms(%PU.0), full_scale: %FS };
                        assert_eq!(d.ratio(0), Err(SensorError::Rail(0)));
                        assert!(d.resistance(%FS).is_err());
                    }
                }
                """.replace("%CURVE", curveCtor).replace("%PU", PU).replace("%FS", FS).replace("%ADC", ADC).replace("%R", R)
                .replace("%T", T).replace("%S", EntryBuilder.rustF64(S));
        b.rust("The conversion returns a Result: a sum on either rail is an error value, so no caller can turn a broken sensor into a temperature by accident; "
                        + "the newtype keeps ohms from being mixed with raw counts.",
                code,
                "The divider owns its full scale, so the scale used for the ratio and for the sensitivity cannot drift apart.");
        b.safety("The reading is safe to act on because it is strictly inside the scale (0 < " + ADC + " < " + FS
                + "), so R = " + R + " ohm is finite and positive. At " + S
                + " C/count, a noise of a few counts moves the reading by well under a degree, so the control loop and the over-temperature checks see a stable value. "
                + (beta ? "The beta model's offset of " + D + " C from the host is a model error, so any limit set from it needs that much margin."
                        : "The table fit reproduces the host's reading within " + D + " C, so limits computed from it line up with the host's."));
        b.edgeCases("- Near the top of the scale (cold) v approaches 1 and R = R_p v/(1 - v) blows up: an open sensor reads there, and the divide must be guarded.\n"
                + "- Near zero (very hot or shorted) ln R falls fast and one count spans many degrees; the sensitivity grows accordingly.\n"
                + "- The sum must fit 16 bits: " + samples + " x " + adcMax + " = " + FS + " <= 65535.");
        b.alternatives("A lookup table with linear interpolation avoids the logarithm but needs many points to match the curve near the extremes. "
                + "A beta model is one parameter and good near its reference point; three-point Steinhart-Hart costs one more term and tracks the part over its whole range. "
                + "A higher pull-up would raise sensitivity at low temperature and lose it when hot; the pull-up should suit the working range.");
        switch (ask) {
            case "temperature" -> b.answer("C", beta ? 0.05 : 0.02, "temperature");
            case "sensitivity" -> b.answer("C/count", Math.abs(sens) * 0.01, "sensitivity");
            default -> b.answer("ohm", r * 1e-3, "resistance");
        }
        return b.build();
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> out = new HashMap<>();
        if (!(trace.at(ref.records().fromLine()) instanceof TraceRecord.Thermal h) || h.adcSum() == null || h.temperatureC() == null) return out;
        String heater = ref.label("heater");
        String sensor = ref.label("sensor");
        double pull = trace.setting("heater." + heater + ".pullup_ohm");
        long oid = H3Recheck.oidOfReading(trace, h.timeS(), h.adcSum());
        String q = H3Recheck.firstMessage(trace, "query_analog_in", "oid", oid);
        if (q == null) return out;
        Map<String, Long> qp = H3Recheck.ints(q);
        long samples = qp.get("sample_count");
        long adcMax = H3Recheck.adcMaxFromLimit(samples, qp.get("max_value"));
        double fs = samples * adcMax;
        int adc = h.adcSum();
        out.put("adc", (double) adc);
        out.put("full_scale", fs);
        out.put("pullup", pull);
        out.put("host_temp", h.temperatureC());
        double v = adc / fs;
        out.put("ratio", v);
        // Divider as a current ratio: the thermistor carries the same current as the pull-up.
        double r = (adc * pull) / (fs - adc);
        out.put("resistance", r);
        java.util.function.DoubleUnaryOperator temp;
        if (sensor.equals("Generic 3950")) {
            temp = ohm -> H3Recheck.betaTemp(ohm, 100000, 25, 3950);
        } else {
            double[] c = H3Recheck.steinhartHart(H3Thermal.TABLES.get(sensor));
            if (c == null) return out;
            out.put("c1", c[0]);
            out.put("c2", c[1]);
            out.put("c3", c[2]);
            temp = ohm -> H3Recheck.shTemp(c, ohm);
        }
        double t = temp.applyAsDouble(r);
        out.put("temperature", t);
        out.put("model_diff", Math.abs(t - h.temperatureC()));
        // Sensitivity by a central difference of half a count either side.
        double up = temp.applyAsDouble(((adc + 0.5) * pull) / (fs - adc - 0.5));
        double dn = temp.applyAsDouble(((adc - 0.5) * pull) / (fs - adc + 0.5));
        out.put("sensitivity", up - dn);
        out.put("sensitivity_single", (up - dn) * samples);
        return out;
    }
}
