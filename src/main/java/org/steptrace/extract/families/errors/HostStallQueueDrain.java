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
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * A host that stalls mid-motion: how far ahead of the stall the MCU had been scheduled (last step
 * clock sent vs the stall instant, through the clock estimate), whether the step queue ran dry
 * before the host came back, and what followed: the first step sent afterwards was already in
 * the past, and the MCU shut down.
 */
public final class HostStallQueueDrain implements Family {
    private static final String[] ASKS = {"lead", "dry-gap", "lateness"};

    @Override
    public String id() {
        return "host-stall-queue-drain";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    private static boolean hasStep(TraceRecord.WireMessage w) {
        for (String m : w.messages()) if (m.startsWith("queue_step ")) return true;
        return false;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        int stallLine = -1;
        double ts = Double.NaN;
        for (TraceView.At<TraceRecord.Fault> at : trace.all(TraceRecord.Fault.class)) {
            if (at.record().kind().equals("host-stall")) {
                stallLine = at.line();
                ts = at.record().timeS();
                break;
            }
        }
        if (stallLine < 0) return out;
        int lastSend = -1, syncLine = -1, retLine = -1, sdLine = -1;
        for (int line = 2; line <= trace.lines(); line++) {
            TraceRecord r = trace.at(line);
            if (line < stallLine) {
                if (r instanceof TraceRecord.WireMessage w && w.direction().equals("host_to_mcu") && w.kind().equals("data") && w.hostTimeS() <= ts && hasStep(w)) lastSend = line;
                if (r instanceof TraceRecord.ClockSync) syncLine = line;
            } else {
                if (retLine < 0 && r instanceof TraceRecord.WireMessage w && w.direction().equals("host_to_mcu")) retLine = line;
                if (sdLine < 0 && r instanceof TraceRecord.Shutdown s && s.side().equals("mcu") && s.clock() != null) sdLine = line;
            }
        }
        if (lastSend < 0 || syncLine < 0 || retLine < 0 || sdLine < 0) return out;
        long cLast = -1;
        for (int line = 2; line < lastSend; line++) {
            if (trace.at(line) instanceof TraceRecord.StepBatch sb) cLast = Math.max(cLast, sb.lastClock());
        }
        long cNext = -1;
        for (int line = lastSend + 1; line <= trace.lines() && cNext < 0; line++) {
            if (trace.at(line) instanceof TraceRecord.StepBatch sb) cNext = sb.firstClock();
        }
        if (cLast < 0 || cNext < 0) return out;
        TraceRecord.ClockSync cs = (TraceRecord.ClockSync) trace.at(syncLine);
        TraceRecord.Shutdown sd = (TraceRecord.Shutdown) trace.at(sdLine);
        Map<String, Double> obs = new HashMap<>();
        obs.put("ts", ts);
        obs.put("tq", ((TraceRecord.WireMessage) trace.at(lastSend)).hostTimeS());
        obs.put("c_last", (double) cLast);
        obs.put("c0", (double) cs.mcuClock());
        obs.put("r0", cs.receiveTimeS());
        obs.put("fe", cs.frequencyHz());
        obs.put("t_ret", ((TraceRecord.WireMessage) trace.at(retLine)).hostTimeS());
        obs.put("c_next", (double) cNext);
        obs.put("c_sd", (double) sd.clock());
        obs.put("t_sd", sd.timeS());
        Map<String, String> labels = new HashMap<>();
        labels.put("ask", ASKS[(int) Math.floorMod(trace.seed(), (long) ASKS.length)]);
        labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
        labels.put("reason", sd.reason());
        labels.put("sync_line", Integer.toString(syncLine));
        out.add(new Finding(new RecordRange(2, sdLine), labels, Map.of(), obs));
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding fd, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, fd, rng);
        double ts = fd.observed("ts"), tq = fd.observed("tq"), r0 = fd.observed("r0"), fe = fd.observed("fe");
        double tRet = fd.observed("t_ret"), tSd = fd.observed("t_sd");
        long cLast = (long) fd.observed("c_last"), c0 = (long) fd.observed("c0"), cNext = (long) fd.observed("c_next"), cSd = (long) fd.observed("c_sd");
        double f = trace.clockHz();
        double tLast = r0 + (cLast - c0) / fe;
        double lead = tLast - ts;
        double stall = tRet - ts;
        double gap = tRet - tLast;
        double late = (cSd - cNext) / f;
        String ask = fd.label("ask");
        String kin = fd.label("kinematics");
        String reason = fd.label("reason");

        String TS = b.q("ts", ts, 6, "s"), TQ = b.q("tq", tq, 6, "s"), CL = b.count("c_last", cLast, "ticks"), C0 = b.count("c0", c0, "ticks");
        String R0 = b.q("r0", r0, 6, "s"), FE = b.q("fe", fe, 3, "Hz"), TR = b.q("t_ret", tRet, 6, "s"), CN = b.count("c_next", cNext, "ticks");
        String CS = b.count("c_sd", cSd, "ticks"), TSD = b.q("t_sd", tSd, 6, "s"), F = b.count("f", Math.round(f), "Hz");
        String TL = b.q("t_last", tLast, 6, "s"), LD = b.q("lead", lead, 4, "s"), ST = b.q("stall", stall, 4, "s");
        String GP = b.q("gap", gap, 4, "s"), LT = b.q("late", late, 4, "s");

        String situation = b.pick(
                "A " + kin + " printer was in the middle of a long move when its host process froze.",
                "Mid-motion on a " + kin + " machine, the host stopped producing commands for a while (a stall injected on purpose).",
                "The host driving a " + kin + " printer stalled while the toolhead was moving.");
        String givens = b.pick(
                " The stall began at host time " + TS + " s. The last block carrying step commands left the host at " + TQ
                        + " s, and the latest step it scheduled was at MCU clock " + CL + ". The most recent clock estimate before the stall mapped MCU clock " + C0 + " to host time "
                        + R0 + " s at " + FE + " ticks per second (nominal " + F + " Hz). The host sent its next block at " + TR + " s; its first step was for clock " + CN
                        + ". The MCU reported the shutdown reason \"" + reason + "\" at clock " + CS + " (host time " + TSD + " s).",
                " Recorded: stall start " + TS + " s (host time); last step-carrying block sent " + TQ + " s; furthest step clock sent " + CL
                        + "; clock estimate: MCU " + C0 + " at host " + R0 + " s, rate " + FE + " Hz (nominal " + F + " Hz); host resumed sending at " + TR
                        + " s, first new step clock " + CN + "; MCU shutdown \"" + reason + "\" at clock " + CS + ", host time " + TSD + " s.",
                " At host time " + TS + " s nothing more was sent. Before that, at " + TQ + " s, the host had queued steps reaching MCU clock " + CL
                        + ". Its clock model said MCU clock " + C0 + " corresponds to " + R0 + " s, ticking at " + FE + " Hz (nominal " + F + " Hz). At " + TR
                        + " s the host woke up and sent steps starting at clock " + CN + "; the MCU then shut down with \"" + reason + "\" at clock " + CS + " (" + TSD + " s).");
        String question = switch (ask) {
            case "lead" -> b.pick(" How far ahead of the stall was the MCU's step queue filled, in seconds?",
                    " Find the scheduling lead the MCU still had when the host froze.",
                    " When the host stopped, how many seconds of motion were already buffered on the MCU?");
            case "dry-gap" -> b.pick(" Did the step queue run dry before the host returned, and for how long was it empty?",
                    " For how many seconds was the MCU left without queued steps before new ones arrived?",
                    " Decide whether the buffered motion outlasted the stall, and give the idle gap.");
            default -> b.pick(" By how much was the first new step already in the past when the MCU received it, and why did the MCU shut down?",
                    " Explain the shutdown: how late, in seconds, was the first step the host sent after waking up?",
                    " Quantify how stale the resumed commands were and connect that to the shutdown.");
        };
        String opener = b.pick("A print failed with a controller shutdown and the log is under review. ",
                "You are reconstructing the timeline of a failure from a recorded trace. ",
                "An incident report needs the numbers behind a host freeze. ",
                "The robustness of the host-MCU split is being tested with an injected stall. ",
                "");
        String closer = b.pick(" Convert every clock to seconds before comparing.",
                " State which records each number comes from.",
                " Keep the host and MCU time bases apart until the conversion.",
                " Explain the mechanism, not just the numbers.",
                "");
        b.problem(opener + situation + givens + question + closer);

        b.think("First, let me understand what's happening physically. The host plans motion ahead and sends steps stamped with MCU clocks; the MCU just executes its queue. "
                + "If the host stops, the MCU keeps going until the last queued step, then idles. The question is how much buffer there was and what happens when stale commands finally arrive.");
        b.think("Convert the furthest queued clock into host time with the clock estimate: t_last = " + R0 + " + (" + CL + " - " + C0 + ") / " + FE + " = " + TL
                + " s. The stall began at " + TS + " s, so the lead was " + TL + " - " + TS + " = " + LD + " s.");
        b.think(b.pick("Wait, I first divided by the nominal " + F + " Hz. The estimate's rate is the right one for converting clocks near the sync point; here the difference is tiny, but the habit matters for crystals that are off by tens of ppm. ",
                "Let me make sure I use the estimated rate " + FE + " Hz rather than the nominal " + F + " Hz; over a short interval they agree closely, which is reassuring. ")
                + "The stall lasted " + TR + " - " + TS + " = " + ST + " s, far longer than the lead, so yes, the queue ran dry at " + TL + " s and stayed empty for " + TR + " - " + TL + " = " + GP + " s.");
        b.think("When the host woke up it did not know time had moved on for the motion it was in the middle of: the next step it sent was for clock " + CN
                + ", but the MCU was already at clock " + CS + " when it loaded it. That is (" + CS + " - " + CN + ") / " + F + " = " + LT
                + " s in the past. A timer scheduled in the past is a fatal error for the MCU, hence \"" + reason + "\". Check: the lateness is of the same size as the dry gap, as it should be, because the missing motion is exactly what the host tried to resume.");

        b.controlProblem("The host stalled at t_s = " + TS + " s with steps queued up to MCU clock C_last = " + CL + ". With the clock estimate (C_0 = " + C0 + " at " + R0
                + " s, rate " + FE + " Hz), find the lead t_last - t_s, decide whether the queue ran dry before the host returned at " + TR
                + " s, and explain the shutdown caused by the first new step (clock " + CN + ") being loaded at clock " + CS + ".");
        b.context("- Hardware limitations: the MCU has a finite step queue and no planner of its own; it cannot extend motion it was never sent.\n"
                + "- Real-time requirements: the host must keep queued motion ahead of the MCU clock; here the buffer was " + LD + " s while the host was away for " + ST + " s.\n"
                + "- Safety requirements: a command scheduled in the past must not be executed late (that would distort the motion); the MCU shuts down instead, which stops heaters and steppers.");
        b.analysis("Step 1: Map the furthest step to host time. t_last = " + R0 + " + (" + CL + " - " + C0 + ") / " + FE + " = " + TL + " s.\n\n"
                + "Step 2: Lead at the stall. t_last - t_s = " + TL + " - " + TS + " = " + LD + " s.\n\n"
                + "Step 3: Stall length and dry gap. " + TR + " - " + TS + " = " + ST + " s > " + LD + " s, so the queue ran dry; it was empty for " + GP + " s.\n\n"
                + "Step 4: Consequence. The first new step (clock " + CN + ") arrived when the MCU clock was " + CS + ": (" + CS + " - " + CN + ") / " + F + " = " + LT
                + " s late, so the MCU reported \"" + reason + "\" and shut down at " + TSD + " s.");
        b.rust("The MCU-side check is a pure function over clocks, returning a typed error rather than scheduling a timer in the past; the host-side check uses the same types to decide whether it must abandon the move instead of resuming it.",
                """
                #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
                pub struct Clock(pub u64);

                #[derive(Debug, PartialEq)]
                pub enum ScheduleError {
                    InThePast { late_ticks: u64 },
                }

                /// Accept a step only if its clock is still ahead of the MCU's current clock.
                pub fn admit(step: Clock, now: Clock) -> Result<Clock, ScheduleError> {
                    if step.0 <= now.0 {
                        return Err(ScheduleError::InThePast { late_ticks: now.0 - step.0 });
                    }
                    Ok(step)
                }

                /// Host time (s) of an MCU clock through a linear clock estimate.
                pub fn host_time(c: Clock, sync_clock: Clock, sync_time_s: f64, rate_hz: f64) -> f64 {
                    sync_time_s + (c.0 as f64 - sync_clock.0 as f64) / rate_hz
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_stall() {
                        let t_last = host_time(Clock(%CL), Clock(%C0), %R0, %FE);
                        assert!((t_last - %TL).abs() < 1e-4);
                        assert!((t_last - %TS - %LD).abs() < 1e-3);
                        assert!((%TR - t_last - %GP).abs() < 1e-3);
                        match admit(Clock(%CN), Clock(%CS)) {
                            Err(ScheduleError::InThePast { late_ticks }) => {
                                assert!((late_ticks as f64 / %F.0 - %LT).abs() < 1e-3);
                            }
                            Ok(_) => panic!("a stale step was admitted"),
                        }
                    }

                    #[test]
                    fn future_step_is_admitted() {
                        assert_eq!(admit(Clock(%CS + 1), Clock(%CS)), Ok(Clock(%CS + 1)));
                    }
                }
                """.replace("%CL", CL).replace("%C0", C0).replace("%R0", R0).replace("%FE", FE).replace("%TL", TL).replace("%TSD", TSD).replace("%TS", TS)
                        .replace("%LD", LD).replace("%TR", TR).replace("%GP", GP).replace("%CN", CN).replace("%CS", CS).replace("%F", F).replace("%LT", LT),
                "Clock is a newtype with ordering, so comparing a clock with a duration or a host time does not compile; the error carries how late the step was, which is what a log line needs.");
        b.safety("Refusing the stale step is the safe choice: executing " + LT + " s of backlog at once would demand an impossible burst of steps, and executing it late would put the toolhead somewhere the planner never intended. "
                + "Shutting down bounds the damage to the part; the machine state (heaters off, steppers stopped) is known. The root condition is simple to state: motion stays continuous only while the host's lead stays positive, and here a "
                + ST + " s stall against a " + LD + " s buffer made it negative.");
        b.edgeCases("- A stall shorter than the lead is invisible: the queue never empties and the host catches up.\n"
                + "- A stall that ends exactly as the queue drains still fails if the next step is due before the new commands cross the link.\n"
                + "- Heaters are affected too: their commands carry a maximum duration, so a long stall also shuts heaters down even without motion.");
        b.alternatives("A larger buffer (more lead) tolerates longer stalls but delays every pause and feed-rate change by the same amount. "
                + "A host that detects its own stall could discard the unsent motion and re-plan from a stop, turning a shutdown into a visible defect instead; that needs the MCU to report its position reliably first.");
        switch (ask) {
            case "lead" -> b.answer("s", 1e-3, "lead");
            case "dry-gap" -> b.answer("s", 1e-3, "gap");
            default -> b.answer("s", 1e-3, "late");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        int syncLine = Integer.parseInt(ref.label("sync_line"));
        if (!(trace.at(syncLine) instanceof TraceRecord.ClockSync cs)) return r;
        double ts = Double.NaN, tq = Double.NaN, tRet = Double.NaN;
        TraceRecord.Shutdown sd = null;
        int sdLine = ref.records().toLine();
        if (trace.at(sdLine) instanceof TraceRecord.Shutdown s) sd = s;
        if (sd == null || sd.clock() == null) return r;
        int faultLine = -1;
        for (int line = ref.records().fromLine(); line <= sdLine; line++) {
            TraceRecord rec = trace.at(line);
            if (rec instanceof TraceRecord.Fault fl && faultLine < 0) {
                faultLine = line;
                ts = fl.timeS();
            }
        }
        for (int line = ref.records().fromLine(); line <= sdLine; line++) {
            if (!(trace.at(line) instanceof TraceRecord.WireMessage w) || !w.direction().equals("host_to_mcu")) continue;
            if (line < faultLine && w.kind().equals("data") && w.messages().stream().anyMatch(m -> m.startsWith("queue_step"))) tq = w.hostTimeS();
            if (line > faultLine && Double.isNaN(tRet)) tRet = w.hostTimeS();
        }
        long cSd = sd.clock();
        // The MCU's side: the last step of everything it loaded before the shutdown, and the batch that arrived stale.
        long cLast = -1, cNext = -1;
        for (TraceView.At<TraceRecord.McuStepBatch> at : trace.within(ref.records(), TraceRecord.McuStepBatch.class)) {
            TraceRecord.McuStepBatch m = at.record();
            if (m.loadClock() < cSd) {
                long c = m.count();
                long last = m.firstClock();
                long iv = m.interval();
                for (long k = 1; k < c; k++) {
                    iv += m.add();
                    last += iv;
                }
                cLast = Math.max(cLast, last);
            } else if (cNext < 0) {
                cNext = m.firstClock();
            }
        }
        double f = trace.header().clockFreqHz();
        double clkStall = cs.mcuClock() + (ts - cs.receiveTimeS()) * cs.frequencyHz();
        double lead = (cLast - clkStall) / cs.frequencyHz();
        r.put("ts", ts);
        r.put("tq", tq);
        r.put("c_last", (double) cLast);
        r.put("c0", (double) cs.mcuClock());
        r.put("r0", cs.receiveTimeS());
        r.put("fe", cs.frequencyHz());
        r.put("t_ret", tRet);
        r.put("c_next", (double) cNext);
        r.put("c_sd", (double) cSd);
        r.put("t_sd", sd.timeS());
        r.put("f", f);
        r.put("t_last", ts + lead);
        r.put("lead", lead);
        r.put("stall", tRet - ts);
        r.put("gap", (tRet - ts) - lead);
        r.put("late", (cSd - cNext) / f);
        return r;
    }
}
