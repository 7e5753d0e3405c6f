package org.steptrace.extract.families.realtime;

import java.util.ArrayDeque;
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
 * How far ahead the host schedules: the first step clock of a step batch against the host time
 * the block carrying it was written, converted through the latest clock-sync estimate, and what
 * that lead buys against a host stall.
 */
public final class SchedulingLeadTime implements Family {
    private static final String[] ASKS = {"lead", "margin", "ticks"};
    private static final double[] STALLS = {0.25, 0.1, 0.5, 1.0};
    private static final int MAX = 12;

    @Override
    public String id() {
        return "scheduling-lead-time";
    }

    @Override
    public Category category() {
        return Category.REAL_TIME;
    }

    private record Cand(int syncLine, int batchLine, int msgLine, TraceRecord.ClockSync sync, TraceRecord.StepBatch batch,
                        TraceRecord.WireMessage msg, int queueSteps) {}

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double baud = trace.setting("serial_baud");
        if (!(trace.clockHz() > 0) || !(baud > 0)) return out;
        Map<Integer, ArrayDeque<TraceView.At<TraceRecord.StepBatch>>> pending = new HashMap<>();
        TraceView.At<TraceRecord.ClockSync> sync = null;
        List<Cand> cands = new ArrayList<>();
        for (int line = 2; line <= trace.lines(); line++) {
            TraceRecord r = trace.at(line);
            if (r instanceof TraceRecord.StepBatch sb) {
                pending.computeIfAbsent(sb.oid(), k -> new ArrayDeque<>()).add(new TraceView.At<>(line, sb));
            } else if (r instanceof TraceRecord.ClockSync cs) {
                if (cs.sentTimeS() > 0 && cs.frequencyHz() > 0) sync = new TraceView.At<>(line, cs);
            } else if (r instanceof TraceRecord.WireMessage m && "host_to_mcu".equals(m.direction()) && "data".equals(m.kind()) && m.messages() != null) {
                TraceView.At<TraceRecord.StepBatch> first = null;
                int qs = 0;
                for (String msg : m.messages()) {
                    if (!msg.startsWith("queue_step ")) continue;
                    qs++;
                    int oid = intParam(msg, "oid");
                    ArrayDeque<TraceView.At<TraceRecord.StepBatch>> q = pending.get(oid);
                    if (q == null || q.isEmpty()) continue;
                    TraceView.At<TraceRecord.StepBatch> sb = q.poll();
                    if (sb.record().interval() != longParam(msg, "interval") || sb.record().count() != intParam(msg, "count")) continue;
                    if (first == null && sb.record().interval() < (1L << 31) && sb.record().count() > 0) first = sb;
                }
                if (first != null && sync != null && sync.line() < first.line()) {
                    cands.add(new Cand(sync.line(), first.line(), line, sync.record(), first.record(), m, qs));
                }
            }
        }
        if (cands.isEmpty()) return out;
        int want = Math.min(MAX, cands.size());
        for (int k = 0; k < want; k++) {
            Cand c = cands.get((int) ((long) k * cands.size() / want));
            Map<String, Double> obs = new HashMap<>();
            obs.put("first_clock", (double) c.batch().firstClock());
            obs.put("t_send", c.msg().hostTimeS());
            obs.put("t_sync", c.sync().sentTimeS());
            obs.put("c_sync", (double) c.sync().mcuClock());
            obs.put("freq", c.sync().frequencyHz());
            obs.put("bytes", (double) c.msg().lengthBytes());
            obs.put("baud", baud);
            obs.put("qsteps", (double) c.queueSteps());
            obs.put("count", (double) c.batch().count());
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[k % ASKS.length]);
            labels.put("scenario", H5Scenario.kind(trace));
            labels.put("stepper", c.batch().stepper() == null ? "a stepper" : c.batch().stepper());
            labels.put("batch_line", Integer.toString(c.batchLine()));
            out.add(new Finding(new RecordRange(c.syncLine(), c.msgLine()), labels, Map.of("stall", STALLS[(k / 3) % STALLS.length]), obs));
        }
        return out;
    }

    private static String param(String msg, String key) {
        for (String part : msg.split(" ")) {
            if (part.startsWith(key + "=")) return part.substring(key.length() + 1);
        }
        return "0";
    }

    private static int intParam(String msg, String key) {
        return (int) longParam(msg, key);
    }

    private static long longParam(String msg, String key) {
        try {
            return Long.parseLong(param(msg, key));
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double fn = trace.clockHz();
        double firstClock = f.observed("first_clock"), tSend = f.observed("t_send"), tSync = f.observed("t_sync"), cSync = f.observed("c_sync");
        double freq = f.observed("freq"), bytes = f.observed("bytes"), baud = f.observed("baud");
        double dTicks = firstClock - cSync;
        double dS = dTicks / freq;
        double tStep = tSync + dS;
        double lead = tStep - tSend;
        double clockAtSend = cSync + (tSend - tSync) * freq;
        double leadTicks = firstClock - clockAtSend;
        double wire = bytes * 10 / baud;
        double stall = f.param("stall");
        double margin = lead - stall;
        String ask = f.label("ask");
        String stepper = f.label("stepper").replace('_', ' ');
        String kind = f.label("scenario");

        String FN = b.q("f_nominal", fn, 0, "Hz");
        String FC = b.count("first_clock", (long) firstClock, "ticks");
        String TS = b.q("t_send", tSend, 6, "s");
        String TY = b.q("t_sync", tSync, 6, "s");
        String CY = b.count("c_sync", (long) cSync, "ticks");
        String FR = b.q("freq", freq, 3, "Hz");
        String BY = b.wholeNumber("bytes", (long) bytes, "bytes");
        String BD = b.count("baud", (long) baud, "baud");
        String QS = b.wholeNumber("qsteps", (long) f.observed("qsteps"), "commands");
        String CNT = b.wholeNumber("count", (long) f.observed("count"), "steps");
        String DT = b.count("d_ticks", (long) dTicks, "ticks");
        String DS = b.q("d_s", dS, 6, "s");
        String TST = b.q("t_step", tStep, 6, "s");
        String LEAD = b.q("lead_ms", lead * 1000, 3, "ms", 1e-4);
        String CAS = b.q("clock_at_send", clockAtSend, 0, "ticks", 1e-6);
        String LT = b.q("lead_ticks", leadTicks, 0, "ticks", 1e-4);
        String WIRE = b.q("wire_ms", wire * 1000, 3, "ms");
        boolean asksMargin = ask.equals("margin");
        boolean alone = f.observed("qsteps") == 1;
        String ST = asksMargin ? b.q("stall_s", stall, 2, "s") : "";
        String MG = asksMargin ? b.q("margin_ms", margin * 1000, 2, "ms", 1e-4) : "";
        boolean survives = margin > 0;

        String intro = b.pick(
                "A host drives " + H5Scenario.boardWords(trace) + " (nominal clock " + FN + " Hz) " + H5Scenario.doing(kind) + ". ",
                "The following was recorded " + H5Scenario.doing(kind) + " on " + H5Scenario.boardWords(trace) + " clocked at a nominal " + FN + " Hz. ",
                "Consider a host streaming motion to " + H5Scenario.boardWords(trace) + " whose timer runs at " + FN + " Hz nominally, " + H5Scenario.doing(kind) + ". ");
        String sync = b.pick(
                "The host's latest clock sample says the MCU read " + CY + " ticks at host time " + TY + " s, and its frequency estimate is " + FR + " Hz. ",
                "Its clock synchroniser last observed MCU clock " + CY + " at host time " + TY + " s, with an estimated frequency of " + FR + " Hz. ",
                "Clock model in force: at host time " + TY + " s the MCU counter was " + CY + ", advancing at an estimated " + FR + " ticks per second. ");
        String block = b.pick(
                "At host time " + TS + " s the host began writing a " + BY + "-byte block holding " + (alone ? "one step-queue command (carrying interval, count and add); it schedules " : QS + " step-queue commands (each carrying interval, count and add); the first of them schedules ") + CNT + " steps of the " + stepper + " motor starting at MCU clock " + FC + ". The serial link runs at " + BD + " baud.",
                "A " + BY + "-byte block with " + (alone ? "a single step-queue command" : QS + " step-queue commands") + " left the host at " + TS + " s over a " + BD + " baud link. Its first command starts a run of " + CNT + " " + stepper + " steps whose first step is due at MCU clock " + FC + ".",
                "At " + TS + " s (host time) a block of " + BY + " bytes went out on the " + BD + " baud serial line; its first step-queue command (one of " + QS + ") puts the first of " + CNT + " " + stepper + " steps at clock " + FC + ".");
        String question = switch (ask) {
            case "lead" -> b.pick(" How far ahead of its execution (in ms) was that first step sent? Explain why the host works that far ahead.",
                    " Compute the scheduling lead time of the first step in milliseconds, and compare it with the time the block takes on the wire.");
            case "margin" -> b.pick(" If the host then stalled for " + ST + " s and sent nothing more, would this step still have been delivered in time, and by what margin (ms)?",
                    " A host stall of " + ST + " s starts right after this block. What margin in milliseconds is left between the stall's end and the first step, and what happens if it is negative?");
            default -> b.pick(" Express the lead in MCU ticks: how many ticks before the first step's clock does the MCU receive the command?",
                    " What MCU clock does the host expect at the moment it starts sending, and how many ticks of lead does the first step have?");
        };
        b.problem(intro + sync + block + question);

        b.think("First, let me understand what's happening physically. The step's time is fixed in MCU ticks, but the sending time is on the host's clock, so I need to put both on one axis using the clock model: clock(t) = c_sync + f (t - t_sync).");
        b.think("Converting the step's clock to host time: it lies " + FC + " - " + CY + " = " + DT + " ticks after the sync point, which is " + DT + " / " + FR + " = " + DS
                + " s. So the step is due at host time " + TY + " + " + DS + " = " + TST + " s.");
        b.think("Lead = " + TST + " - " + TS + " = " + LEAD + " ms. In ticks: the MCU clock when sending began is about " + CY + " + (" + TS + " - " + TY + ") x " + FR + " = " + CAS
                + ", so the lead is " + LT + " ticks. Check: " + LT + " / " + FR + " s is the same " + LEAD + " ms. Good.");
        b.think("Hmm, but is the relevant moment the start of the write or the end? The block needs " + BY + " bytes x 10 bits / " + BD + " baud = " + WIRE
                + " ms on the wire; the MCU can only act after the last byte arrives. That is small compared with the lead, so the conclusion does not change, but the usable lead is really the lead minus the wire time.");
        if (ask.equals("margin")) {
            b.think("With a stall of " + ST + " s, the margin is " + LEAD + " ms - " + ST + " s = " + MG + " ms. "
                    + (survives ? "Positive, so the already-sent step still runs on time; only the steps queued after it would be at risk."
                            : "Negative: the stall outlasts the queued lead, so the MCU would run out of scheduled steps, and a command that arrives after its own clock is a timing fault the MCU must refuse."));
        }

        b.controlProblem("Given the clock model (t_sync = " + TY + " s, c_sync = " + CY + ", f = " + FR + " Hz), a block sent at " + TS + " s whose first step is due at clock " + FC
                + ", find the scheduling lead in ms and ticks" + (ask.equals("margin") ? ", and the margin left after a " + ST + " s host stall." : "."));
        b.context("- Hardware limitations: the link moves " + BD + " baud, so this " + BY + "-byte block alone occupies the line for " + WIRE + " ms; the MCU has finite queue memory for pending steps.\n"
                + "- Real-time requirements: every step must reach the MCU before its clock comes round; the MCU executes from its queue in hard real time, while the host is a general-purpose computer with scheduling jitter.\n"
                + "- Safety requirements: a step command that arrives after its own time cannot be executed correctly and must cause a controlled stop rather than a lurch; the host's lead must cover its worst pause.");
        b.analysis("Step 1: Clock distance from the sync point: " + FC + " - " + CY + " = " + DT + " ticks = " + DS + " s at " + FR + " Hz.\n\n"
                + "Step 2: Host time of the first step: " + TY + " + " + DS + " = " + TST + " s.\n\n"
                + "Step 3: Lead: " + TST + " - " + TS + " = " + LEAD + " ms, or " + LT + " ticks (MCU clock at send about " + CAS + ").\n\n"
                + "Step 4: Wire time of the block: " + WIRE + " ms, a small part of the lead."
                + (ask.equals("margin") ? "\n\nStep 5: Stall margin: " + LEAD + " ms - " + ST + " s = " + MG + " ms." : ""));
        b.rust("Ticks and seconds get separate newtypes so the conversion happens in exactly one place, and a late command is an error value the caller has to handle.",
                """
                #[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
                pub struct Ticks(pub f64);
                #[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
                pub struct Seconds(pub f64);

                pub struct ClockModel {
                    pub t_sync: Seconds,
                    pub c_sync: Ticks,
                    pub freq_hz: f64,
                }

                #[derive(Debug, PartialEq)]
                pub enum ScheduleError {
                    AlreadyLate(Seconds),
                }

                impl ClockModel {
                    pub fn host_time_of(&self, c: Ticks) -> Seconds {
                        Seconds(self.t_sync.0 + (c.0 - self.c_sync.0) / self.freq_hz)
                    }

                    /// Lead of an event at clock `c` when sending at host time `now`, minus the wire time.
                    pub fn usable_lead(&self, c: Ticks, now: Seconds, wire: Seconds) -> Result<Seconds, ScheduleError> {
                        let lead = self.host_time_of(c).0 - now.0 - wire.0;
                        if lead <= 0.0 {
                            Err(ScheduleError::AlreadyLate(Seconds(lead)))
                        } else {
                            Ok(Seconds(lead))
                        }
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    fn model() -> ClockModel {
                        ClockModel { t_sync: Seconds(%TY), c_sync: Ticks(%CY.0), freq_hz: %FR }
                    }

                    #[test]
                    fn observed_lead() {
                        let m = model();
                        let t_step = m.host_time_of(Ticks(%FC.0));
                        assert!((t_step.0 - %TST).abs() < 1e-5);
                        let lead_ms = (t_step.0 - %TS) * 1000.0;
                        assert!((lead_ms - %LEAD).abs() < 0.01);
                    }

                    #[test]
                    fn late_command_is_an_error() {
                        let m = model();
                        assert!(m.usable_lead(Ticks(%CY.0), Seconds(%TY + 1.0), Seconds(0.0)).is_err());
                    }
                }
                """.replace("%TY", TY).replace("%CY", CY).replace("%FR", FR).replace("%FC", FC).replace("%TST", TST).replace("%TS", TS)
                        .replace("%LEAD", LEAD.startsWith("-") ? "(" + LEAD + ")" : LEAD),
                "Because Ticks and Seconds are distinct types, passing a clock where a time is expected does not compile; the only bridge is the model that owns the frequency estimate.");
        b.safety("The step is safe because its lead, " + LEAD + " ms, exceeds the block's wire time of " + WIRE
                + " ms with room for host jitter. The host deliberately generates and sends steps a fraction of a second ahead: a desktop operating system can pause a process for tens of milliseconds, and the MCU, which runs steps from a queue, keeps moving smoothly through such a pause as long as the queue holds more time than the pause. "
                + (ask.equals("margin") ? "For the " + ST + " s stall the margin is " + MG + " ms" + (survives ? ", positive." : ", negative, so motion would starve and must end in a controlled shutdown.") : "")
                + " The MCU must still check every command against its current clock and refuse one that is already past.");
        b.edgeCases("- Lead shrinks during a host stall; if a command arrives after its clock, the MCU must stop motion instead of stepping late.\n"
                + "- A very long lead uses queue memory and delays the response to a pause or a speed change, since queued steps cannot be recalled.\n"
                + "- An error in the clock model shifts every lead equally; a conservative model (a little behind the true clock) only makes leads look shorter, never longer.\n"
                + "- The first step after a long idle period is sent as a single large interval; its lead is measured the same way.");
        b.alternatives("A shorter lead makes the machine react faster to commands (pause, speed override) but leaves less room for host hiccups; a longer lead is robust but sluggish and needs more MCU queue memory. "
                + "Running the planner on the MCU itself removes the link from the loop but needs far more MCU memory and computing power. "
                + "Real-time priority on the host shortens the worst pause and so allows a smaller lead.");
        switch (ask) {
            case "lead" -> b.answer("ms", 0.05, "lead_ms");
            case "margin" -> b.answer("ms", 0.05, "margin_ms");
            default -> b.answer("ticks", Math.max(1, 1e-5 * fn), "lead_ticks");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        double fNom = trace.header().clockFreqHz();
        TraceRecord.ClockSync cs = (TraceRecord.ClockSync) trace.at(ref.records().fromLine());
        TraceRecord.WireMessage msg = (TraceRecord.WireMessage) trace.at(ref.records().toLine());
        TraceRecord.StepBatch sb = (TraceRecord.StepBatch) trace.at(Integer.parseInt(ref.label("batch_line")));
        long queueSteps = msg.messages().stream().filter(m -> m.startsWith("queue_step ")).count();
        double stall = ref.param("stall");
        // Print-time axis: a clock c is at print time c / f_nominal; the host's estimate of print time at
        // its send time extends the sync record's estimated print time at the estimated frequency.
        double printTimeOfStep = sb.firstClock() / fNom;
        double printTimeAtSend = cs.estimatedPrintTimeS() + (msg.hostTimeS() - cs.sentTimeS()) * cs.frequencyHz() / fNom;
        double lead = printTimeOfStep - printTimeAtSend;
        r.put("f_nominal", fNom);
        r.put("first_clock", (double) sb.firstClock());
        r.put("t_send", msg.hostTimeS());
        r.put("t_sync", cs.sentTimeS());
        r.put("c_sync", (double) cs.mcuClock());
        r.put("freq", cs.frequencyHz());
        r.put("bytes", (double) msg.lengthBytes());
        r.put("baud", trace.setting("serial_baud"));
        r.put("qsteps", (double) queueSteps);
        r.put("count", (double) sb.count());
        r.put("d_ticks", (double) (sb.firstClock() - cs.mcuClock()));
        r.put("d_s", msg.hostTimeS() + lead - cs.sentTimeS());
        r.put("t_step", msg.hostTimeS() + lead);
        r.put("lead_ms", lead * 1000);
        r.put("lead_ticks", lead * cs.frequencyHz());
        r.put("clock_at_send", sb.firstClock() - lead * cs.frequencyHz());
        r.put("wire_ms", msg.lengthBytes() * 10.0 / trace.setting("serial_baud") * 1000);
        r.put("stall_s", stall);
        r.put("margin_ms", (lead - stall) * 1000);
        return r;
    }
}
