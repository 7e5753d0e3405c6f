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
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * Lost-communication detection after a link drop: the host polls the MCU clock about once a
 * second and declares the link lost when more than four polls are unanswered, so the delay from
 * the fault to the host's shutdown is the wait for the next poll plus four poll periods.
 */
public final class LostCommDetection implements Family {
    private static final String[] ASKS = {"delay", "bounds", "mcu-first"};

    private static String an(String w) {
        return w.matches("(?i)^[aeiou].*") ? "an" : "a";
    }

    @Override
    public String id() {
        return "lost-communication-detection";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    private static boolean isPoll(TraceRecord.WireMessage m) {
        return "host_to_mcu".equals(m.direction()) && "data".equals(m.kind()) && m.messages() != null
                && m.messages().size() == 1 && "get_clock".equals(m.messages().get(0).strip());
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            TraceView.At<TraceRecord.Fault> fault = null;
            for (TraceView.At<TraceRecord.Fault> f : trace.all(TraceRecord.Fault.class)) if ("link-drop".equals(f.record().kind())) fault = f;
            if (fault == null) return out;
            TraceView.At<TraceRecord.Shutdown> host = null, mcu = null;
            for (TraceView.At<TraceRecord.Shutdown> s : trace.all(TraceRecord.Shutdown.class)) {
                if (s.line() < fault.line()) continue;
                if ("host".equals(s.record().side()) && host == null && s.record().reason() != null && s.record().reason().startsWith("Lost communication")) host = s;
                if ("mcu".equals(s.record().side()) && mcu == null) mcu = s;
            }
            if (host == null) return out;
            int lastSync = -1;
            for (TraceView.At<TraceRecord.ClockSync> c : trace.all(TraceRecord.ClockSync.class)) if (c.line() < host.line()) lastSync = c.line();
            if (lastSync < 0) return out;
            List<TraceView.At<TraceRecord.WireMessage>> before = new ArrayList<>(), after = new ArrayList<>();
            for (TraceView.At<TraceRecord.WireMessage> m : trace.all(TraceRecord.WireMessage.class)) {
                if (!isPoll(m.record()) || m.line() > host.line()) continue;
                if (m.line() < lastSync) before.add(m);
                else after.add(m);
            }
            if (before.isEmpty() || after.size() != 5) return out;
            if (mcu != null && mcu.line() > host.line()) mcu = null;
            TraceView.At<TraceRecord.WireMessage> ok = before.get(before.size() - 1);
            for (int i = 0; i < ASKS.length; i++) {
                if (ASKS[i].equals("mcu-first") && mcu == null) continue;
                Map<String, String> labels = new HashMap<>();
                labels.put("ask", ASKS[i]);
                labels.put("board", String.valueOf(trace.header().board()));
                labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
                labels.put("mcu_reason", mcu == null ? "none" : mcu.record().reason());
                Map<String, Double> obs = new HashMap<>();
                obs.put("t_fault", fault.record().timeS());
                obs.put("t_ok", ok.record().hostTimeS());
                for (int k = 0; k < 5; k++) obs.put("p_" + (k + 1), after.get(k).record().hostTimeS());
                obs.put("t_host", host.record().timeS());
                if (mcu != null) obs.put("t_mcu", mcu.record().timeS());
                out.add(new Finding(new RecordRange(ok.line(), host.line()), labels, Map.of(), obs));
            }
        } catch (RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String ask = f.label("ask"), board = f.label("board"), kin = f.label("kinematics"), mcuReason = f.label("mcu_reason");
        boolean hasMcu = !mcuReason.equals("none");
        double tF = f.observed("t_fault"), tOk = f.observed("t_ok"), tH = f.observed("t_host");
        double[] p = new double[5];
        for (int k = 0; k < 5; k++) p[k] = f.observed("p_" + (k + 1));
        double period = (p[4] - p[0]) / 4;
        double gap = p[0] - tF, delay = tH - tF, predicted = gap + 4 * period;
        String TF = b.q("t_fault", tF, 3, "s"), TOK = b.q("t_ok", tOk, 3, "s"), TH = b.q("t_host", tH, 3, "s");
        String[] P = new String[5];
        for (int k = 0; k < 5; k++) P[k] = b.q("p_" + (k + 1), p[k], 3, "s");
        String PER = b.q("period", period, 4, "s"), GAP = b.q("gap", gap, 3, "s"), DEL = b.q("delay", delay, 3, "s");
        String PRED = b.q("predicted", predicted, 3, "s");
        String FOURP = b.q("four_periods", 4 * period, 3, "s"), FIVEP = b.q("five_periods", 5 * period, 3, "s");
        String TM = "", MDEL = "", LEAD = "";
        if (hasMcu) {
            double tM = f.observed("t_mcu");
            TM = b.q("t_mcu", tM, 3, "s");
            MDEL = b.q("mcu_delay", tM - tF, 3, "s");
            LEAD = b.q("mcu_lead", tH - tM, 3, "s");
        }
        b.literal(0.9839);

        String intro = b.pick(
                "A " + kin + " printer with " + an(board) + " " + board + " controller was holding its hot end at temperature when the serial link went dead at " + TF + " s (host clock).",
                "During a link-drop test on " + an(board) + " " + board + " board (" + kin + "), every byte between host and MCU stopped getting through from t = " + TF + " s.",
                "The cable between the host and " + an(board) + " " + board + " controller of a " + kin + " machine was effectively cut at " + TF + " s while a heater was regulating.");
        String given = b.pick(
                " The host polls the MCU's clock in the background. The last poll that got an answer went out at " + TOK + " s; the next five went out at " + P[0] + ", " + P[1] + ", " + P[2] + ", " + P[3] + " and " + P[4] + " s with no reply. The host shut down with a lost-communication error at " + TH + " s.",
                " Clock polls: last answered one sent at " + TOK + " s, then unanswered ones at " + P[0] + ", " + P[1] + ", " + P[2] + ", " + P[3] + ", " + P[4] + " s; the host declared the MCU lost at " + TH + " s.",
                " The trace shows the host's periodic clock queries: one sent at " + TOK + " s was answered, those at " + P[0] + ", " + P[1] + ", " + P[2] + ", " + P[3] + " and " + P[4] + " s never were, and a lost-communication shutdown followed at " + TH + " s.");
        String rule = b.pick(" The host treats the link as lost once more than 4 clock queries are outstanding.",
                " Its rule: more than 4 pending clock queries means the MCU is gone.",
                " Lost communication is declared when the count of unanswered clock queries exceeds 4.");
        String mcuText = hasMcu ? " The MCU itself shut down at " + TM + " s (reason: \"" + mcuReason + "\")." : "";
        String question = switch (ask) {
            case "delay" -> b.pick(" Explain the host's detection delay from the fault, in seconds, from the poll period and the threshold.",
                    " How long after the fault did the host detect the loss, and why exactly that long?",
                    " Derive the fault-to-shutdown delay on the host side from the polling schedule.");
            case "bounds" -> b.pick(" With this poll period, what are the shortest and longest possible host detection delays for a link drop at an arbitrary instant?",
                    " Give the best-case and worst-case detection delay (s) for this polling scheme, and check the observed delay lies between them.",
                    " Bound the host's detection time for a drop at a random moment: minimum and maximum, in seconds.");
            default -> b.pick(" Which side noticed first, and by how many seconds did it beat the other?",
                    " How much earlier than the host did the MCU react, and why does the MCU not depend on the host to stop its outputs?",
                    " Compare the two sides' reaction times to the drop: how long after the fault did each shut down?");
        };
        b.problem(intro + given + rule + mcuText + question);

        b.think("First, let me understand what's happening physically. Once the link drops, nothing the host sends arrives and nothing comes back. The host cannot tell a dead link from a slow one except by counting: each background clock query that goes unanswered adds one to a pending count, and the count only resets when an answer arrives. So detection is paced by the poll schedule, not by the moment of the fault.");
        b.think("Poll spacing: (" + P[4] + " - " + P[0] + ")/4 = " + PER + " s, which matches the deliberately odd nominal period of 0.9839 s (odd so it does not alias with once-per-second activity). The query at " + TOK
                + " s was answered before the fault at " + TF + " s, so it does not count. The first query after the fault left at " + P[0] + " s, " + GAP + " s after the fault. It is the first of the pending ones; the count exceeds 4 when the fifth goes out, four periods later.");
        b.think("Predicted delay: " + GAP + " + 4 x " + PER + " = " + PRED + " s. Observed: " + TH + " - " + TF + " = " + DEL + " s. They agree. "
                + "Wait, is it four or five periods? Five unanswered polls are needed, but the first one already happens " + GAP + " s after the fault, so only four full periods follow it. For a fault at an arbitrary instant the gap to the next poll lies between 0 and one period, giving bounds of " + FOURP + " s and " + FIVEP + " s.");
        if (hasMcu) {
            b.think("The MCU did not wait for the host: it shut down at " + TM + " s, " + MDEL + " s after the fault, because the heater output's scheduled updates stopped arriving and its maximum-duration guard expired. That was " + LEAD + " s before the host gave up, which is the point: the side that holds the outputs must make them safe on its own.");
        }

        b.controlProblem("Given a link drop at " + TF + " s, background clock polls every " + PER + " s (unanswered at " + P[0] + " ... " + P[4] + " s) and a lost-communication threshold of more than 4 pending polls, explain the host's detection time " + TH + " s and bound it for a drop at any instant.");
        b.context("- Hardware limitations: a dead serial or USB link gives no electrical error to the host; silence is the only symptom, so detection needs a timeout built from periodic traffic.\n"
                + "- Real-time requirements: the poll period (" + PER + " s) and the threshold set the detection latency; polling faster would cost bandwidth on every print for a rare event.\n"
                + "- Safety requirements: while the host is still waiting, the MCU must not keep heaters or motors in their last state indefinitely; it has its own deadline on every scheduled output" + (hasMcu ? " (here it fired after " + MDEL + " s)" : "") + ".");
        b.analysis("Step 1: Poll period. (" + P[4] + " - " + P[0] + ")/4 = " + PER + " s.\n\n"
                + "Step 2: First unanswered poll. " + P[0] + " - " + TF + " = " + GAP + " s after the fault (the poll at " + TOK + " s was answered).\n\n"
                + "Step 3: Threshold. More than 4 pending means the 5th unanswered poll, 4 periods after the first: " + GAP + " + 4 x " + PER + " = " + PRED + " s, matching the observed " + DEL + " s.\n\n"
                + "Step 4: Bounds. The gap lies in [0, one period), so the delay lies in [" + FOURP + ", " + FIVEP + "] s."
                + (hasMcu ? "\n\nStep 5: MCU side. The MCU shut down at " + TM + " s, " + MDEL + " s after the fault and " + LEAD + " s before the host." : ""));
        String code = """
                /// Why the link monitor gave up.
                #[derive(Debug, PartialEq)]
                pub enum LinkError {
                    LostCommunication { pending: u32 },
                }

                /// Counts background clock queries that have not been answered.
                #[derive(Debug, Default)]
                pub struct LinkMonitor {
                    pending: u32,
                }

                impl LinkMonitor {
                    pub const MAX_PENDING: u32 = 4;

                    /// A poll goes out; errors once more than MAX_PENDING are outstanding.
                    pub fn poll_sent(&mut self) -> Result<(), LinkError> {
                        self.pending += 1;
                        if self.pending > Self::MAX_PENDING {
                            Err(LinkError::LostCommunication { pending: self.pending })
                        } else {
                            Ok(())
                        }
                    }

                    pub fn answered(&mut self) {
                        self.pending = 0;
                    }
                }

                /// Detection delay for a fault `gap_s` before the next poll, with polls every `period_s`.
                pub fn detection_delay(gap_s: f64, period_s: f64) -> f64 {
                    gap_s + LinkMonitor::MAX_PENDING as f64 * period_s
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_link_drop() {
                        let fault: f64 = %TF;
                        let polls: [f64; 5] = [%P1, %P2, %P3, %P4, %P5];
                        let mut m = LinkMonitor::default();
                        m.answered();
                        let mut lost_at = None;
                        for &t in polls.iter() {
                            if m.poll_sent().is_err() {
                                lost_at = Some(t);
                                break;
                            }
                        }
                        let lost_at = lost_at.unwrap();
                        assert!((lost_at - fault - %DEL).abs() < 0.01);
                        let period = (polls[4] - polls[0]) / 4.0;
                        assert!((period - %PER).abs() < 0.01);
                        assert!((detection_delay(polls[0] - fault, period) - %PRED).abs() < 0.01);
                        assert!((detection_delay(0.0, period) - %FOURP).abs() < 0.01);
                        assert!((detection_delay(period, period) - %FIVEP).abs() < 0.01);
                    }
                }
                """.replace("%TF", TF).replace("%P1", P[0]).replace("%P2", P[1]).replace("%P3", P[2]).replace("%P4", P[3]).replace("%P5", P[4])
                .replace("%DEL", DEL).replace("%PER", PER).replace("%PRED", PRED).replace("%FOURP", FOURP).replace("%FIVEP", FIVEP);
        b.rust("The monitor is a counter that turns the threshold into a typed error; the caller decides what a lost link means (shut everything down), and the monitor cannot forget to report it.",
                code, "The threshold is an associated constant, so the detection-delay formula and the monitor cannot drift apart.");
        b.safety("The host needed " + DEL + " s to declare the loss, within the [" + FOURP + ", " + FIVEP + "] s bound. That is acceptable only because the MCU does not rely on it: every heater update carries a deadline, and an MCU whose updates stop shuts down and drives its outputs to their safe defaults"
                + (hasMcu ? ", which it did " + MDEL + " s after the fault" : "") + ". A design where the MCU kept the last heater duty until the host noticed would leave a heater on for seconds with nobody watching.");
        b.edgeCases("- A fault just after an answered poll is detected last (about " + FIVEP + " s); one just before a poll, first (about " + FOURP + " s).\n"
                + "- A link that drops only a few polls and recovers resets the count on the first answer, so brief outages do not shut the printer down.\n"
                + "- Answers to resent queries still clear the pending count even if they are useless for clock regression.\n"
                + "- If the host itself stalls, no polls go out and the count does not grow; the MCU's own deadlines are then the only protection.");
        b.alternatives("A shorter poll period or a lower threshold detects faster but risks false alarms on a busy or noisy link and spends bandwidth. A hardware heartbeat line (a toggling GPIO watched by a watchdog) detects a dead host or cable in milliseconds independent of the protocol, at the cost of an extra wire. Using every acknowledgement as a liveness signal instead of dedicated polls would detect faster during printing but not while idle.");
        switch (ask) {
            case "delay" -> b.answer("s", 0.01, "delay");
            case "bounds" -> b.answer("s", 0.01, "four_periods", "five_periods");
            default -> b.answer("s", 0.01, "mcu_delay", "mcu_lead");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        int from = ref.records().fromLine(), to = ref.records().toLine();
        List<Double> polls = new ArrayList<>();
        double tF = Double.NaN, tH = Double.NaN, tM = Double.NaN;
        for (int line = from; line <= to; line++) {
            TraceRecord rec = trace.at(line);
            if (rec instanceof TraceRecord.WireMessage m && m.direction().equals("host_to_mcu") && m.kind().equals("data")
                    && m.messages().size() == 1 && m.messages().get(0).equals("get_clock")) polls.add(m.hostTimeS());
            else if (rec instanceof TraceRecord.Fault fl && fl.kind().equals("link-drop")) tF = fl.timeS();
            else if (rec instanceof TraceRecord.Shutdown s && s.side().equals("host")) tH = s.timeS();
            else if (rec instanceof TraceRecord.Shutdown s && s.side().equals("mcu") && Double.isNaN(tM)) tM = s.timeS();
        }
        // polls.get(0) is the last answered one (the range starts on it); the rest are unanswered
        r.put("t_ok", polls.get(0));
        r.put("t_fault", tF);
        r.put("t_host", tH);
        SimpleRegression reg = new SimpleRegression();
        for (int k = 1; k < polls.size(); k++) {
            r.put("p_" + k, polls.get(k));
            reg.addData(k, polls.get(k));
        }
        double period = reg.getSlope();
        r.put("period", period);
        r.put("gap", polls.get(1) - tF);
        r.put("delay", tH - tF);
        r.put("predicted", polls.get(1) - tF + 4 * period);
        r.put("four_periods", 4 * period);
        r.put("five_periods", 5 * period);
        if (!Double.isNaN(tM)) {
            r.put("t_mcu", tM);
            r.put("mcu_delay", tM - tF);
            r.put("mcu_lead", tH - tM);
        }
        return r;
    }
}
