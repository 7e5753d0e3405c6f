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
 * Extending the 32-bit MCU clock carried on the wire to the host's 64-bit clock: the previous
 * 64-bit clock, the new 32-bit wire value, the signed 32-bit difference and the extended value
 * (checked against the clock the trace records), with the wrap period at the MCU's frequency.
 */
public final class ClockExtension implements Family {
    private static final String[] ASKS = {"extend", "wrap-period", "next-wrap"};
    private static final double TWO32 = 4294967296.0;

    private static String an(String w) {
        return w.matches("(?i)^[aeiou].*") ? "an" : "a";
    }

    @Override
    public String id() {
        return "clock-32bit-extension";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    private static long wireClock(TraceRecord.WireMessage m) {
        if (!"mcu_to_host".equals(m.direction()) || m.messages() == null || m.messages().size() != 1) return -1;
        String s = m.messages().get(0);
        if (!s.startsWith("clock clock=")) return -1;
        try {
            return Long.parseLong(s.substring("clock clock=".length()).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            double freq = trace.clockHz();
            if (!(freq > 0)) return out;
            List<Finding> wrapping = new ArrayList<>(), plain = new ArrayList<>();
            int prevLine = -1;
            long prevClock = -1, wire = -1;
            int n = 0;
            for (int line = 1; line <= trace.lines(); line++) {
                TraceRecord r = trace.at(line);
                if (r instanceof TraceRecord.WireMessage m) {
                    long w = wireClock(m);
                    if (w >= 0) wire = w;
                } else if (r instanceof TraceRecord.ClockSync c) {
                    if (prevClock > 0 && wire >= 0 && (c.mcuClock() & 0xFFFFFFFFL) == wire && c.mcuClock() > prevClock) {
                        boolean wraps = (c.mcuClock() >>> 32) != (prevClock >>> 32);
                        Map<String, String> labels = new HashMap<>();
                        labels.put("ask", ASKS[n++ % ASKS.length]);
                        labels.put("board", String.valueOf(trace.header().board()));
                        labels.put("wraps", wraps ? "yes" : "no");
                        Map<String, Double> obs = new HashMap<>();
                        obs.put("last", (double) prevClock);
                        obs.put("wire", (double) wire);
                        obs.put("result", (double) c.mcuClock());
                        obs.put("freq", freq);
                        Finding f = new Finding(new RecordRange(prevLine, line), labels, Map.of(), obs);
                        (wraps ? wrapping : plain).add(f);
                    }
                    prevLine = line;
                    prevClock = c.mcuClock();
                    wire = -1;
                }
            }
            out.addAll(wrapping.subList(0, Math.min(6, wrapping.size())));
            for (int i = 0; i < plain.size() && out.size() < 10; i += Math.max(1, plain.size() / 4)) out.add(plain.get(i));
        } catch (RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String ask = f.label("ask"), board = f.label("board");
        boolean wraps = f.label("wraps").equals("yes");
        long last = Math.round(f.observed("last")), wire = Math.round(f.observed("wire"));
        double freq = f.observed("freq");
        long low = last % 4294967296L;
        long raw = Math.floorMod(wire - low, 4294967296L);
        long signed = raw >= 2147483648L ? raw - 4294967296L : raw;
        long result = last + signed;
        long epochs = result / 4294967296L;
        double period = TWO32 / freq;
        double dt = signed / freq;
        double toNext = (TWO32 - wire) / freq;
        String LAST = b.count("last", last, "ticks"), WIRE = b.count("wire", wire, "ticks"), F = b.count("freq", Math.round(freq), "Hz");
        String LOW = b.count("low", low, "ticks"), RAW = b.count("raw_diff", raw, "ticks"), SIG = b.count("diff", signed, "ticks");
        String RES = b.count("result", result, "ticks"), EP = epochs > 12 ? b.count("epochs", epochs, "") : Long.toString(epochs);
        String PER = b.q("period", period, 3, "s"), DT = b.q("dt", dt, 4, "s"), NEXT = b.q("to_next", toNext, 3, "s");
        String EPLOW = epochs > 0 ? b.count("epoch_base", epochs * 4294967296L, "ticks") : "0";

        String intro = b.pick(
                (an(board).equals("an") ? "An" : "A") + " " + board + " controller's timer runs at " + F + " Hz and keeps a 64-bit tick count internally, but every clock value on the wire is only the low 32 bits.",
                "The MCU on " + an(board) + " " + board + " board counts ticks at " + F + " Hz; its messages carry just the low 32 bits of that count.",
                "On " + an(board) + " " + board + " board the MCU clock ticks at " + F + " Hz, and responses report it truncated to 32 bits.");
        String given = b.pick(
                " The host's last 64-bit clock estimate was " + LAST + ". The next clock response carried the 32-bit value " + WIRE + ".",
                " After its previous sync the host held the 64-bit clock " + LAST + "; the next answer on the wire said " + WIRE + ".",
                " Host state: last known clock " + LAST + " ticks (64-bit). New 32-bit value from the MCU: " + WIRE + ".");
        String question = switch (ask) {
            case "extend" -> b.pick(" Reconstruct the full 64-bit clock and the time elapsed since the previous value.",
                    " What 64-bit clock does the 32-bit value correspond to, and how many seconds passed between the two values?",
                    " Extend the wire value to 64 bits and state the signed tick difference.");
            case "wrap-period" -> b.pick(" How often does the 32-bit value wrap at this clock rate, and does the extension survive a wrap between these two values?",
                    " Compute the 32-bit wrap period in seconds and extend the new value.",
                    " What is the wrap period of the wire clock (s), and what 64-bit value results here?");
            default -> b.pick(" How many full wraps has the counter completed, and how long (s) until the 32-bit value wraps again?",
                    " After extending the value, find how many times the low 32 bits have wrapped since boot and the time to the next wrap.",
                    " Extend the value, count completed wraps, and give the seconds remaining before the wire value next rolls over.");
        };
        b.problem(intro + given + question);

        b.think("First, let me understand what's happening physically. The MCU's counter never stops, but sending 64 bits in every message would waste bandwidth, so only the low 32 bits travel. The host fills in the high bits by assuming the new value is the one nearest to what it already knows. That works as long as consecutive values are less than half the 32-bit range apart, which is " + b.q("half_range_s", 2147483648.0 / freq, 2, "s") + " s at " + F + " Hz.");
        b.think("The low 32 bits of the last clock: " + LAST + " mod 4294967296 = " + LOW + ". Difference: (" + WIRE + " - " + LOW + ") mod 4294967296 = " + RAW + ". "
                + (raw >= 2147483648L ? "That is at least 2147483648, so it is really negative: subtract 4294967296 to get " + SIG + "."
                        : "That is below 2147483648, so it is a forward step: " + SIG + " ticks.")
                + " Extended clock = " + LAST + " + " + SIG + " = " + RES + ".");
        b.think((wraps ? "Note the wire value " + WIRE + " is smaller than the old low bits " + LOW + ": the 32-bit counter wrapped in between. If I had just pasted the old high bits onto the new value I'd be 4294967296 ticks too early, a full " + PER + " s in the past. The modular difference handles it."
                : "No wrap happened between these two values (the new low bits " + WIRE + " exceed " + LOW + "), so the high bits are unchanged.")
                + " Elapsed time: " + SIG + " / " + F + " = " + DT + " s, which matches the host's roughly once-per-second clock polling. Sanity check passes.");
        b.think("Wrap period: 4294967296 / " + F + " = " + PER + " s. Completed wraps: " + RES + " / 4294967296 = " + EP + " (floor), i.e. the high word is " + EP + " and the epoch starts at " + EPLOW + ". The wire value next wraps in (4294967296 - " + WIRE + ") / " + F + " = " + NEXT + " s.");

        b.controlProblem("Given the host's last 64-bit MCU clock " + LAST + ", a new 32-bit wire value " + WIRE + " and a clock rate of " + F + " Hz, extend the value to 64 bits, find the elapsed time, the wrap period, the completed wraps and the time to the next wrap.");
        b.context("- Hardware limitations: the MCU's timer is a 32-bit counter; the 64-bit count exists only as the host's reconstruction, and messages carry 32-bit fields to save bytes.\n"
                + "- Real-time requirements: the extension is unambiguous only if the host sees a clock value at least every half range (" + b.text("half_range_s") + " s); the host polls about once per second.\n"
                + "- Safety requirements: a wrongly extended clock would schedule every future command a whole wrap (" + PER + " s) off, so the extension must be exact integer arithmetic, never floating point.");
        b.analysis("Step 1: Low bits of the last clock: " + LAST + " mod 4294967296 = " + LOW + ".\n\n"
                + "Step 2: Modular difference: (" + WIRE + " - " + LOW + ") mod 4294967296 = " + RAW + (raw >= 2147483648L ? ", minus 4294967296 = " + SIG : "") + ".\n\n"
                + "Step 3: Extended clock: " + LAST + " + " + SIG + " = " + RES + "; elapsed " + DT + " s.\n\n"
                + "Step 4: Wrap period 4294967296 / " + F + " = " + PER + " s; completed wraps " + EP + "; next wrap in " + NEXT + " s.");
        String code = """
                /// Rebuilds 64-bit MCU clocks from the 32-bit values on the wire.
                #[derive(Debug, Clone, Copy)]
                pub struct ClockExtender {
                    last: u64,
                }

                impl ClockExtender {
                    pub fn new(last: u64) -> Self {
                        ClockExtender { last }
                    }

                    /// The 64-bit value nearest to `last` whose low 32 bits are `wire`.
                    pub fn extend(&self, wire: u32) -> u64 {
                        let delta = wire.wrapping_sub(self.last as u32) as i32;
                        (self.last as i64 + delta as i64) as u64
                    }

                    /// Extends and adopts the result as the new reference.
                    pub fn update(&mut self, wire: u32) -> u64 {
                        self.last = self.extend(wire);
                        self.last
                    }
                }

                /// Seconds between 32-bit wraps at `freq_hz`.
                pub fn wrap_period_s(freq_hz: f64) -> f64 {
                    4294967296.0 / freq_hz
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_clock() {
                        let freq: f64 = %F.0;
                        assert!((wrap_period_s(freq) - %PER).abs() < 1e-3);
                        let wire: u32 = %WIRE;
                        let last: u64 = %LAST;
                        let mut x = ClockExtender::new(last);
                        let full = x.update(wire);
                        assert_eq!(full, %RES);
                        assert_eq!(full >> 32, %EP);
                        assert!(((full - last) as f64 / freq - %DT).abs() < 1e-3);
                        assert!(((4294967296.0 - wire as f64) / freq - %NEXT).abs() < 1e-3);
                        // a stale value from just before `last` maps backwards, not a wrap forwards
                        assert_eq!(x.extend((full as u32).wrapping_sub(10)), full - 10);
                    }
                }
                """.replace("%F", F).replace("%PER", PER).replace("%WIRE", WIRE).replace("%LAST", LAST).replace("%RES", RES)
                .replace("%EP", EP).replace("%DT", DT).replace("%NEXT", NEXT);
        b.rust("Wrapping 32-bit subtraction reinterpreted as i32 is exactly the nearest-value rule, with no branches and no floating point; the extender owns its reference clock so only one place ever advances it.",
                code, "Because `update` takes `&mut self`, two threads cannot advance the reference concurrently without the compiler objecting; sharing it would need a Mutex around it.");
        b.safety("The extension is correct whenever the true clock moved by less than 2147483648 ticks (" + b.text("half_range_s") + " s) since the reference, forwards or backwards. Here the step is " + DT
                + " s, far inside that. A host that went silent for longer than half a wrap would extend the next value wrongly, so a long gap must force a fresh full clock query (the uptime query returns all 64 bits) before anything is scheduled.");
        b.edgeCases("- A response that was delayed and arrives after a newer one gives a small negative difference; the signed rule maps it slightly backwards instead of almost a full wrap forwards.\n"
                + "- Exactly half a range apart is ambiguous; the rule resolves it backwards, and the polling rate keeps the host far from it.\n"
                + "- Other 32-bit clock fields in responses (shutdown clock, next sample clock) are extended against the same reference, which only clock responses update.\n"
                + "- At " + F + " Hz the counter wraps every " + PER + " s, so a print of hours sees many wraps and every one must be handled this way.");
        b.alternatives("Sending 64-bit clocks would remove the problem at the cost of four more bytes per clock field (after variable-length encoding, often five). A wire clock two bytes wider would push the half range from seconds or minutes to days or months. Synchronising a host-side counter with periodic full-width uptime queries also works, but still needs the nearest-value rule between queries.");
        switch (ask) {
            case "extend" -> b.answer("ticks", 0, "result");
            case "wrap-period" -> b.answer("s", 0.001, "period", "result");
            default -> b.answer("s", 0.001, "to_next");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        TraceRecord.ClockSync prev = (TraceRecord.ClockSync) trace.at(ref.records().fromLine());
        TraceRecord.ClockSync now = (TraceRecord.ClockSync) trace.at(ref.records().toLine());
        long wire = now.mcuClock() & 0xFFFFFFFFL;
        long last = prev.mcuClock();
        double freq = trace.header().clockFreqHz();
        // the C helper form: last + (int32)(wire - (uint32)last)
        int delta = (int) wire - (int) last;
        r.put("last", (double) last);
        r.put("wire", (double) wire);
        r.put("freq", freq);
        r.put("low", (double) (last & 0xFFFFFFFFL));
        r.put("raw_diff", (double) (delta & 0xFFFFFFFFL));
        r.put("diff", (double) delta);
        r.put("result", (double) now.mcuClock());
        r.put("epochs", (double) (now.mcuClock() >>> 32));
        r.put("epoch_base", (double) ((now.mcuClock() >>> 32) << 32));
        r.put("period", Math.scalb(1.0, 32) / freq);
        r.put("half_range_s", Math.scalb(1.0, 31) / freq);
        r.put("dt", (now.mcuClock() - last) / freq);
        r.put("to_next", (Math.scalb(1.0, 32) - wire) / freq);
        return r;
    }
}
