package org.steptrace.extract.families.errors;

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
import org.steptrace.extract.families.thermal.H3Thermal;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * A dead heater or a detached thermistor caught by the host's once-a-second heating check: the
 * delay from the fault to the "not heating at expected rate" shutdown, the deficit below target
 * at that moment, the error the check had integrated, and the latency bound the check's
 * parameters give for a reading stuck a fixed amount below its band.
 */
public final class HeaterVerifyDetection implements Family {
    private static final String[] ASKS = {"delay", "bound", "deficit"};
    static final double MAX_ERROR = 120, HYST = 5, GAIN = 2;

    @Override
    public String id() {
        return "heater-verify-detection";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    static double gainTime(String heater) {
        return heater.equals("heater_bed") ? 60 : 20;
    }

    /** Result of running the check over the trace's readings at instants spaced 1 s, ending at the shutdown. */
    record Sim(double faultAt, double lastReset, boolean approachingAtFault, double errorAtFire, double errorBefore, int integrating, double lastProgress) {}

    static Sim simulate(List<TraceView.At<TraceRecord.Thermal>> h, double tShutdown, double tFault, String heater) {
        double start = h.get(0).record().timeS();
        int k = (int) Math.floor(tShutdown - start);
        double error = 0, goalTemp = 0, goalTime = 0, lastTarget = 0, lastReset = Double.NaN, lastProgress = Double.NaN, prevErr = 0;
        boolean approaching = false, starting = false, apprAtFault = false, faultSeen = false;
        int idx = 0, integ = 0;
        for (int i = k; i >= 0; i--) {
            double now = tShutdown - i;
            while (idx + 1 < h.size() && h.get(idx + 1).record().timeS() <= now) idx++;
            TraceRecord.Thermal r = h.get(idx).record();
            if (r.timeS() > now) continue;
            if (!faultSeen && now >= tFault) {
                faultSeen = true;
                apprAtFault = approaching;
            }
            double t = r.temperatureC(), s = r.targetC();
            prevErr = error;
            if (t >= s - HYST || s <= 0) {
                approaching = false;
                starting = false;
                if (t <= s + HYST) {
                    error = 0;
                    lastReset = now;
                    integ = 0;
                }
                lastTarget = s;
                continue;
            }
            error += (s - HYST) - t;
            integ++;
            if (!approaching) {
                if (s != lastTarget) {
                    approaching = true;
                    starting = true;
                    goalTemp = t + GAIN;
                    goalTime = now + gainTime(heater);
                } else if (error >= MAX_ERROR) {
                    return new Sim(now, lastReset, apprAtFault, error, prevErr, integ, lastProgress);
                }
            } else if (t >= goalTemp) {
                starting = false;
                error = 0;
                integ = 0;
                lastReset = now;
                lastProgress = now;
                goalTemp = t + GAIN;
                goalTime = now + gainTime(heater);
            } else if (now >= goalTime) {
                approaching = false;
            } else if (starting) {
                goalTemp = Math.min(goalTemp, t + GAIN);
            }
            lastTarget = s;
        }
        return null;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        List<TraceView.At<TraceRecord.Fault>> faults = trace.all(TraceRecord.Fault.class);
        List<TraceView.At<TraceRecord.Shutdown>> shut = trace.all(TraceRecord.Shutdown.class);
        if (faults.isEmpty() || shut.isEmpty()) return out;
        TraceRecord.Fault fa = faults.get(0).record();
        TraceRecord.Shutdown s0 = shut.get(0).record();
        if (!("heater-dead".equals(fa.kind()) || "thermistor-detached".equals(fa.kind())) || fa.heater() == null) return out;
        if (!"host".equals(s0.side()) || s0.reason() == null || !s0.reason().contains("not heating at expected rate")) return out;
        List<TraceView.At<TraceRecord.Thermal>> h = H3Thermal.host(trace, fa.heater());
        if (h.size() < 10) return out;
        Sim sim = simulate(h, s0.timeS(), fa.timeS(), fa.heater());
        if (sim == null || Math.abs(sim.faultAt() - s0.timeS()) > 1e-9 || Double.isNaN(sim.lastReset())) return out;
        TraceView.At<TraceRecord.Thermal> last = null;
        for (TraceView.At<TraceRecord.Thermal> at : h) if (at.record().timeS() <= s0.timeS()) last = at;
        if (last == null) return out;
        double d = last.record().targetC() - HYST - last.record().temperatureC();
        if (!(d > 0.5)) return out;
        Map<String, String> labels = new HashMap<>();
        labels.put("ask", ASKS[(int) Math.floorMod(trace.seed(), 3L)]);
        labels.put("kind", fa.kind());
        labels.put("heater", fa.heater());
        labels.put("mode", sim.approachingAtFault() && !Double.isNaN(sim.lastProgress()) ? "approach" : "hold");
        Map<String, Double> obs = new HashMap<>();
        obs.put("t_fault", fa.timeS());
        obs.put("t_shutdown", s0.timeS());
        obs.put("target", last.record().targetC());
        obs.put("temp", last.record().temperatureC());
        obs.put("error_fire", sim.errorAtFire());
        obs.put("error_before", sim.errorBefore());
        obs.put("integrating", (double) sim.integrating());
        obs.put("last_reset", sim.lastReset());
        obs.put("last_progress", Double.isNaN(sim.lastProgress()) ? -1 : sim.lastProgress());
        out.add(new Finding(new RecordRange(h.get(0).line(), Math.max(shut.get(0).line(), last.line())), labels, Map.of(), obs));
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String ask = f.label("ask");
        boolean detached = f.label("kind").equals("thermistor-detached");
        boolean approach = f.label("mode").equals("approach");
        String heater = H3Thermal.prose(f.label("heater"));
        double g = gainTime(f.label("heater"));
        double tF = f.observed("t_fault"), tS = f.observed("t_shutdown"), s = f.observed("target"), t = f.observed("temp");
        double deficit = s - t, d = s - HYST - t;
        long nChecks = (long) Math.ceil(MAX_ERROR / d);
        double bound = approach ? Math.max(g + 1, nChecks) : nChecks;
        double ref = approach ? f.observed("last_progress") : f.observed("last_reset");
        double since = tS - ref;
        b.literal(g);

        String TF = b.q("t_fault", tF, 2, "s"), TS = b.q("t_shutdown", tS, 2, "s"), DEL = b.q("delay", tS - tF, 2, "s");
        String S = b.q("target", s, 1, "C"), T = b.q("temp", t, 2, "C"), DEF = b.q("deficit", deficit, 2, "C"), DB = b.q("below_band", d, 2, "C");
        String EF = b.q("error_fire", f.observed("error_fire"), 1, "C*s"), EB = b.q("error_before", f.observed("error_before"), 1, "C*s");
        String REF = b.q("ref_time", ref, 2, "s"), SINCE = b.q("since_ref", since, 2, "s");
        String N = Long.toString(nChecks);
        String B = b.q("bound", bound, 1, "s");
        String what = detached ? "its thermistor came loose from the block and now reads the surrounding air" : "its heater element stopped delivering power";

        String situation = b.pick(
                "A printer's " + heater + " failed at t = " + TF + " s: " + what + ". The host's heating check shut the machine down at t = " + TS + " s.",
                "In a fault test on the " + heater + ", " + what + " (t = " + TF + " s); the host declared the heater not heating at the expected rate at t = " + TS + " s.",
                "Fault injected at t = " + TF + " s on the " + heater + " (" + what + "). Shutdown by the host's heating-rate check: t = " + TS + " s.");
        String givens = b.pick(
                " The target was " + S + " C and the last reading before the shutdown was " + T + " C. The check runs once per second: below target minus 5 C it adds the shortfall to an error sum and faults at 120 C*s; while approaching a new target it instead demands a gain of 2 C every "
                        + fmt(g) + " s, resetting the sum on each gain.",
                " Target " + S + " C, reading " + T + " C at the shutdown. Check parameters: band 5 C below target, error limit 120 C*s (sum of per-second shortfalls), progress rule 2 C per " + fmt(g) + " s while heating towards a new target.",
                " At the shutdown the reading was " + T + " C against a target of " + S + " C. The once-a-second check integrates (target - 5 C - reading) and trips at 120 C*s; during an approach it only requires 2 C of rise within each " + fmt(g) + " s window.");
        String question = switch (ask) {
            case "delay" -> b.pick(" How long did detection take, and what sets that time?", " Explain the delay between fault and shutdown from the check's rules.");
            case "bound" -> b.pick(" What detection latency does the check guarantee for a reading stuck this far below its band?",
                    " Bound the time the check needs to trip for a reading that stays at this deficit.");
            default -> b.pick(" What was the temperature deficit at the shutdown, and how much error had the check integrated?",
                    " Find the deficit below target and the integrated error when the check fired.");
        };
        b.problem(situation + givens + question);

        b.think("First, let me understand what's happening physically. " + (detached
                ? "The heater still works, but the controller sees a reading near room temperature, so it drives full power while believing nothing happens."
                : "The controller keeps asking for power, but none arrives, so the temperature drifts down and the reading lags further and further behind the target.")
                + " Nothing is out of range electrically, so only a plausibility check over time can notice.");
        b.think("Delay: " + TS + " - " + TF + " = " + DEL + " s. At the shutdown the deficit was " + S + " - " + T + " = " + DEF + " C, i.e. " + DB
                + " C below the band edge at target minus 5 C; that is what each check added to the error sum at the end.");
        if (approach) {
            b.think("At the fault the check was in approach mode: the last 2 C gain was registered at t = " + REF + " s, which reset the sum and set the next deadline "
                    + fmt(g) + " s later. After the fault no further gain arrived, so at the deadline the check fell back to pure integration" + (nChecks <= g + 1 ? ", and the sum, which had been growing the whole time, was already over the limit at the next check." : " and kept adding the shortfall until the sum crossed the limit."));
        } else {
            b.think("At the fault the check was holding (no approach in progress): the sum was last reset at t = " + REF
                    + " s, the last check with the reading inside the band. From then on each second added the shortfall below the band until the sum crossed 120 C*s.");
        }
        b.think("Integrated error: " + EB + " C*s one check before the shutdown and " + EF + " C*s at the check that fired, " + SINCE + " s after t = " + REF
                + " s. " + (approach && f.observed("error_before") >= MAX_ERROR
                        ? "Wait, if the sum was already above 120 in approach mode, why no earlier fault? Because the limit is only tested when not approaching; during the approach the progress rule is the test."
                        : "Let me double-check the crossing: the sum before the last check was under 120 C*s and the last check took it over, so the trip happened at the first possible check."));
        b.think("Bound: for a reading stuck " + DB + " C below the band, the sum needs ceil(120/" + DB + ") = " + N + " checks. "
                + (approach ? "In approach mode the fallback waits for the " + fmt(g) + " s deadline plus one check, so the trip comes max(" + fmt(g) + " + 1, " + N + ") = " + B
                        + " s after the last gain; observed: " + SINCE + " s."
                        : "Holding, the trip comes " + N + " checks after the reading leaves the band if it jumps there at once: " + B + " s; observed " + SINCE
                                + " s from the last reset, longer because the shortfall grew gradually."));

        b.controlProblem("Explain and bound the host's detection of a " + (detached ? "detached thermistor" : "dead heater") + " on the " + heater + ": fault at " + TF + " s, shutdown at " + TS
                + " s, target " + S + " C, last reading " + T + " C.");
        b.context("- Hardware limitations: the sensor and heater are both electrically fine in this fault class, so the MCU's ADC window cannot see it.\n"
                + "- Real-time requirements: the check runs once per second on the host; detection time is a whole number of checks after the last reset.\n"
                + "- Safety requirements: a heater driven at full power against a sensor that does not respond must be stopped before the block overheats.");
        b.analysis("Step 1: Delay: " + TS + " - " + TF + " = " + DEL + " s.\n\n"
                + "Step 2: Deficit at shutdown: " + S + " - " + T + " = " + DEF + " C; below the band edge by " + DB + " C.\n\n"
                + "Step 3: Integrated error: " + EB + " C*s, then " + EF + " C*s >= 120 C*s at the firing check, " + SINCE + " s after the " + (approach ? "last gain" : "last reset") + " at " + REF + " s.\n\n"
                + "Step 4: Bound for a constant shortfall of " + DB + " C: ceil(120/" + DB + ") = " + N + " checks; "
                + (approach ? "with the approach deadline: max(" + fmt(g) + " + 1, " + N + ") = " + B + " s after the last gain." : B + " s after leaving the band."));
        String code = """
                /// The once-a-second heating check (integrating shortfall below a band).
                #[derive(Debug, Default)]
                pub struct HeatingCheck {
                    error: f64,
                }

                #[derive(Debug, PartialEq)]
                pub enum CheckResult {
                    Fine,
                    Fault,
                }

                impl HeatingCheck {
                    pub const BAND: f64 = 5.0;
                    pub const LIMIT: f64 = 120.0;

                    pub fn step(&mut self, reading: f64, target: f64) -> CheckResult {
                        if reading >= target - Self::BAND || target <= 0.0 {
                            self.error = 0.0;
                            return CheckResult::Fine;
                        }
                        self.error += target - Self::BAND - reading;
                        if self.error >= Self::LIMIT {
                            CheckResult::Fault
                        } else {
                            CheckResult::Fine
                        }
                    }

                    pub fn error(&self) -> f64 {
                        self.error
                    }
                }

                /// Checks needed for a constant shortfall `below_band` (C) to reach the limit.
                pub fn checks_needed(below_band: f64) -> Option<u32> {
                    if below_band <= 0.0 {
                        return None;
                    }
                    Some((HeatingCheck::LIMIT / below_band).ceil() as u32)
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_shortfall() {
                        let target: f64 = %S;
                        assert!((target - 5.0 - %T - %DB).abs() < 0.1);
                        assert_eq!(checks_needed(%DB), Some(%N));
                    }

                    #[test]
                    fn constant_shortfall_trips_after_n_checks() {
                        let mut c = HeatingCheck::default();
                        let mut n = 0;
                        while c.step(%T, %S) == CheckResult::Fine {
                            n += 1;
                        }
                        assert_eq!(n + 1, %N);
                        assert!(c.error() >= 120.0);
                    }
                }
                """.replace("%S", S).replace("%T", T).replace("%DB", DB).replace("%N", N);
        b.rust("The check's error sum is private state that only `step` can change, so no other code path can silently clear it; the latency helper returns None for a reading that is not below the band.",
                code,
                "The approach rule would be a second state (an enum variant carrying its deadline) wrapped around this integrator.");
        b.safety("The check is sound for this fault class: any reading that stays below the band adds a positive amount every second, so the sum must reach 120 C*s; with a shortfall of at least "
                + DB + " C that takes at most " + N + " checks once integration is the active rule. "
                + (detached ? "Meanwhile the heater ran at full power; the block's real temperature rises during the whole delay of " + DEL + " s, which is why the bound matters."
                        : "A dead heater only cools, so the delay of " + DEL + " s costs print quality, not safety."));
        b.edgeCases("- A thermistor that detaches while the heater is near target reads far below the band at once, and the first check after it can already trip.\n"
                + "- During a long approach the progress rule, not the sum, governs; a reading that keeps creeping up by 2 C per window is never flagged.\n"
                + "- If the reading is older than a few seconds the check treats it as 0 C, which trips quickly rather than trusting a stale value.");
        b.alternatives("A model-based check (predict the temperature from the commanded power and compare) detects both faults within seconds but needs a plant model per heater. "
                + "A tighter limit or band trips sooner but risks false alarms when a part-cooling fan hits the nozzle. The integrating check is cheap and model-free.");
        switch (ask) {
            case "delay" -> b.answer("s", 0.01, "delay");
            case "bound" -> b.answer("s", 0.5, "bound");
            default -> b.answer("C", 0.01, "deficit");
        }
        return b.build();
    }

    private static String fmt(double x) {
        return Long.toString((long) x);
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
        List<TraceRecord.Thermal> rs = new ArrayList<>();
        for (TraceView.At<TraceRecord.Thermal> at : trace.within(ref.records(), TraceRecord.Thermal.class)) {
            TraceRecord.Thermal t = at.record();
            if (heater.equals(t.heater()) && t.temperatureC() != null && t.targetC() != null) rs.add(t);
        }
        if (rs.isEmpty()) return out;
        // Replay the check forward over the 1 s instants that end at the shutdown.
        double g = heater.equals("heater_bed") ? 60 : 20;
        double first = rs.get(0).timeS();
        double sum = 0, before = 0, goalT = 0, goalAt = 0, prevTarget = 0, reset = Double.NaN, progress = Double.NaN;
        int mode = 0; // 0 = integrating, 1 = approaching (starting), 2 = approaching
        int j = -1;
        double fireSum = Double.NaN;
        for (double now = sd.timeS() - Math.floor(sd.timeS() - first); now <= sd.timeS() + 1e-9; now += 1) {
            while (j + 1 < rs.size() && rs.get(j + 1).timeS() <= now + 1e-12) j++;
            if (j < 0) continue;
            double temp = rs.get(j).temperatureC(), target = rs.get(j).targetC();
            before = sum;
            if (target <= 0 || temp >= target - 5) {
                mode = 0;
                if (temp <= target + 5) {
                    sum = 0;
                    reset = now;
                }
                prevTarget = target;
                continue;
            }
            sum += target - 5 - temp;
            if (mode == 0 && target != prevTarget) {
                mode = 1;
                goalT = temp + 2;
                goalAt = now + g;
            } else if (mode == 0) {
                if (sum >= 120) {
                    fireSum = sum;
                    break;
                }
            } else if (temp >= goalT) {
                mode = 2;
                sum = 0;
                reset = now;
                progress = now;
                goalT = temp + 2;
                goalAt = now + g;
            } else if (now >= goalAt) {
                mode = 0;
            } else if (mode == 1) {
                goalT = Math.min(goalT, temp + 2);
            }
            prevTarget = target;
        }
        TraceRecord.Thermal last = null;
        for (TraceRecord.Thermal t : rs) if (t.timeS() <= sd.timeS()) last = t;
        if (last == null || Double.isNaN(fireSum)) return out;
        boolean approach = ref.label("mode").equals("approach");
        double s = last.targetC(), t = last.temperatureC();
        double d = s - 5 - t;
        out.put("t_fault", fault.timeS());
        out.put("t_shutdown", sd.timeS());
        out.put("delay", sd.timeS() - fault.timeS());
        out.put("target", s);
        out.put("temp", t);
        out.put("deficit", s - t);
        out.put("below_band", d);
        out.put("error_fire", fireSum);
        out.put("error_before", before);
        double refTime = approach ? progress : reset;
        out.put("ref_time", refTime);
        out.put("since_ref", sd.timeS() - refTime);
        // smallest n with n * d >= 120, by counting
        long n = 1;
        while (n * d < 120) n++;
        out.put("bound", approach ? Math.max(g + 1, n) : n);
        return out;
    }
}
