package org.steptrace.extract.families.errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.steptrace.extract.Category;
import org.steptrace.extract.Draft;
import org.steptrace.extract.Family;
import org.steptrace.extract.Finding;
import org.steptrace.extract.families.common.EntryBuilder;
import org.steptrace.extract.observations.RecordRange;
import org.steptrace.extract.observations.TraceView;
import org.steptrace.trace.TraceRecord;

/**
 * Move-queue slot budget: the MCU's move queue size (from its configuration answer) against the
 * step commands the print needed in its busiest seconds and how far ahead the host sent them;
 * by Little's law the slots in use are the command rate times the time each waits in the queue.
 */
public final class MoveQueueBudget implements Family {
    private static final String[] ASKS = {"occupancy", "buffer-time", "headroom"};

    private static String an(String w) {
        return w.matches("(?i)^[aeiou].*") ? "an" : "a";
    }

    @Override
    public String id() {
        return "move-queue-budget";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    private static long queueSize(TraceRecord.WireMessage m) {
        if (!"mcu_to_host".equals(m.direction()) || m.messages() == null) return -1;
        for (String s : m.messages()) {
            if (!s.startsWith("config ") || !s.contains("is_config=1")) continue;
            int at = s.indexOf("move_count=");
            if (at < 0) continue;
            String v = s.substring(at + "move_count=".length()).split(" ")[0];
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            double freq = trace.clockHz();
            long q = -1;
            int qLine = -1;
            for (TraceView.At<TraceRecord.WireMessage> m : trace.all(TraceRecord.WireMessage.class)) {
                long v = queueSize(m.record());
                if (v > 0) {
                    q = v;
                    qLine = m.line();
                    break;
                }
            }
            if (q <= 0 || !(freq > 0)) return out;
            // each step command with the host time of the block that carried it: per stepper, commands go out in order
            TreeMap<Integer, List<double[]>> bySecond = new TreeMap<>();
            Map<Integer, Integer> lastLine = new HashMap<>();
            Map<Integer, java.util.ArrayDeque<TraceRecord.StepBatch>> pending = new HashMap<>();
            for (int line = qLine + 1; line <= trace.lines(); line++) {
                TraceRecord r = trace.at(line);
                if (r instanceof TraceRecord.StepBatch sb) {
                    pending.computeIfAbsent(sb.oid(), k -> new java.util.ArrayDeque<>()).add(sb);
                } else if (r instanceof TraceRecord.WireMessage m && "host_to_mcu".equals(m.direction()) && "data".equals(m.kind()) && m.messages() != null) {
                    for (String cmd : m.messages()) {
                        if (!cmd.startsWith("queue_step ")) continue;
                        int oid = Integer.parseInt(cmd.replaceAll(".*\\boid=(\\d+).*", "$1"));
                        java.util.ArrayDeque<TraceRecord.StepBatch> dq = pending.get(oid);
                        if (dq == null || dq.isEmpty()) continue;
                        TraceRecord.StepBatch sb = dq.poll();
                        double due = sb.firstClock() / freq;
                        int sec = (int) Math.floor(due);
                        bySecond.computeIfAbsent(sec, k -> new ArrayList<>()).add(new double[] {due, due - m.hostTimeS()});
                        lastLine.merge(sec, line, Math::max);
                    }
                }
            }
            List<Map.Entry<Integer, List<double[]>>> busy = new ArrayList<>(bySecond.entrySet());
            busy.removeIf(e -> e.getValue().size() < 20 || e.getValue().stream().anyMatch(x -> x[1] <= 0));
            busy.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
            for (int i = 0; i < Math.min(3, busy.size()); i++) {
                int sec = busy.get(i).getKey();
                Map<String, String> labels = new HashMap<>();
                labels.put("ask", ASKS[i % ASKS.length]);
                labels.put("board", String.valueOf(trace.header().board()));
                labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
                String g = trace.header().gcode() == null ? "" : trace.header().gcode();
                String scen = "a motion test";
                if (g.contains("-print-")) scen = "a small test part";
                else if (g.contains("-corners-")) scen = "a set of cornering moves";
                else if (g.contains("-short-moves-")) scen = "a run of short moves";
                else if (g.contains("-homing-")) scen = "repeated homing with moves in between";
                else if (g.contains("-lossy-link-")) scen = "moves over a lossy serial line";
                labels.put("scenario", scen);
                List<double[]> w = busy.get(i).getValue();
                double sum = 0, max = 0;
                for (double[] x : w) {
                    sum += x[1];
                    max = Math.max(max, x[1]);
                }
                Map<String, Double> obs = new HashMap<>();
                obs.put("queue", (double) q);
                obs.put("n", (double) w.size());
                obs.put("mean_lead", sum / w.size());
                obs.put("max_lead", max);
                out.add(new Finding(new RecordRange(qLine, lastLine.get(sec)), labels, Map.of("win", (double) sec), obs));
            }
        } catch (RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String ask = f.label("ask"), board = f.label("board"), kin = f.label("kinematics"), scen = f.label("scenario");
        long q = Math.round(f.observed("queue")), n = Math.round(f.observed("n"));
        double mean = f.observed("mean_lead"), max = f.observed("max_lead");
        long win = Math.round(f.param("win"));
        double occMean = n * mean, occMax = n * max, head = q - occMax, buf = (double) q / n;
        String Q = b.count("queue", q, "slots"), N = b.count("n", n, "commands"), W = win > 20 ? b.count("win", win, "s") : Long.toString(win);
        String W1 = win + 1 > 20 ? b.count("win_end", win + 1, "s") : Long.toString(win + 1);
        String ML = b.q("mean_lead", mean, 4, "s"), XL = b.q("max_lead", max, 4, "s");
        String OM = b.q("occ_mean", occMean, 1, "slots"), OX = b.q("occ_max", occMax, 1, "slots"), HD = b.q("headroom", head, 1, "slots");
        String BUF = b.q("buffer_s", buf, 3, "s"), UT = b.q("util_pct", 100 * occMax / q, 1, "%");

        String intro = b.pick(
                "A " + kin + " printer with " + an(board) + " " + board + " controller ran " + scen + ". At start-up the MCU reported that its move queue holds " + Q + " step commands in total, shared by all steppers.",
                "The MCU of " + an(board) + " " + board + " board (" + kin + " kinematics) answered the host's configuration query with a move-queue size of " + Q + " slots; the job was " + scen + ".",
                "For " + scen + " on a " + kin + " machine, the " + board + " MCU offers " + Q + " move-queue slots (one per step-queue command, all steppers together).");
        String given = b.pick(
                " In the busiest second of motion (steps due between " + W + " s and " + W1 + " s of print time) the host issued " + N + " step commands. Each was sent ahead of its first step by " + ML + " s on average and at most " + XL + " s.",
                " The busiest one-second window, print time " + W + " to " + W1 + " s, needed " + N + " step commands; the host sent them with a mean lead of " + ML + " s (largest " + XL + " s) before their first step.",
                " Between print times " + W + " s and " + W1 + " s there were " + N + " step commands, the most in any second; their lead (first-step time minus send time) averaged " + ML + " s with a maximum of " + XL + " s.");
        String question = switch (ask) {
            case "occupancy" -> b.pick(" How many queue slots are in use on average and at worst during that second?",
                    " Estimate the mean and worst-case number of occupied move-queue slots in that window.",
                    " Using Little's law, how many slots do these commands occupy (mean, and with the largest lead)?");
            case "buffer-time" -> b.pick(" At this command rate, how many seconds of motion could the full queue hold, and is the host's lead inside that?",
                    " How much time does the queue size buy at the peak command rate?",
                    " Convert the queue size into seconds of buffered motion at this peak rate.");
            default -> b.pick(" How many slots of headroom remain in the worst case, and what fraction of the queue is used?",
                    " Is the queue large enough? Give the worst-case headroom in slots and the utilisation.",
                    " Check the budget: worst-case slots needed versus available, as headroom and percentage.");
        };
        b.problem(intro + given + question);

        b.think("First, let me understand what's happening physically. A step command occupies a queue slot from the moment it arrives at the MCU until the stepper starts executing it, which is roughly its lead time. If the queue fills, the MCU has nowhere to put the next command and must shut down (queue overflow), so the host must never have more commands in flight than there are slots.");
        b.think("This is Little's law: slots in use = arrival rate x time in queue. The rate in the busiest second is " + N + " commands per second. With the mean lead, " + N + " x " + ML + " = " + OM + " slots. "
                + "Wait, the mean is not the bound I need for an overflow question; the commands sent earliest stay longest, so use the largest lead: " + N + " x " + XL + " = " + OX + " slots.");
        b.think("Against " + Q + " slots: headroom " + Q + " - " + OX + " = " + HD + " slots, utilisation " + UT + " %. Seen the other way, at " + N + " commands per second the full queue holds " + Q + "/" + N + " = " + BUF
                + " s of commands, " + (buf > max ? "longer than the " + XL + " s lead, consistent with the positive headroom." : "shorter than the " + XL + " s lead: the host would overflow the queue at this rate.")
                + " Units: commands/s x s = commands = slots. Fine.");

        b.controlProblem("Given a move queue of " + Q + " slots and a peak of " + N + " step commands per second sent with a mean lead of " + ML + " s (max " + XL + " s), find the mean and worst-case slot occupancy, the headroom and the time the queue can buffer at that rate.");
        b.context("- Hardware limitations: the move queue lives in the MCU's RAM (" + Q + " slots here); each slot holds one step command (interval, count, add) for any stepper.\n"
                + "- Real-time requirements: the host must send each command before its first step but not so early that the queue overflows; the lead (about " + ML + " s here) sets how early.\n"
                + "- Safety requirements: an overflow is a fatal MCU error (shutdown mid-print), so the worst-case occupancy must stay below the queue size with margin.");
        b.analysis("Step 1: Peak rate. " + N + " commands due in the second from " + W + " s to " + W1 + " s, i.e. " + N + " per second.\n\n"
                + "Step 2: Mean occupancy (Little's law). " + N + " x " + ML + " = " + OM + " slots.\n\n"
                + "Step 3: Worst case with the largest lead. " + N + " x " + XL + " = " + OX + " slots.\n\n"
                + "Step 4: Budget. Headroom " + Q + " - " + OX + " = " + HD + " slots (" + UT + " % used); the full queue holds " + BUF + " s of commands at this rate.");
        String code = """
                use std::collections::VecDeque;

                /// One step-queue command: (interval, count, add).
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct StepCmd {
                    pub interval: u32,
                    pub count: u16,
                    pub add: i16,
                }

                #[derive(Debug, PartialEq)]
                pub enum QueueError {
                    Overflow,
                }

                /// The MCU's move queue with a capacity fixed at compile time.
                pub struct MoveQueue<const CAP: usize> {
                    items: VecDeque<StepCmd>,
                }

                impl<const CAP: usize> MoveQueue<CAP> {
                    pub fn new() -> Self {
                        MoveQueue { items: VecDeque::with_capacity(CAP) }
                    }

                    pub fn push(&mut self, c: StepCmd) -> Result<(), QueueError> {
                        if self.items.len() >= CAP {
                            return Err(QueueError::Overflow);
                        }
                        self.items.push_back(c);
                        Ok(())
                    }

                    pub fn pop(&mut self) -> Option<StepCmd> {
                        self.items.pop_front()
                    }

                    pub fn len(&self) -> usize {
                        self.items.len()
                    }

                    pub fn is_empty(&self) -> bool {
                        self.items.is_empty()
                    }
                }

                impl<const CAP: usize> Default for MoveQueue<CAP> {
                    fn default() -> Self {
                        Self::new()
                    }
                }

                /// Little's law: slots in use = commands per second x seconds each waits.
                pub fn occupancy(rate_per_s: f64, wait_s: f64) -> f64 {
                    rate_per_s * wait_s
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_budget() {
                        let rate: f64 = %N.0;
                        assert!((occupancy(rate, %ML) - %OM).abs() < 0.1);
                        assert!((occupancy(rate, %XL) - %OX).abs() < 0.1);
                        assert!((%Q.0 - occupancy(rate, %XL) - %HD).abs() < 0.1);
                        assert!((%Q.0 / rate - %BUF).abs() < 1e-3);
                        let mut q: MoveQueue<%Q> = MoveQueue::default();
                        let worst = occupancy(rate, %XL).ceil() as usize;
                        let cmd = StepCmd { interval: 16, count: 8, add: 0 };
                        for _ in 0..worst.min(%Q) {
                            assert_eq!(q.push(cmd), Ok(()));
                        }
                        while q.len() < %Q {
                            q.push(cmd).unwrap();
                        }
                        assert_eq!(q.push(cmd), Err(QueueError::Overflow));
                        assert_eq!(q.pop(), Some(cmd));
                        assert!(!q.is_empty());
                    }
                }
                """.replace("%N", N).replace("%ML", ML).replace("%OM", OM).replace("%XL", XL).replace("%OX", OX).replace("%Q", Q)
                .replace("%HD", HD).replace("%BUF", BUF);
        b.rust("The queue's capacity is a const generic, so the MCU build fixes it at compile time the way its RAM does, and a push into a full queue is a typed error the caller must turn into a shutdown instead of silently dropping a command.",
                code, "The queue owns its commands; popping hands one to the stepper by value, so a command cannot be executed twice.");
        b.safety("With a worst-case occupancy of " + OX + " slots out of " + Q + ", the queue keeps " + HD + " slots spare at the busiest second, so no overflow occurs on this print. The guard that makes it safe is on the host: it limits how far ahead it sends commands, which bounds the lead and therefore the occupancy; the MCU's overflow check is the backstop that turns a host bug into a clean shutdown rather than memory corruption.");
        b.edgeCases("- Very short moves (many small segments) raise the command rate without raising the speed; the rate, not the distance, drives the budget.\n"
                + "- A burst of commands for several steppers at a corner arrives together; the per-second average hides that, so keep more headroom than the mean suggests.\n"
                + "- After a host stall the host may try to catch up by sending a backlog; without the lead limit that burst alone could overflow the queue.\n"
                + "- A smaller board with fewer slots at the same rate would hold only its size divided by the rate in seconds, and the lead would have to shrink to match.");
        b.alternatives("Longer commands (larger step counts via better compression) reduce the rate and thus the slots needed. Flow control where the MCU reports free slots would let the host fill the queue exactly, at the cost of more traffic. A larger queue costs RAM, which on small AVR parts is the scarcest resource; a shorter lead saves slots but leaves less margin for host hiccups.");
        switch (ask) {
            case "occupancy" -> b.answer("slots", 0.1, "occ_mean", "occ_max");
            case "buffer-time" -> b.answer("s", 0.001, "buffer_s");
            default -> b.answer("slots", 0.1, "headroom");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        int from = ref.records().fromLine(), to = ref.records().toLine();
        double freq = trace.header().clockFreqHz();
        double win = ref.param("win");
        String cfg = ((TraceRecord.WireMessage) trace.at(from)).messages().stream().filter(s -> s.contains("move_count=")).findFirst().orElseThrow();
        double q = Double.parseDouble(cfg.replaceAll(".*move_count=(\\d+).*", "$1"));
        // k-th step command record of a stepper <-> k-th step-queue command for that stepper on the wire
        Map<Integer, List<Double>> sentTimes = new HashMap<>();
        Map<Integer, List<Double>> dueTimes = new HashMap<>();
        for (int line = from; line <= to; line++) {
            TraceRecord rec = trace.at(line);
            if (rec instanceof TraceRecord.StepBatch sb) {
                dueTimes.computeIfAbsent(sb.oid(), k -> new ArrayList<>()).add(sb.firstClock() / freq);
            } else if (rec instanceof TraceRecord.WireMessage m && m.direction().equals("host_to_mcu") && m.kind().equals("data")) {
                for (String c : m.messages()) {
                    String[] words = c.split(" ");
                    if (!words[0].equals("queue_step")) continue;
                    for (String w : words) {
                        if (w.startsWith("oid=")) sentTimes.computeIfAbsent(Integer.valueOf(w.substring(4)), k -> new ArrayList<>()).add(m.hostTimeS());
                    }
                }
            }
        }
        int n = 0;
        double sumDue = 0, sumSent = 0, maxLead = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Integer, List<Double>> e : dueTimes.entrySet()) {
            List<Double> sent = sentTimes.getOrDefault(e.getKey(), List.of());
            for (int k = 0; k < e.getValue().size() && k < sent.size(); k++) {
                double due = e.getValue().get(k);
                if (due < win || due >= win + 1) continue;
                n++;
                sumDue += due;
                sumSent += sent.get(k);
                maxLead = Math.max(maxLead, due - sent.get(k));
            }
        }
        double meanLead = (sumDue - sumSent) / n;
        r.put("queue", q);
        r.put("n", (double) n);
        r.put("win", win);
        r.put("win_end", win + 1);
        r.put("mean_lead", meanLead);
        r.put("max_lead", maxLead);
        r.put("occ_mean", meanLead * n);
        r.put("occ_max", maxLead * n);
        r.put("headroom", q - maxLead * n);
        r.put("buffer_s", q / n);
        r.put("util_pct", maxLead * n / q * 100);
        return r;
    }
}
