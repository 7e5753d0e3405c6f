package org.steptrace.extract.families.motion;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.steptrace.extract.Category;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.families.common.EntryBuilder;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * Homing trigger uncertainty: from the endstop polling the host asked for (rest ticks between
 * polls, confirmation samples) and the homing speed, how far the carriage can travel between the
 * switch closing and the MCU noticing, and the systematic travel during confirmation, checked
 * against the trigger and poll clocks the MCU reported.
 */
public final class HomingTrigger implements Family {
    private static final String[] ASKS = {"uncertainty", "poll-travel", "confirm-travel"};
    private static final Pattern FIELD = Pattern.compile("\\b([a-z_]+)=(\\d+)");

    @Override
    public String id() {
        return "homing-trigger-uncertainty";
    }

    @Override
    public Category category() {
        return Category.MOTION;
    }

    private static Map<String, Long> fields(String msg) {
        Map<String, Long> out = new HashMap<>();
        Matcher m = FIELD.matcher(msg);
        while (m.find()) {
            try {
                out.put(m.group(1), Long.parseLong(m.group(2)));
            } catch (NumberFormatException e) {
                // ignore oversized values
            }
        }
        return out;
    }

    private static Map<Integer, String> stepperNames(TraceView trace) {
        Map<Integer, String> names = new HashMap<>();
        for (TraceView.At<TraceRecord.StepBatch> at : trace.all(TraceRecord.StepBatch.class)) {
            names.putIfAbsent(at.record().oid(), at.record().stepper());
        }
        return names;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        String id = trace.id();
        if (!(id.contains("-homing-") || id.contains("-print-"))) return out;
        double f = trace.clockHz();
        if (!(f > 0)) return out;
        Map<Integer, String> names = stepperNames(trace);
        int lastMoveLine = -1;
        int usedMoveLine = -1;
        int n = 0;
        for (int line = 2; line <= trace.lines() && out.size() < 20; line++) {
            TraceRecord r = trace.at(line);
            if (r instanceof TraceRecord.Move) {
                lastMoveLine = line;
                continue;
            }
            if (!(r instanceof TraceRecord.WireMessage w) || !w.direction().equals("host_to_mcu") || !w.kind().equals("data")) continue;
            int stopOid = -1;
            for (String msg : w.messages()) {
                if (msg.startsWith("stepper_stop_on_trigger ") && stopOid < 0) stopOid = fields(msg).getOrDefault("oid", -1L).intValue();
            }
            for (String msg : w.messages()) {
                if (!msg.startsWith("endstop_home ")) continue;
                Map<String, Long> fl = fields(msg);
                long count = fl.getOrDefault("sample_count", 0L);
                if (count <= 0 || count > 20 || lastMoveLine < 0 || lastMoveLine == usedMoveLine) continue;
                long endstop = fl.getOrDefault("oid", -1L), trsync = fl.getOrDefault("trsync_oid", -1L);
                long rest = fl.getOrDefault("rest_ticks", 0L), sample = fl.getOrDefault("sample_ticks", 0L);
                if (rest <= 0 || sample <= 0) continue;
                // The stepper stopped by this trsync, announced in this or an earlier message.
                int oid = stopOid;
                if (oid < 0) oid = findStopOid(trace, lastMoveLine, line, trsync);
                String name = names.get(oid);
                if (name == null) continue;
                double step = trace.setting("stepper." + name + ".step_distance_mm");
                double homingSpeed = trace.setting("stepper." + name + ".homing_speed_mm_per_s");
                if (!(step > 0)) continue;
                // Trigger clock (trsync report) and the endstop's poll clock, later in the trace.
                long trigClock = -1, nextClock = -1;
                int endLine = -1;
                for (int k = line + 1; k <= Math.min(trace.lines(), line + 4000); k++) {
                    if (!(trace.at(k) instanceof TraceRecord.WireMessage m2) || !m2.direction().equals("mcu_to_host")) continue;
                    for (String s : m2.messages()) {
                        Map<String, Long> g = fields(s);
                        if (trigClock < 0 && s.startsWith("trsync_state ") && g.getOrDefault("oid", -2L) == trsync
                                && g.getOrDefault("can_trigger", 1L) == 0 && g.getOrDefault("trigger_reason", 0L) == 1 && g.getOrDefault("clock", 0L) > 0) {
                            trigClock = g.get("clock");
                        }
                        if (trigClock > 0 && nextClock < 0 && s.startsWith("endstop_state ") && g.getOrDefault("oid", -2L) == endstop) {
                            nextClock = g.getOrDefault("next_clock", -1L);
                            endLine = k;
                        }
                    }
                    if (endLine > 0) break;
                }
                if (trigClock <= 0 || nextClock <= 0) continue;
                long delay = Math.floorMod(trigClock - (nextClock - rest), 1L << 32);
                if (delay > 100 * sample) continue;
                TraceRecord.Move mv = (TraceRecord.Move) trace.at(lastMoveLine);
                if (mv.cruiseVMmPerS() <= 0) continue;
                usedMoveLine = lastMoveLine;
                Map<String, Double> obs = new HashMap<>();
                obs.put("v", mv.cruiseVMmPerS());
                obs.put("rest", (double) rest);
                obs.put("sample", (double) sample);
                obs.put("count", (double) count);
                obs.put("step", step);
                obs.put("trig", (double) trigClock);
                obs.put("poll", (double) Math.floorMod(nextClock - rest, 1L << 32));
                Map<String, String> labels = new HashMap<>();
                labels.put("ask", ASKS[n++ % ASKS.length]);
                labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
                labels.put("stepper", name);
                labels.put("endstop_oid", Long.toString(endstop));
                labels.put("trsync_oid", Long.toString(trsync));
                labels.put("pass", homingSpeed > 0 && mv.cruiseVMmPerS() < homingSpeed - 1e-9 ? "second" : "first");
                out.add(new Finding(new RecordRange(lastMoveLine, endLine), labels, Map.of(), obs));
            }
        }
        return out;
    }

    private static int findStopOid(TraceView trace, int from, int to, long trsync) {
        for (int k = from; k <= to; k++) {
            if (!(trace.at(k) instanceof TraceRecord.WireMessage w) || !w.direction().equals("host_to_mcu")) continue;
            for (String msg : w.messages()) {
                if (msg.startsWith("stepper_stop_on_trigger ")) {
                    Map<String, Long> g = fields(msg);
                    if (g.getOrDefault("trsync_oid", -1L) == trsync) return g.getOrDefault("oid", -1L).intValue();
                }
            }
        }
        return -1;
    }

    @Override
    public Draft write(TraceView trace, Finding fd, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, fd, rng);
        double v = fd.observed("v"), step = fd.observed("step");
        long rest = (long) fd.observed("rest"), sample = (long) fd.observed("sample"), count = (long) fd.observed("count");
        long trig = (long) fd.observed("trig"), poll = (long) fd.observed("poll");
        double f = trace.clockHz();
        double tPoll = rest / f, tConf = (count - 1) * sample / f;
        double dxPoll = v * tPoll, dxConf = v * tConf;
        double stepsPerPoll = dxPoll / step;
        double total = dxPoll + step;
        long delay = Math.floorMod(trig - poll, 1L << 32);
        String ask = fd.label("ask");
        String kin = fd.label("kinematics");
        String raw = fd.label("stepper");
        String suffix = raw.startsWith("stepper_") ? raw.substring("stepper_".length()).toUpperCase(java.util.Locale.ROOT) : raw.replace('_', ' ');
        String stepper = kin.equals("delta") ? "tower " + suffix : suffix + "-axis";
        boolean second = fd.label("pass").equals("second");

        String V = b.q("v", v, 3, "mm/s"), D = b.q("step", step, 6, "mm");
        String F = b.count("f", Math.round(f), "Hz"), R = b.count("rest", rest, "ticks"), S = b.count("sample", sample, "ticks");
        String N = Long.toString(count); // a small integer, a common constant
        String TP = b.q("t_poll_us", tPoll * 1e6, 3, "us"), TC = b.q("t_conf_us", tConf * 1e6, 3, "us");
        String XP = b.q("dx_poll", dxPoll, 6, "mm"), XC = b.q("dx_conf", dxConf, 6, "mm");
        String SP = b.q("steps_per_poll", stepsPerPoll, 3, "steps"), UT = b.q("total", total, 6, "mm");
        String TRIG = b.count("trig", trig, "ticks"), POLL = b.count("poll", poll, "ticks"), DL = b.count("delay", delay, "ticks");

        String pass = second ? "the slower second approach" : "the first, fast approach";
        String situation = b.pick(
                "A " + kin + " printer homed its " + stepper + " rail; during " + pass + " the carriage moved toward the switch at " + V + " mm/s.",
                "During homing on a " + kin + " machine, the " + stepper + " carriage approached its endstop at a constant " + V + " mm/s (" + pass + ").",
                "The trace of a " + kin + " printer shows a homing move of the " + stepper + " drive at " + V + " mm/s, " + pass + ".");
        String givens = b.pick(
                " The MCU runs at " + F + " Hz. The host told it to poll the switch every " + R + " ticks and, once the pin reads closed, to confirm with "
                        + N + " consecutive reads spaced " + S + " ticks apart. One step moves the carriage " + D + " mm. The MCU later reported the poll that first saw the switch at clock "
                        + POLL + " and fired the trigger at clock " + TRIG + ".",
                " Endstop sampling: rest interval " + R + " ticks, confirmation of " + N + " reads every " + S + " ticks, MCU clock " + F
                        + " Hz, step distance " + D + " mm. Reported clocks: matching poll at " + POLL + ", trigger at " + TRIG + ".",
                " With a " + F + " Hz timer the endstop is polled every " + R + " ticks; a closed reading must repeat " + N + " times at " + S
                        + "-tick spacing before the steppers are stopped. Each step is " + D + " mm. The first matching poll was at clock " + POLL
                        + " and the trigger at " + TRIG + ".");
        String question = switch (ask) {
            case "uncertainty" -> b.pick(" What is the worst-case uncertainty of the homed position, counting the polling gap and one step of quantisation?",
                    " Bound the position error of the homed origin in mm from the sampling scheme and the step size.",
                    " How precisely, in mm, can this homing locate the switch?");
            case "poll-travel" -> b.pick(" How far can the carriage travel between the switch closing and the poll that sees it, and how many steps is that?",
                    " Find the distance the carriage covers in one polling interval, in mm and in steps.",
                    " Is the polling interval matched to the step rate? Give the travel per poll in mm.");
            default -> b.pick(" How far does the carriage move while the MCU confirms the trigger, and does the trace agree with the expected confirmation delay?",
                    " Compute the systematic overshoot due to the confirmation reads, and check the delay against the reported clocks.",
                    " What travel does the debounce add before the stop, in mm?");
        };
        String opener = b.pick("Repeatability of the machine origin is being audited. ",
                "You are asked to explain where homing error comes from. ",
                "A firmware reviewer wants the error budget of an endstop search. ",
                "Before tightening a part tolerance, the homing precision must be known. ",
                "");
        String closer = b.pick(" Separate random error from systematic offset.",
                " Express distances in millimetres and times in microseconds.",
                " Treat the switch itself as ideal.",
                " Show how each term scales with the approach speed.",
                "");
        String detail = b.pick(" The switch sits at the end of the rail's travel.", " The endstop is a plain switch read as a digital input by the MCU.",
                " Only the MCU watches the switch; the host learns the result afterwards.", " The MCU stops the steppers itself when the trigger fires.", "");
        b.problem(opener + situation + detail + givens + question + closer);

        b.think("First, let me understand what's happening physically. The switch closes at some instant, but the MCU only looks at it at discrete poll times, every "
                + R + " ticks. Whenever the closure happens, the next poll sees it at most one interval later. After that the MCU re-reads the pin "
                + N + " times, " + S + " ticks apart (the first re-read is immediate), and only then stops the steppers.");
        b.think("The poll interval is " + R + " / " + F + " s = " + TP + " µs. At " + V + " mm/s the carriage covers " + V + " · " + TP
                + " µs = " + XP + " mm in one interval. That is " + XP + " / " + D + " = " + SP
                + " steps, so the host picked the interval to be about one step time at the homing speed, which makes sense: polling faster than steps arrive gains nothing.");
        b.think(b.pick("Wait, I first wanted to multiply by " + N + " sample intervals for the confirmation. But the first confirming read is immediate, so only "
                        + N + " - 1 gaps count. ",
                "Careful with the confirmation: " + N + " reads make " + N + " - 1 gaps, because the first re-read happens at the poll itself. ")
                + "The confirmation delay is (" + N + " - 1) · " + S + " / " + F + " s = " + TC + " µs, and the carriage moves " + XC
                + " mm meanwhile. This part is deterministic, so it is a bias the host can subtract, not an uncertainty.");
        b.think("Check against the trace: the trigger clock minus the matching poll clock is " + TRIG + " - " + POLL + " = " + DL
                + " ticks, which should equal (" + N + " - 1) · " + S + " ticks. It does, so the MCU behaved as described.");
        b.think("The uncertainty budget is then the polling gap plus one step of quantisation: " + XP + " + " + D + " = " + UT
                + " mm. The units work: mm/s times s gives mm, and both terms are in mm.");

        b.controlProblem("A carriage approaches its endstop at v = " + V + " mm/s. The MCU (" + F + " Hz) polls every R = " + R
                + " ticks and confirms with N = " + N + " reads S = " + S + " ticks apart; one step is δ = " + D
                + " mm. Find the travel per poll, the confirmation travel, and the worst-case uncertainty of the homed position; check the confirmation delay against the reported trigger and poll clocks.");
        b.context("- Hardware limitations: a mechanical or optical switch closes at a repeatable point only to within its own mechanical repeatability; the sampling adds its own error on top.\n"
                + "- Real-time requirements: the poll is a timer on the MCU every " + TP + " µs; the stop must be issued by the MCU itself, because a round trip to the host would add milliseconds of travel.\n"
                + "- Safety requirements: the carriage must stop before it reaches the hard limit; the confirmation reads reject single-sample noise so a glitch cannot set a wrong origin.");
        b.analysis("Step 1: Poll interval. t_p = R / f = " + TP + " µs.\n\n"
                + "Step 2: Travel per poll. Δx_p = v · t_p = " + XP + " mm = " + SP + " steps of " + D + " mm.\n\n"
                + "Step 3: Confirmation. t_c = (N - 1) · S / f = " + TC + " µs; Δx_c = v · t_c = " + XC + " mm (a fixed bias).\n\n"
                + "Step 4: Trace check. trigger - poll = " + TRIG + " - " + POLL + " = " + DL + " ticks = (N - 1) · S.\n\n"
                + "Step 5: Uncertainty. u = Δx_p + δ = " + UT + " mm.");
        b.rust("The sampling plan is a value type with its clock rate as a const generic, so two plans for different clocks cannot be mixed, and construction rejects a zero interval.",
                """
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct SamplePlan<const HZ: u64> {
                    pub rest_ticks: u64,
                    pub sample_ticks: u64,
                    pub samples: u64,
                }

                #[derive(Debug, PartialEq)]
                pub enum PlanError {
                    ZeroInterval,
                    NoSamples,
                }

                impl<const HZ: u64> SamplePlan<HZ> {
                    pub fn new(rest_ticks: u64, sample_ticks: u64, samples: u64) -> Result<Self, PlanError> {
                        if rest_ticks == 0 || sample_ticks == 0 {
                            return Err(PlanError::ZeroInterval);
                        }
                        if samples == 0 {
                            return Err(PlanError::NoSamples);
                        }
                        Ok(SamplePlan { rest_ticks, sample_ticks, samples })
                    }
                    pub fn poll_s(&self) -> f64 {
                        self.rest_ticks as f64 / HZ as f64
                    }
                    pub fn confirm_ticks(&self) -> u64 {
                        (self.samples - 1) * self.sample_ticks
                    }
                    pub fn confirm_s(&self) -> f64 {
                        self.confirm_ticks() as f64 / HZ as f64
                    }
                    /// Worst-case position uncertainty (mm): one polling gap of travel plus one step.
                    pub fn uncertainty_mm(&self, speed_mm_s: f64, step_mm: f64) -> f64 {
                        speed_mm_s * self.poll_s() + step_mm
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_homing() {
                        let p = SamplePlan::<%F>::new(%R, %S, %N).unwrap();
                        assert!((p.poll_s() * 1e6 - %TP).abs() < 1e-2);
                        assert!((%V * p.poll_s() - %XP).abs() < 1e-5);
                        assert!((%V * p.confirm_s() - %XC).abs() < 1e-5);
                        assert!((p.uncertainty_mm(%V, %D) - %UT).abs() < 1e-5);
                        let trig: u32 = %TRIG;
                        let poll: u32 = %POLL;
                        assert_eq!(p.confirm_ticks(), u64::from(trig.wrapping_sub(poll)));
                        assert_eq!(p.confirm_ticks(), %DL);
                    }

                    #[test]
                    fn rejects_zero_rest() {
                        assert_eq!(SamplePlan::<%F>::new(0, %S, %N), Err(PlanError::ZeroInterval));
                    }
                }
                """.replace("%TRIG", TRIG).replace("%POLL", POLL).replace("%TP", TP).replace("%XP", XP).replace("%XC", XC).replace("%UT", UT)
                        .replace("%DL", DL).replace("%F", F).replace("%R", R).replace("%S", S).replace("%N", N).replace("%V", V).replace("%D", D),
                "Putting the clock rate in the type means a plan built for one board cannot be evaluated with another board's frequency by accident; the compiler keeps them apart.");
        b.safety("The stop is issued by the MCU within " + TC + " µs of the matching poll, so the carriage overruns the switch point by at most " + XP + " + " + XC
                + " mm before the steppers halt. As long as the switch has more over-travel than that, homing can never drive into the hard stop. The confirmation bias of "
                + XC + " mm is the same on every homing, so it cancels in repeatability and only shifts the origin.");
        b.edgeCases("- A switch that bounces during confirmation restarts polling at the next rest point, adding up to one more interval of travel.\n"
                + "- A switch that is already closed at the start would trigger on the first poll; the host must check that the trigger position differs from the start.\n"
                + "- A faster approach scales both Δx_p and Δx_c linearly, which is why a slower second approach is used to refine the origin.");
        b.alternatives("An interrupt on the switch pin would remove the polling gap, but then every bounce reaches the CPU and the debounce must still be timed; polling at one step time bounds the work per second. "
                + "Sensorless homing (stall detection) needs no switch but its uncertainty is a fraction of a full step at best and depends on speed and load.");
        switch (ask) {
            case "uncertainty" -> b.answer("mm", 1e-5, "total");
            case "poll-travel" -> b.answer("mm", 1e-5, "dx_poll", "steps_per_poll");
            default -> b.answer("mm", 1e-5, "dx_conf");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        RecordRange range = ref.records();
        long endstop = Long.parseLong(ref.label("endstop_oid"));
        long trsync = Long.parseLong(ref.label("trsync_oid"));
        if (!(trace.at(range.fromLine()) instanceof TraceRecord.Move mv)) return r;
        long rest = -1, sample = -1, count = -1, nextClock = -1;
        for (TraceView.At<TraceRecord.WireMessage> at : trace.within(range, TraceRecord.WireMessage.class)) {
            for (String s : at.record().messages()) {
                String[] parts = s.split(" ");
                Map<String, String> kv = new HashMap<>();
                for (int i = 1; i < parts.length; i++) {
                    int eq = parts[i].indexOf('=');
                    if (eq > 0) kv.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
                }
                if (parts[0].equals("endstop_home") && rest < 0 && String.valueOf(endstop).equals(kv.get("oid")) && !"0".equals(kv.get("sample_count"))) {
                    rest = Long.parseLong(kv.get("rest_ticks"));
                    sample = Long.parseLong(kv.get("sample_ticks"));
                    count = Long.parseLong(kv.get("sample_count"));
                }
                if (parts[0].equals("endstop_state") && String.valueOf(endstop).equals(kv.get("oid"))) nextClock = Long.parseLong(kv.get("next_clock"));
            }
        }
        // The MCU's own stop record gives the trigger instant (the stepper halts on the trigger).
        long stopClock = -1;
        for (TraceView.At<TraceRecord.StepperStop> at : trace.within(range, TraceRecord.StepperStop.class)) {
            if (stopClock < 0) stopClock = at.record().clock();
        }
        if (stopClock < 0) {
            // fall back to the trsync report
            for (TraceView.At<TraceRecord.WireMessage> at : trace.within(range, TraceRecord.WireMessage.class)) {
                for (String s : at.record().messages()) {
                    if (s.startsWith("trsync_state oid=" + trsync + " can_trigger=0") && !s.endsWith("clock=0")) {
                        stopClock = Long.parseLong(s.substring(s.lastIndexOf('=') + 1));
                    }
                }
            }
        }
        String name = ref.label("stepper");
        double step = trace.setting("stepper." + name + ".step_distance_mm");
        double f = trace.header().clockFreqHz();
        double v = mv.cruiseVMmPerS();
        r.put("v", v);
        r.put("step", step);
        r.put("f", f);
        r.put("rest", (double) rest);
        r.put("sample", (double) sample);
        r.put("count", (double) count);
        long poll = Math.floorMod(nextClock - rest, 1L << 32);
        r.put("poll", (double) poll);
        // The stop record carries the extended clock; the wire carries its low 32 bits.
        long stop32 = stopClock & 0xFFFFFFFFL;
        r.put("trig", (double) stop32);
        r.put("delay", (double) Math.floorMod(stop32 - poll, 1L << 32));
        double usPerTick = 1e6 / f;
        r.put("t_poll_us", rest * usPerTick);
        r.put("t_conf_us", (count - 1) * sample * usPerTick);
        double mmPerTick = v / f;
        r.put("dx_poll", mmPerTick * rest);
        r.put("dx_conf", mmPerTick * sample * (count - 1));
        r.put("steps_per_poll", mmPerTick * rest / step);
        r.put("total", step * (1 + mmPerTick * rest / step));
        return r;
    }
}
