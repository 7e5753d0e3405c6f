package org.steptrace.extract.families.realtime;

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
 * How well (interval, count, add) step runs compress motion: over consecutive host-to-MCU blocks
 * that carried step commands, the steps carried against the bytes on the wire (bytes per step),
 * the steps per command, and the largest single run, compared with sending one 32-bit clock per step.
 */
public final class StepCompressionRatio implements Family {
    private static final String[] ASKS = {"bytes-per-step", "ratio", "longest-run"};
    private static final int N = 12;

    @Override
    public String id() {
        return "step-compression-ratio";
    }

    @Override
    public Category category() {
        return Category.REAL_TIME;
    }

    private static long[] stepCmd(String m) {
        if (!m.startsWith("queue_step ")) return null;
        long[] v = new long[3];
        for (String part : m.split(" ")) {
            try {
                if (part.startsWith("interval=")) v[0] = Long.parseLong(part.substring(9));
                else if (part.startsWith("count=")) v[1] = Long.parseLong(part.substring(6));
                else if (part.startsWith("add=")) v[2] = Long.parseLong(part.substring(4));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return v;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        List<TraceView.At<TraceRecord.WireMessage>> blocks = new ArrayList<>();
        for (TraceView.At<TraceRecord.WireMessage> at : trace.all(TraceRecord.WireMessage.class)) {
            TraceRecord.WireMessage m = at.record();
            if (!"host_to_mcu".equals(m.direction()) || !"data".equals(m.kind()) || m.messages() == null) continue;
            if (m.messages().stream().anyMatch(s -> s.startsWith("queue_step "))) blocks.add(at);
        }
        if (blocks.size() < N) return out;
        for (int k = 0; k < 6; k++) {
            int s = (int) ((long) (blocks.size() - N) * k / 5);
            final int line = blocks.get(s).line();
            if (out.stream().anyMatch(fd -> fd.records().fromLine() == line)) continue;
            long steps = 0, cmds = 0, bytes = 0, other = 0;
            long[] longest = null;
            for (int i = s; i < s + N; i++) {
                bytes += blocks.get(i).record().lengthBytes();
                for (String m : blocks.get(i).record().messages()) {
                    long[] v = stepCmd(m);
                    if (v == null) {
                        other++;
                        continue;
                    }
                    cmds++;
                    steps += v[1];
                    if (longest == null || v[1] > longest[1]) longest = v;
                }
            }
            if (longest == null || steps < N) continue;
            Map<String, Double> obs = new HashMap<>();
            obs.put("steps", (double) steps);
            obs.put("cmds", (double) cmds);
            obs.put("bytes", (double) bytes);
            obs.put("other", (double) other);
            obs.put("l_interval", (double) longest[0]);
            obs.put("l_count", (double) longest[1]);
            obs.put("l_add", (double) longest[2]);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[out.size() % ASKS.length]);
            labels.put("scenario", H5Scenario.kind(trace));
            out.add(new Finding(new RecordRange(line, blocks.get(s + N - 1).line()), labels, Map.of(), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double fn = trace.clockHz();
        double steps = f.observed("steps"), cmds = f.observed("cmds"), bytes = f.observed("bytes"), other = f.observed("other");
        long li = (long) f.observed("l_interval"), lc = (long) f.observed("l_count"), la = (long) f.observed("l_add");
        double bps = bytes / steps;
        double spc = steps / cmds;
        double raw = 4 * steps;
        double ratio = raw / bytes;
        long span = lc * li + la * lc * (lc - 1) / 2;
        long lastGap = li + (lc - 1) * la;
        double spanMs = span / fn * 1000;
        String ask = f.label("ask");
        String kind = f.label("scenario");

        String NB = b.wholeNumber("nblocks", N, "blocks");
        String ST = b.count("steps", (long) steps, "steps");
        String NC = b.wholeNumber("cmds", (long) cmds, "commands");
        String OT = b.wholeNumber("other", (long) other, "messages");
        String msgWord = other == 1 ? "message" : "messages";
        String BY = b.count("bytes", (long) bytes, "bytes");
        String BPS = b.q("bytes_per_step", bps, 4, "bytes/step");
        String SPC = b.q("steps_per_cmd", spc, 2, "steps/command");
        String RAW = b.count("raw", (long) raw, "bytes");
        String RT = b.q("ratio", ratio, 2, "");
        String LI = b.count("l_interval", li, "ticks");
        String LC = b.wholeNumber("l_count", lc, "steps");
        String LA = b.wholeNumber("l_add", la, "ticks"); // signed: a decelerating run's add is negative
        String SPAN = b.count("span", span, "ticks");
        String SPMS = b.q("span_ms", spanMs, 3, "ms");
        String LG = b.count("last_gap", lastGap, "ticks");
        String FN = b.q("f_nominal", fn, 0, "Hz");

        String intro = b.pick(
                "A printer host does not send one message per step. It sends step-queue commands, each (interval, count, add): count steps, the first interval ticks after the previous step, each following gap changing by add ticks. ",
                "Motion reaches the MCU as compressed step runs: a command (interval, count, add) stands for count steps whose gaps start at interval and grow by add per step. ",
                "Each step command on this link carries three numbers (interval, count, add) and expands on the MCU into count steps with linearly changing gaps. ");
        String data = b.pick(
                "On " + H5Scenario.boardWords(trace) + " (timer " + FN + " Hz), " + NB + " consecutive blocks that carried step commands, recorded " + H5Scenario.doing(kind) + ", held " + NC + " such commands (plus " + OT
                        + " other " + msgWord + ") describing " + ST + " steps in " + BY + " bytes of blocks. The longest run among them was interval = " + LI + ", count = " + LC + ", add = " + LA + ".",
                "A trace " + H5Scenario.doing(kind) + " on " + H5Scenario.boardWords(trace) + " (" + FN + " Hz) shows " + NB + " consecutive step-carrying blocks: " + BY + " bytes on the wire, " + NC + " step commands and "
                        + OT + " other " + msgWord + ", " + ST + " steps in all. Largest command: (" + LI + ", " + LC + ", " + LA + ").",
                "Over " + NB + " consecutive blocks with step commands (" + BY + " bytes, " + H5Scenario.doing(kind) + ", " + FN + " Hz MCU timer) the host encoded " + ST + " steps in " + NC
                        + " commands; " + OT + " other " + msgWord + " shared those blocks. The biggest single command had interval " + LI + ", count " + LC + ", add " + LA + ".");
        String question = switch (ask) {
            case "bytes-per-step" -> b.pick(" How many bytes of wire traffic does one step cost on average?", " Compute the average number of bytes per step, framing included.");
            case "ratio" -> b.pick(" Compared with sending a 4-byte absolute clock for every step, what compression factor does this achieve?",
                    " By what factor is this encoding smaller than one 32-bit timestamp per step?");
            default -> b.pick(" How long (in ms) does the largest command keep its motor busy, and what is its final gap?",
                    " For the largest command, find the total time it spans in ticks and ms, and the gap between its last two steps.");
        };
        b.problem(intro + data + question);

        b.think("First, let me understand what's happening physically. During a constant-speed stretch the step gaps are constant, so add = 0 and one command covers a long run; during acceleration the gaps shrink roughly linearly over short stretches, which add captures. Either way one command replaces many timestamps.");
        b.think("Average cost: " + BY + " bytes / " + ST + " steps = " + BPS + " bytes per step. Each command covers " + ST + " / " + NC + " = " + SPC
                + " steps on average. These bytes include framing and the " + OT + " other " + msgWord + " that shared the blocks, so the cost is an upper bound for the step commands alone.");
        b.think("Baseline: one 32-bit clock per step would take 4 x " + ST + " = " + RAW + " bytes (before any framing). Compression factor = " + RAW + " / " + BY + " = " + RT + ".");
        b.think("Largest command: the k-th step lands at k x interval + add x k(k-1)/2 after the previous one, so the whole run spans " + LC + " x " + LI + " + (" + LA + ") x " + LC + " x (" + LC + " - 1) / 2 = " + SPAN
                + " ticks = " + SPMS + " ms. Its last gap is interval + (count - 1) x add = " + LG + " ticks. Wait, is the first gap interval or interval + add? The first step comes interval after the previous one, and the gap grows by add after each step, so the last gap is interval + (count - 1) add, as used.");

        b.controlProblem("Given " + ST + " steps carried in " + BY + " bytes by " + NC + " (interval, count, add) commands, find the bytes per step, the compression factor against a 32-bit timestamp per step, and the span of the largest command (" + LI + ", " + LC + ", " + LA + ") at " + FN + " Hz.");
        b.context("- Hardware limitations: the serial link carries a limited number of bytes per second and the MCU queue has a limited number of command slots; compression stretches both.\n"
                + "- Real-time requirements: the MCU expands each command in its step interrupt with one addition per step (gap += add), which is cheap enough for the tightest gaps.\n"
                + "- Safety requirements: the compressed steps must stay within a small error of the ideal step times (the host verifies each command before sending), and a command's total span must never overflow the 32-bit clock arithmetic.");
        b.analysis("Step 1: Bytes per step = " + BY + " / " + ST + " = " + BPS + ".\n\n"
                + "Step 2: Steps per command = " + SPC + ".\n\n"
                + "Step 3: Naive encoding = 4 x " + ST + " = " + RAW + " bytes; compression factor = " + RT + ".\n\n"
                + "Step 4: Largest command spans count x interval + add x count(count-1)/2 = " + SPAN + " ticks = " + SPMS + " ms; last gap = " + LG + " ticks.");
        b.rust("The command expands lazily as an iterator that owns its state, so the MCU side never needs a buffer of step times and cannot read past the end of a run.",
                """
                #[derive(Debug, Clone, Copy)]
                pub struct StepRun {
                    pub interval: u32,
                    pub count: u16,
                    pub add: i16,
                }

                pub struct Steps {
                    next_gap: i64,
                    add: i64,
                    left: u16,
                    clock: i64,
                }

                impl Iterator for Steps {
                    type Item = i64;
                    fn next(&mut self) -> Option<i64> {
                        if self.left == 0 {
                            return None;
                        }
                        self.clock += self.next_gap;
                        self.next_gap += self.add;
                        self.left -= 1;
                        Some(self.clock)
                    }
                }

                impl StepRun {
                    pub fn steps(&self, start: i64) -> Steps {
                        Steps { next_gap: self.interval as i64, add: self.add as i64, left: self.count, clock: start }
                    }

                    /// Closed form of the last step's offset: count*interval + add*count*(count-1)/2.
                    pub fn span(&self) -> i64 {
                        let n = self.count as i64;
                        n * self.interval as i64 + self.add as i64 * n * (n - 1) / 2
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn largest_run() {
                        let run = StepRun { interval: %LI, count: %LC, add: %LA };
                        assert_eq!(run.span(), %SPAN);
                        assert_eq!(run.steps(0).last(), Some(%SPAN));
                        let clocks: Vec<i64> = run.steps(0).collect();
                        if clocks.len() >= 2 {
                            assert_eq!(clocks[clocks.len() - 1] - clocks[clocks.len() - 2], %LG);
                        }
                    }

                    #[test]
                    fn bytes_per_step() {
                        let bps = %BY as f64 / %ST as f64;
                        assert!((bps - %BPS).abs() < 1e-4);
                    }
                }
                """.replace("%SPAN", SPAN).replace("%LI", LI).replace("%LC", LC).replace("%LA", LA).replace("%LG", LG).replace("%BY", BY).replace("%ST", ST).replace("%BPS", BPS),
                "The closed form and the iterator are two independent routes to the same last step; the test holds them to each other and to the observed command.");
        b.safety("The encoding is exact, not lossy, once the host has chosen the run: the MCU reproduces the command's step times to the tick. The host's job is to choose runs whose steps stay within its error window of the ideal times and whose span, " + SPAN
                + " ticks here, stays far below the 2147483648 ticks that 32-bit clock comparisons can order. The MCU's per-step work is one addition, so even the tightest gap in the run is cheap to serve.");
        b.edgeCases("- A count of 0 or an interval of 0 with several steps would be meaningless; the MCU must reject such a command rather than divide time by it.\n"
                + "- A large negative add with a long count can drive the gap to zero or below; the host must check the last gap (here " + LG + " ticks) before sending.\n"
                + "- Direction changes cannot be expressed inside a run; they break the motion into separate commands and cost extra messages.\n"
                + "- Steps at the start of a move that follow a long idle are sent as single commands with huge intervals, which costs more bytes per step.");
        b.alternatives("Sending every step time (or every gap) is simplest and exact but costs far more bandwidth, " + RT + " times more here. "
                + "Higher-order runs (adding a jerk term) would cover longer accelerating stretches per command but make the host's fitting harder and the MCU's interrupt slower. "
                + "Generating steps on the MCU from motion segments moves the whole kinematic computation onto the MCU, which small 8-bit parts cannot afford.");
        switch (ask) {
            case "bytes-per-step" -> b.answer("bytes/step", 1e-3, "bytes_per_step");
            case "ratio" -> b.answer("", 0.01, "ratio");
            default -> b.answer("ms", 1e-3, "span_ms");
        }
        return b.build();
    }

    private static final Pattern QS = Pattern.compile("^queue_step oid=\\d+ interval=(\\d+) count=(\\d+) add=(-?\\d+)");

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        long steps = 0, cmds = 0, bytes = 0, other = 0, blocks = 0;
        long bi = 0, bc = -1, ba = 0;
        for (TraceView.At<TraceRecord.WireMessage> at : trace.within(ref.records(), TraceRecord.WireMessage.class)) {
            TraceRecord.WireMessage m = at.record();
            if (!m.direction().equals("host_to_mcu") || !m.kind().equals("data")) continue;
            boolean any = false;
            long o = 0;
            for (String s : m.messages()) {
                Matcher x = QS.matcher(s);
                if (x.find()) {
                    any = true;
                    long c = Long.parseLong(x.group(2));
                    steps += c;
                    cmds++;
                    if (c > bc) {
                        bc = c;
                        bi = Long.parseLong(x.group(1));
                        ba = Long.parseLong(x.group(3));
                    }
                } else {
                    o++;
                }
            }
            if (!any) continue;
            blocks++;
            other += o;
            bytes += m.lengthBytes();
        }
        double hz = trace.header().clockFreqHz();
        // Span by summing the gaps one by one.
        long span = 0, gap = bi;
        for (long k = 0; k < bc; k++) {
            span += gap;
            if (k < bc - 1) gap += ba;
        }
        r.put("nblocks", (double) blocks);
        r.put("steps", (double) steps);
        r.put("cmds", (double) cmds);
        r.put("other", (double) other);
        r.put("bytes", (double) bytes);
        r.put("bytes_per_step", (double) bytes / steps);
        r.put("steps_per_cmd", (double) steps / cmds);
        r.put("raw", 4.0 * steps);
        r.put("ratio", 4.0 * steps / bytes);
        r.put("l_interval", (double) bi);
        r.put("l_count", (double) bc);
        r.put("l_add", (double) ba);
        r.put("span", (double) span);
        r.put("span_ms", span / hz * 1000);
        r.put("last_gap", (double) gap);
        r.put("f_nominal", hz);
        return r;
    }
}
