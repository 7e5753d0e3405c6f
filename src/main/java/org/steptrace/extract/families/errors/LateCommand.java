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
 * A step command that arrived after its own start time: the scheduled first-step clock against the
 * MCU clock when the command was loaded, the lead the host lost while it stalled, the signed 32-bit
 * comparison the MCU uses, and why it shuts down instead of running the command late.
 */
public final class LateCommand implements Family {
    private static final String[] ASKS = {"lateness", "lead-lost", "wire-compare"};

    private static String an(String w) {
        return w.matches("(?i)^[aeiou].*") ? "an" : "a";
    }

    @Override
    public String id() {
        return "timer-too-close";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            TraceView.At<TraceRecord.Shutdown> sd = null;
            for (TraceView.At<TraceRecord.Shutdown> s : trace.all(TraceRecord.Shutdown.class)) {
                if ("mcu".equals(s.record().side()) && "Timer too close".equals(s.record().reason()) && s.record().clock() != null) {
                    sd = s;
                    break;
                }
            }
            if (sd == null) return out;
            TraceView.At<TraceRecord.Fault> fault = null;
            for (TraceView.At<TraceRecord.Fault> f : trace.all(TraceRecord.Fault.class)) if (f.line() < sd.line()) fault = f;
            if (fault == null) return out;
            TraceView.At<TraceRecord.McuStepBatch> late = null;
            for (TraceView.At<TraceRecord.McuStepBatch> m : trace.all(TraceRecord.McuStepBatch.class)) {
                if (m.line() > fault.line() && m.line() < sd.line()) late = m;
            }
            if (late == null || late.record().loadClock() != sd.record().clock() || late.record().firstClock() >= late.record().loadClock()) return out;
            long lateTicks = late.record().loadClock() - late.record().firstClock();
            if (lateTicks >= 2147483648L) return out;
            int seedIdx = (int) Math.floorMod(trace.seed(), 3L);
            for (int i = 0; i < 2; i++) {
                Map<String, String> labels = new HashMap<>();
                labels.put("ask", ASKS[(seedIdx + i) % ASKS.length]);
                labels.put("board", String.valueOf(trace.header().board()));
                labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
                Map<String, Double> obs = new HashMap<>();
                obs.put("sched", (double) late.record().firstClock());
                obs.put("arrive", (double) late.record().loadClock());
                obs.put("freq", trace.clockHz());
                obs.put("t_fault", fault.record().timeS());
                obs.put("interval", (double) late.record().interval());
                obs.put("count", (double) late.record().count());
                out.add(new Finding(new RecordRange(fault.line(), sd.line()), labels, Map.of(), obs));
            }
        } catch (RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String ask = f.label("ask"), board = f.label("board"), kin = f.label("kinematics");
        long s = Math.round(f.observed("sched")), a = Math.round(f.observed("arrive"));
        double freq = f.observed("freq"), tF = f.observed("t_fault");
        long interval = Math.round(f.observed("interval")), count = Math.round(f.observed("count"));
        long s32 = s & 0xFFFFFFFFL, a32 = a & 0xFFFFFFFFL;
        long diff32 = (long) (int) (s32 - a32);
        String S = b.count("sched", s, "ticks"), A = b.count("arrive", a, "ticks"), F = b.count("freq", Math.round(freq), "Hz");
        String SS = b.q("sched_s", s / freq, 4, "s"), AS = b.q("arrive_s", a / freq, 4, "s");
        String LT = b.count("late_ticks", a - s, "ticks"), LS = b.q("late_s", (a - s) / freq, 4, "s");
        String TF = b.q("t_fault", tF, 4, "s"), LEAD = b.q("lead_at_stall", s / freq - tF, 4, "s");
        String GONE = b.q("stalled_for", a / freq - tF, 4, "s");
        String S32 = b.count("sched32", s32, "ticks"), A32 = b.count("arrive32", a32, "ticks"), D32 = b.count("diff32", diff32, "ticks");
        String HALF = b.q("half_range_s", 2147483648.0 / freq, 2, "s");
        String IV = interval > 12 ? b.count("interval", interval, "ticks") : Long.toString(interval);
        String CN = count > 12 ? b.count("count", count, "steps") : Long.toString(count);
        String SPAN = b.q("batch_s", interval * count / freq, 4, "s");

        String intro = b.pick(
                "A " + kin + " printer on " + an(board) + " " + board + " board was in the middle of a move when the host stopped sending for several seconds, starting at " + TF + " s.",
                "On " + an(board) + " " + board + " controller (" + kin + "), the host process stalled at " + TF + " s in the middle of motion and went quiet for several seconds.",
                "Mid-move on a " + kin + " machine with " + an(board) + " " + board + " board, the host froze at t = " + TF + " s and resumed several seconds later.");
        String given = b.pick(
                " When it resumed, the next step command it had queued (" + CN + " steps, first interval " + IV + " ticks) asked for its first step at MCU clock " + S + ", but the MCU only received and loaded it at clock " + A + ". The clock runs at " + F + " Hz. The MCU shut down with \"Timer too close\".",
                " The first step-queue command after the stall was scheduled to start at clock " + S + " (" + CN + " steps, interval " + IV + " ticks); the MCU processed it at clock " + A + " and immediately shut down (\"Timer too close\"). Clock rate: " + F + " Hz.",
                " The MCU (" + F + " Hz) loaded the next step batch, " + CN + " steps at an initial interval of " + IV + " ticks due to begin at clock " + S + ", when its own clock read " + A + ", and shut down reporting \"Timer too close\".");
        String question = switch (ask) {
            case "lateness" -> b.pick(" By how many seconds was the command late when it arrived, and why did the MCU refuse to run it?",
                    " Compute how late the first step was (s) and explain the shutdown.",
                    " How far in the past (s) was the scheduled first step when the command arrived?");
            case "lead-lost" -> b.pick(" How much lead time did the command still have when the host stalled, and how long after the stall did it arrive (s)?",
                    " Compare the command's lead at the moment of the stall with the time the host was gone.",
                    " Find the lead the command had at the stall and the delay until it reached the MCU (both in s).");
            default -> b.pick(" The wire carries only the low 32 bits of clocks. Show how the MCU's signed 32-bit comparison classifies the scheduled time, and up to what lateness that comparison is trustworthy.",
                    " With 32-bit wire clocks, compute the signed difference the MCU sees between the scheduled and current clock and the largest lateness it can still recognise.",
                    " Using 32-bit truncated clocks and a signed difference, decide whether the command is in the past, and state the limit of that test in seconds.");
        };
        b.problem(intro + given + question);

        b.think("First, let me understand what's happening physically. The host plans motion ahead and sends every step batch with an absolute start clock, a little before it is due. The MCU does not ask whether the time is sensible; it just arms a timer for that clock. If the host stalls, the commands it would have sent arrive after their start time, and the MCU has to decide what to do with a timer in the past.");
        b.think("Convert the clocks: scheduled " + S + " / " + F + " = " + SS + " s, arrival " + A + " / " + F + " = " + AS + " s. Lateness: " + LT + " ticks = " + LS + " s. "
                + "At the stall (" + TF + " s) the batch was still " + LEAD + " s in the future, so it was on time when planned; the host was gone " + GONE + " s from the stall until the command was loaded, more than its lead, and the lead was lost.");
        b.think("On the wire these clocks are 32-bit: " + S32 + " and " + A32 + ". The MCU tests 'is before' as (int32)(scheduled - now) < 0. Here (int32)(" + S32 + " - " + A32 + ") = " + D32 + ", negative, so the time is in the past. "
                + "Hmm, wait: that test only works while the lateness stays under half the 32-bit range, 2147483648 ticks = " + HALF + " s at " + F + " Hz. A stall long enough to push the lateness past that would make a past time look like a time far in the future, and the MCU would sleep instead of shutting down. Here " + LS + " s < " + HALF + " s, so the test is sound.");
        b.think("Why not just run it late? The batch is " + CN + " steps at about " + IV + " ticks each (" + SPAN + " s of motion) that belongs to a coordinated move; other axes' batches have their own absolute times, some already past. Running this one now would desynchronise the axes and draw the wrong path, and the compressed timing could exceed the speed and acceleration limits. A shutdown loses the part but keeps the machine's state known.");

        b.controlProblem("A step batch scheduled for MCU clock " + S + " reached the MCU at clock " + A + " (" + F + " Hz) after a host stall starting at " + TF + " s. Quantify the lateness, the lost lead and the 32-bit comparison that detects it, and justify the shutdown.");
        b.context("- Hardware limitations: the MCU timer and all wire clocks are 32-bit; at " + F + " Hz the half range that the signed comparison can resolve is " + HALF + " s.\n"
                + "- Real-time requirements: every step batch must be loaded before its first step is due; the host normally keeps a lead of a fraction of a second, which a stall of several seconds cannot survive.\n"
                + "- Safety requirements: a command whose start clock is already past must never execute; the MCU shuts down, stops all steppers and heaters, and reports the clock at which it did so.");
        b.analysis("Step 1: Times. Scheduled " + SS + " s, arrived " + AS + " s (clock / " + F + " Hz).\n\n"
                + "Step 2: Lateness. " + A + " - " + S + " = " + LT + " ticks = " + LS + " s.\n\n"
                + "Step 3: Lead. At the stall the batch was " + LEAD + " s ahead; the host was gone " + GONE + " s, so the lead was lost.\n\n"
                + "Step 4: Wire comparison. (int32)(" + S32 + " - " + A32 + ") = " + D32 + " < 0: in the past; valid while lateness < " + HALF + " s.\n\n"
                + "Step 5: Decision. Executing " + CN + " steps (" + SPAN + " s of motion) late would break the coordination with the other axes, so the MCU shuts down.");
        String code = """
                /// Why the MCU stopped, and when (its 32-bit clock).
                #[derive(Debug, PartialEq)]
                pub struct Shutdown {
                    pub reason: &'static str,
                    pub clock: u32,
                }

                /// `a` is before `b` on a wrapping 32-bit clock.
                pub fn is_before(a: u32, b: u32) -> bool {
                    (a.wrapping_sub(b) as i32) < 0
                }

                /// Arms a timer for `waketime`; a time already past is a fatal scheduling error.
                pub fn add_timer(now: u32, waketime: u32) -> Result<u32, Shutdown> {
                    if is_before(waketime, now) {
                        Err(Shutdown { reason: "Timer too close", clock: now })
                    } else {
                        Ok(waketime.wrapping_sub(now))
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_late_batch() {
                        let freq: f64 = %F.0;
                        let sched: u64 = %S;
                        let arrived: u64 = %A;
                        assert!(((arrived - sched) as f64 / freq - %LS).abs() < 1e-3);
                        assert!((sched as f64 / freq - %TF - %LEAD).abs() < 1e-3);
                        assert!((2147483648.0 / freq - %HALF).abs() < 0.01);
                        let r = add_timer(arrived as u32, sched as u32);
                        assert_eq!(r, Err(Shutdown { reason: "Timer too close", clock: arrived as u32 }));
                        assert_eq!((sched as u32).wrapping_sub(arrived as u32) as i32, %D32);
                        // the same command one tick ahead of the clock would have been accepted
                        assert_eq!(add_timer(sched as u32 - 1, sched as u32), Ok(1));
                    }
                }
                """.replace("%F", F).replace("%S", S).replace("%A", A).replace("%LS", LS).replace("%TF", TF).replace("%LEAD", LEAD)
                .replace("%HALF", HALF).replace("%D32", D32);
        b.rust("The scheduler returns a Result, so a timer in the past is a value the caller must handle, and the only handling offered is a shutdown carrying the reason and clock; wrapping arithmetic makes the 32-bit comparison explicit.",
                code, "No panics: the comparison never overflows because wrapping_sub is defined for every pair of clocks.");
        b.safety("The shutdown is the safe outcome: the late batch never ran, every stepper stopped at clock " + A + ", and the host learns the exact clock from the shutdown report. The detection is reliable because the lateness " + LS + " s is below the " + HALF + " s limit of the signed test; a host that might stall longer than that must also be caught by something else (the MCU's heater-update deadlines and the host's own lost-communication check).");
        b.edgeCases("- A stall just shorter than the lead would go unnoticed: the batch arrives in time and the print continues with a pause-free motion.\n"
                + "- A lateness beyond " + HALF + " s wraps the signed difference positive; the timer would then fire about a whole wrap later instead of shutting down, which is why the host also bounds how far ahead it schedules.\n"
                + "- A late command for an output that is not time-critical (a fan) is treated the same way: the MCU does not know which timers are critical.\n"
                + "- The other axes' batches that were already loaded kept running until the shutdown and then stopped; their positions are known but the toolpath is broken.");
        b.alternatives("Running late commands immediately (as some firmwares do with a plain G-code stream) keeps the machine moving but loses coordination and can exceed acceleration limits. A larger lead would survive longer stalls but makes the printer react slowly to pauses and needs more MCU queue memory. Detecting the stall on the host and pausing motion cleanly before the lead runs out is the better fix, but requires the host to stay responsive enough to notice.");
        switch (ask) {
            case "lateness" -> b.answer("s", 0.001, "late_s");
            case "lead-lost" -> b.answer("s", 0.001, "lead_at_stall", "stalled_for");
            default -> b.answer("ticks", 0, "diff32");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        TraceRecord.Fault fault = (TraceRecord.Fault) trace.at(ref.records().fromLine());
        TraceRecord.Shutdown sd = (TraceRecord.Shutdown) trace.at(ref.records().toLine());
        TraceRecord.McuStepBatch batch = null;
        for (int line = ref.records().toLine() - 1; line > ref.records().fromLine() && batch == null; line--) {
            if (trace.at(line) instanceof TraceRecord.McuStepBatch m) batch = m;
        }
        double freq = trace.header().clockFreqHz();
        long now = sd.clock(); // the shutdown clock is the clock at which the late command was handled
        long due = batch.firstClock();
        r.put("sched", (double) due);
        r.put("arrive", (double) now);
        r.put("freq", freq);
        r.put("sched_s", due / freq);
        r.put("arrive_s", now / freq);
        r.put("late_ticks", (double) (now - due));
        r.put("late_s", (now - due) / freq);
        r.put("t_fault", fault.timeS());
        r.put("lead_at_stall", due / freq - fault.timeS());
        r.put("stalled_for", now / freq - fault.timeS());
        r.put("sched32", (double) Integer.toUnsignedLong((int) due));
        r.put("arrive32", (double) Integer.toUnsignedLong((int) now));
        r.put("diff32", (double) ((int) due - (int) now));
        r.put("half_range_s", Math.scalb(1.0, 31) / freq);
        r.put("interval", (double) batch.interval());
        r.put("count", (double) batch.count());
        r.put("batch_s", batch.interval() * (double) batch.count() / freq);
        return r;
    }
}
