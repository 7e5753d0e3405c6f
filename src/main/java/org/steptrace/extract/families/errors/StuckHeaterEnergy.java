package org.steptrace.extract.families.errors;

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
import org.steptrace.extract.families.thermal.H3Thermal;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * A heater stuck on at full power: its rise rate over the seconds before the host's
 * over-temperature shutdown, how long until the heater's maximum temperature would be crossed
 * from there, and the energy a heater of the board's rated power puts in meanwhile.
 */
public final class StuckHeaterEnergy implements Family {
    private static final String[] ASKS = {"time-to-max", "energy", "rate"};
    private static final double FIT_S = 10;

    /** Rated heater power (W) of the built-in boards' heaters, from their board descriptions. */
    static double ratedPower(String board, String heater) {
        boolean bed = heater.equals("heater_bed");
        return switch (String.valueOf(board)) {
            case "avr-cartesian" -> bed ? 220 : 40;
            case "arm-corexy" -> bed ? 300 : 50;
            case "arm-delta" -> bed ? 200 : 40;
            default -> bed ? 250 : 40;
        };
    }

    @Override
    public String id() {
        return "stuck-heater-energy";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        List<TraceView.At<TraceRecord.Fault>> faults = trace.all(TraceRecord.Fault.class);
        List<TraceView.At<TraceRecord.Shutdown>> shut = trace.all(TraceRecord.Shutdown.class);
        if (faults.isEmpty() || shut.isEmpty()) return out;
        TraceRecord.Fault fa = faults.get(0).record();
        TraceRecord.Shutdown s0 = shut.get(0).record();
        if (!"heater-stuck-on".equals(fa.kind()) || fa.heater() == null) return out;
        double tMax = trace.setting("heater." + fa.heater() + ".max_temp_c");
        if (Double.isNaN(tMax)) return out;
        List<TraceView.At<TraceRecord.Thermal>> h = H3Thermal.host(trace, fa.heater());
        TraceView.At<TraceRecord.Thermal> atFault = null, atEnd = null;
        int firstFit = -1;
        SimpleRegression reg = new SimpleRegression();
        for (TraceView.At<TraceRecord.Thermal> at : h) {
            double t = at.record().timeS();
            if (t <= fa.timeS()) atFault = at;
            if (t <= s0.timeS()) atEnd = at;
            if (t > s0.timeS() - FIT_S && t <= s0.timeS()) {
                reg.addData(t, at.record().temperatureC());
                if (firstFit < 0) firstFit = at.line();
            }
        }
        if (atFault == null || atEnd == null || reg.getN() < 10 || !(reg.getSlope() > 0.01)) return out;
        if (atEnd.record().temperatureC() >= tMax) return out;
        Map<String, String> labels = new HashMap<>();
        labels.put("ask", ASKS[(int) Math.floorMod(trace.seed(), 3L)]);
        labels.put("heater", fa.heater());
        labels.put("board", String.valueOf(trace.header().board()));
        Map<String, Double> obs = new HashMap<>();
        obs.put("t_fault", fa.timeS());
        obs.put("t_shutdown", s0.timeS());
        obs.put("temp_fault", atFault.record().temperatureC());
        obs.put("temp_end", atEnd.record().temperatureC());
        obs.put("target", atEnd.record().targetC());
        obs.put("duty_end", atEnd.record().duty());
        obs.put("rate", reg.getSlope());
        obs.put("t_max", tMax);
        Map<String, Double> params = Map.of("power_w", ratedPower(trace.header().board(), fa.heater()));
        out.add(new Finding(new RecordRange(atFault.line(), Math.max(atEnd.line(), shut.get(0).line())), labels, params, obs));
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String ask = f.label("ask");
        String heater = H3Thermal.prose(f.label("heater"));
        double tF = f.observed("t_fault"), tS = f.observed("t_shutdown"), p = f.param("power_w");
        double r = f.observed("rate"), tEnd = f.observed("temp_end"), tMax = f.observed("t_max");
        double dt = tS - tF, avg = (tEnd - f.observed("temp_fault")) / dt, toMax = (tMax - tEnd) / r;

        String TF = b.q("t_fault", tF, 2, "s"), TS = b.q("t_shutdown", tS, 2, "s"), DT = b.q("elapsed", dt, 2, "s");
        String T0 = b.q("temp_fault", f.observed("temp_fault"), 2, "C"), T1 = b.q("temp_end", tEnd, 2, "C"), S = b.q("target", f.observed("target"), 1, "C");
        String R = b.q("rate", r, 4, "C/s"), AVG = b.q("avg_rate", avg, 4, "C/s"), TM = b.q("t_max", tMax, 1, "C");
        String HEAD = b.q("headroom", tMax - tEnd, 2, "C"), TTM = b.q("time_to_max", toMax, 2, "s");
        String P = b.q("power", p, 0, "W"), E = b.q("energy_kj", p * dt / 1000, 2, "kJ"), EM = b.q("energy_to_max_kj", p * toMax / 1000, 2, "kJ");
        String CAP = b.q("apparent_capacity", p / r, 1, "J/K");

        String situation = b.pick(
                "The switch driving a printer's " + heater + " failed closed at t = " + TF + " s, so the heater stayed at full power whatever the controller asked.",
                "At t = " + TF + " s the " + heater + " heater output stuck on (a shorted driver transistor).",
                "A stuck-on heater fault hit the " + heater + " at t = " + TF + " s: from then on it ran at 100 % regardless of the commanded duty.");
        String givens = b.pick(
                " The reading went from " + T0 + " C at the fault to " + T1 + " C at t = " + TS + " s, when the host shut down because the temperature kept rising with the heater commanded off (target " + S
                        + " C). A line through the last 10 s of readings rises at " + R + " C/s. The heater is rated " + P + " W and its maximum allowed temperature is " + TM + " C.",
                " Readings: " + T0 + " C at the fault, " + T1 + " C at the host's over-temperature shutdown (t = " + TS + " s, target " + S + " C); slope over the final 10 s "
                        + R + " C/s. Rated power " + P + " W, maximum temperature " + TM + " C.",
                " The host noticed only at t = " + TS + " s (reading " + T1 + " C against a target of " + S + " C, up from " + T0 + " C at the fault). The last 10 s of readings climb at "
                        + R + " C/s; the " + P + " W heater's limit is " + TM + " C.");
        String question = switch (ask) {
            case "time-to-max" -> b.pick(" If nothing cut the power, how long after the shutdown would the maximum temperature be crossed?",
                    " How much time is left before the limit of " + TM + " C would be crossed at this rate?");
            case "energy" -> b.pick(" How much energy did the heater deliver between the fault and the shutdown?",
                    " Estimate the energy put into the " + heater + " while the fault went unhandled.");
            default -> b.pick(" What does the rise rate say about the heated mass, and how fast did the reading climb on average since the fault?",
                    " Compare the final rise rate with the average since the fault and infer the apparent heat capacity.");
        };
        b.problem(situation + givens + question);

        b.think("First, let me understand what's happening physically. With the switch stuck, the heater dissipates its full " + P
                + " W; the controller can turn the commanded duty to zero but nothing reaches the heater. The temperature climbs until losses balance the power, which for a heater sized to reach its working temperature is far above any safe limit.");
        b.think("Elapsed time from fault to shutdown: " + TS + " - " + TF + " = " + DT + " s. Average climb: (" + T1 + " - " + T0 + ")/" + DT + " = " + AVG + " C/s. The final slope is "
                + R + " C/s.");
        b.think("Time to the limit: the headroom is " + TM + " - " + T1 + " = " + HEAD + " C, so at " + R + " C/s it lasts " + HEAD + "/" + R + " = " + TTM
                + " s. Wait, the rise slows as losses grow with temperature, so the straight line is pessimistic: the real crossing comes a little later. As a safety figure, pessimistic is the right side to err on.");
        b.think("Energy: E = P t = " + P + " W x " + DT + " s, which in kilojoules (divide by 1000) is " + E + " kJ from fault to shutdown; another " + EM + " kJ would take it to the limit. Apparent heat capacity P/r = " + P + "/" + R + " = " + CAP
                + " J/K; that overstates the true capacity, because part of the power is going into losses rather than into temperature.");

        b.controlProblem("A " + P + " W " + heater + " heater stuck on at t = " + TF + " s was caught at t = " + TS + " s at " + T1 + " C, rising at " + R
                + " C/s. Find the time to its " + TM + " C limit, the energy delivered, and what the rate implies.");
        b.context("- Hardware limitations: a failed-closed switch cannot be overridden by the MCU's PWM output; only a separate cut-off (relay, fuse, thermal switch) can remove power.\n"
                + "- Real-time requirements: the host reads the temperature every 0.3 s and checks once per second; its over-temperature rule needs several seconds of rise with the heater commanded off.\n"
                + "- Safety requirements: the heater's maximum temperature must not be crossed, and a stuck heater must trigger a shutdown that cuts its supply.");
        b.analysis("Step 1: Elapsed: " + DT + " s; average climb " + AVG + " C/s, final slope " + R + " C/s.\n\n"
                + "Step 2: Headroom " + HEAD + " C; time to the limit " + HEAD + "/" + R + " = " + TTM + " s (linear, hence pessimistic).\n\n"
                + "Step 3: Energy delivered: " + P + " W x " + DT + " s = " + E + " kJ; to the limit a further " + EM + " kJ.\n\n"
                + "Step 4: Apparent capacity P/r = " + CAP + " J/K (an upper bound on the true capacity because losses are included).");
        b.literal(0.3);
        String code = """
                /// Power in watts and energy in joules, kept apart by type.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Watts(pub f64);
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Joules(pub f64);

                impl Watts {
                    pub fn over(self, seconds: f64) -> Joules {
                        Joules(self.0 * seconds)
                    }
                }

                /// Seconds until `limit` at a constant `rate` (C/s); None if not rising or already past.
                pub fn time_to_limit(temp: f64, limit: f64, rate: f64) -> Option<f64> {
                    if rate <= 0.0 || temp >= limit {
                        return None;
                    }
                    Some((limit - temp) / rate)
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_runaway() {
                        let t = time_to_limit(%T1, %TM, %R).unwrap();
                        let expected: f64 = %TTM;
                        assert!((t - expected).abs() < 0.01 * expected);
                        let e = Watts(%P.0).over(%DT);
                        assert!((e.0 / 1000.0 - %E).abs() < 0.01);
                        assert!(time_to_limit(%TM, %TM, %R).is_none());
                    }
                }
                """.replace("%T1", T1).replace("%TM", TM).replace("%TTM", TTM).replace("%R", R).replace("%P", P).replace("%DT", DT).replace("%E", E);
        b.rust("Newtypes keep watts and joules from being added by mistake, and the time-to-limit helper returns None rather than a negative or infinite time.",
                code,
                "In firmware the heater pin would be owned by one output object, so a shutdown handler that takes ownership can guarantee no other task re-enables it; a stuck switch is outside what software can fix, which is why the supply cut must be separate.");
        b.safety("At shutdown the reading was " + HEAD + " C below the limit with " + TTM + " s to go at the observed slope, so the host's detection came with margin. "
                + "But the shutdown only commands the heater off: with the switch failed closed, the temperature keeps rising, and only an independent cut-off (a relay dropped by the shutdown, or a thermal fuse) ends it. "
                + "The energy figure of " + E + " kJ is what that cut-off must prevent from continuing.");
        b.edgeCases("- If the fault hits while the heater is idle at room temperature, the over-temperature rule waits for the reading to pass target + 15 C with the heater commanded off; with a zero target that never happens, so a separate absolute limit is needed.\n"
                + "- A slower heater (a bed) gives more time but far more energy: the same logic applies with a longer horizon.\n"
                + "- The linear extrapolation ignores the rising losses, so the real time to the limit is longer than " + TTM + " s.");
        b.alternatives("An MCU-side check of the ADC window catches the crossing of the maximum temperature without the host, but only after it happens. "
                + "A current sensor on the heater line would detect power flowing while commanded off within one PWM cycle. A thermal fuse on the block is the last, hardware-only line.");
        switch (ask) {
            case "time-to-max" -> b.answer("s", 0.5, "time_to_max");
            case "energy" -> b.answer("kJ", 0.01, "energy_kj");
            default -> b.answer("C/s", 0.001, "rate", "avg_rate");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> out = new HashMap<>();
        String heater = ref.label("heater");
        TraceRecord.Fault fault = null;
        TraceRecord.Shutdown sd = null;
        for (TraceView.At<TraceRecord.Fault> at : trace.all(TraceRecord.Fault.class)) if (fault == null) fault = at.record();
        for (TraceView.At<TraceRecord.Shutdown> at : trace.all(TraceRecord.Shutdown.class)) if (sd == null) sd = at.record();
        if (fault == null || sd == null) return out;
        TraceRecord.Thermal atFault = null, atEnd = null;
        double n = 0, st = 0, sy = 0, stt = 0, sty = 0;
        for (TraceView.At<TraceRecord.Thermal> at : trace.all(TraceRecord.Thermal.class)) {
            TraceRecord.Thermal r = at.record();
            if (!heater.equals(r.heater()) || r.temperatureC() == null || r.duty() == null) continue;
            if (r.timeS() <= fault.timeS()) atFault = r;
            if (r.timeS() <= sd.timeS()) atEnd = r;
            if (r.timeS() > sd.timeS() - FIT_S && r.timeS() <= sd.timeS()) {
                n++;
                st += r.timeS();
                sy += r.temperatureC();
                stt += r.timeS() * r.timeS();
                sty += r.timeS() * r.temperatureC();
            }
        }
        if (atFault == null || atEnd == null || n < 2) return out;
        double rate = (n * sty - st * sy) / (n * stt - st * st);
        double p = ref.param("power_w"), tMax = trace.setting("heater." + heater + ".max_temp_c");
        double dt = sd.timeS() - fault.timeS();
        out.put("t_fault", fault.timeS());
        out.put("t_shutdown", sd.timeS());
        out.put("elapsed", dt);
        out.put("temp_fault", atFault.temperatureC());
        out.put("temp_end", atEnd.temperatureC());
        out.put("target", atEnd.targetC());
        out.put("rate", rate);
        out.put("avg_rate", (atEnd.temperatureC() - atFault.temperatureC()) / dt);
        out.put("t_max", tMax);
        out.put("headroom", tMax - atEnd.temperatureC());
        double toMax = (tMax - atEnd.temperatureC()) / rate;
        out.put("time_to_max", toMax);
        out.put("power", p);
        out.put("energy_kj", p * dt / 1000);
        out.put("energy_to_max_kj", p * toMax / 1000);
        out.put("apparent_capacity", p / rate);
        return out;
    }
}
