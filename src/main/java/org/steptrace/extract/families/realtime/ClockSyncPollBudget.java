package org.steptrace.extract.families.realtime;

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
 * The cost and the payoff of clock synchronisation polling: the observed poll interval, the bytes
 * of each clock query and answer, their share of the link, and how fast the time estimate would
 * drift between polls given the rate the host estimated against the nominal one.
 */
public final class ClockSyncPollBudget implements Family {
    private static final String[] ASKS = {"share", "drift", "interval"};
    private static final int K = 8;

    @Override
    public String id() {
        return "clock-sync-poll-budget";
    }

    @Override
    public Category category() {
        return Category.REAL_TIME;
    }

    private static boolean sole(TraceRecord r, String direction, String prefix) {
        return r instanceof TraceRecord.WireMessage w && w.direction().equals(direction) && w.kind().equals("data")
                && w.messages().size() == 1 && w.messages().get(0).startsWith(prefix);
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double baud = trace.setting("serial_baud");
        double fNom = trace.clockHz();
        if (!(baud > 0) || !(fNom > 0)) return out;
        List<TraceView.At<TraceRecord.ClockSync>> cs = trace.all(TraceRecord.ClockSync.class);
        int n = 0;
        int i = 1;
        while (i + K <= cs.size() && out.size() < 2) {
            boolean ok = true;
            long qBytes = 0, aBytes = 0;
            for (int k = i; k < i + K && ok; k++) {
                int line = cs.get(k).line();
                double dt = cs.get(k).record().sentTimeS() - cs.get(k - 1).record().sentTimeS();
                if (dt < 0.5 || line < 4) {
                    ok = false;
                    break;
                }
                if (!sole(trace.at(line - 2), "host_to_mcu", "get_clock") || !sole(trace.at(line - 1), "mcu_to_host", "clock clock=")) {
                    ok = false;
                    break;
                }
                qBytes += ((TraceRecord.WireMessage) trace.at(line - 2)).lengthBytes();
                aBytes += ((TraceRecord.WireMessage) trace.at(line - 1)).lengthBytes();
            }
            if (!ok) {
                i++;
                continue;
            }
            int from = cs.get(i).line() - 2, to = cs.get(i + K - 1).line();
            // No other clock queries inside the window.
            int queries = 0;
            for (int line = from; line <= to; line++) if (sole(trace.at(line), "host_to_mcu", "get_clock")) queries++;
            if (queries != K) {
                i++;
                continue;
            }
            TraceRecord.ClockSync first = cs.get(i).record(), last = cs.get(i + K - 1).record();
            Map<String, Double> obs = new HashMap<>();
            obs.put("t_first", first.sentTimeS());
            obs.put("t_last", last.sentTimeS());
            obs.put("q_bytes", (double) qBytes);
            obs.put("a_bytes", (double) aBytes);
            obs.put("f_first", first.frequencyHz());
            obs.put("f_last", last.frequencyHz());
            obs.put("baud", baud);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("board", trace.header().board());
            String gc = trace.header().gcode() == null ? "" : trace.header().gcode();
            labels.put("scenario", gc.contains(":") ? gc.substring(gc.indexOf(':') + 1).strip() : "a run");
            out.add(new Finding(new RecordRange(from, to), labels, Map.of(), obs));
            i += K * 3;
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding fd, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, fd, rng);
        double t0 = fd.observed("t_first"), t1 = fd.observed("t_last"), baud = fd.observed("baud");
        long qb = (long) fd.observed("q_bytes"), ab = (long) fd.observed("a_bytes");
        double fFirst = fd.observed("f_first"), fLast = fd.observed("f_last");
        double fNom = trace.clockHz();
        double interval = (t1 - t0) / (K - 1);
        double perPoll = (double) (qb + ab) / K;
        double rate = perPoll / interval;
        double share = perPoll * 10.0 / (interval * 2.0 * baud) * 100.0;
        double ppm = (fLast - fNom) / fNom * 1e6;
        double growUs = Math.abs(ppm) * 1e-6 * interval * 1e6;
        double resPpm = (fLast - fFirst) / fFirst * 1e6;
        double resGrowNs = Math.abs(resPpm) * 1e-6 * interval * 1e9;
        String ask = fd.label("ask");

        String T0 = b.q("t_first", t0, 6, "s"), T1 = b.q("t_last", t1, 6, "s"), QB = b.count("q_bytes", qb, "bytes"), AB = b.count("a_bytes", ab, "bytes");
        String FF = b.q("f_first", fFirst, 6, "Hz"), FL = b.q("f_last", fLast, 6, "Hz"), FN = b.count("f_nom", Math.round(fNom), "Hz");
        String BAUD = b.count("baud", Math.round(baud), "bit/s");
        String IV = b.q("interval", interval, 5, "s"), PP = b.q("per_poll", perPoll, 3, "bytes"), RT = b.q("rate", rate, 3, "B/s");
        String SH = b.q("share", share, 4, "%");
        String PPM = b.sig("ppm", ppm, 3, "ppm"), GR = b.sig("grow_us", growUs, 3, "us");
        String RPPM = b.sig("res_ppm", resPpm, 3, "ppm"), RG = b.sig("res_grow_ns", resGrowNs, 3, "ns");

        String situation = b.pick(
                "During a run on a " + fd.label("board") + " board (" + fd.label("scenario") + "), the host kept its estimate of the MCU clock fresh by polling it.",
                "A host tracks an MCU's clock (" + fd.label("board") + " board) by periodically asking for the current clock value; the trace covers " + fd.label("scenario") + ".",
                "Clock synchronisation traffic on a " + fd.label("board") + " controller was recorded while it ran " + fd.label("scenario") + ".");
        String givens = b.pick(
                " Over " + K + " consecutive polls, the first query went out at " + T0 + " s and the last at " + T1 + " s. The query blocks totalled " + QB
                        + " bytes and the answer blocks " + AB + " bytes. The host's rate estimate was " + FF + " Hz after the first poll and " + FL
                        + " Hz after the last; the crystal's nominal rate is " + FN + " Hz. The link runs at " + BAUD + " baud, full duplex, 10 bits per byte.",
                " Window of " + K + " polls: first sent at " + T0 + " s, last at " + T1 + " s; query bytes " + QB + ", answer bytes " + AB
                        + "; estimated clock rate " + FF + " Hz at the start and " + FL + " Hz at the end (nominal " + FN + " Hz); serial link " + BAUD
                        + " baud in each direction with 10 bit times per byte.",
                " The " + K + " polls in the window were sent between " + T0 + " s and " + T1 + " s; together their queries used " + QB + " bytes on the wire and the answers "
                        + AB + " bytes. After the first of them the host estimated the MCU clock at " + FF + " Hz, after the last at " + FL + " Hz, against a nominal " + FN
                        + " Hz. Baud rate: " + BAUD + " (10 bits per byte, both directions).");
        String question = switch (ask) {
            case "share" -> b.pick(" What share of the link's total capacity does the polling consume?",
                    " How many bytes per second does clock polling cost, and what percentage of the full-duplex capacity is that?",
                    " Is clock polling a noticeable load on this link? Give its share of capacity in percent.");
            case "drift" -> b.pick(" If the host used the nominal rate instead of its estimate, how far (µs) would its time estimate drift during one poll interval?",
                    " Quantify the clock rate offset in ppm and the timing error it accumulates between two polls.",
                    " How much does the estimate's error grow between polls, given the observed rate offset and the change of the estimate across the window?");
            default -> b.pick(" What is the polling interval, and how many bytes does each poll cost?",
                    " Find the mean poll period and the wire bytes per query/answer pair.",
                    " Derive the poll interval and per-poll byte cost, then judge whether polling more often would be affordable.");
        };
        String opener = b.pick("The cost of keeping two clocks aligned is being weighed against its benefit. ",
                "You are deciding whether the clock polling rate is well chosen. ",
                "A timing engineer audits the synchronisation traffic of a recorded session. ",
                "Before raising the poll rate, the current budget must be known. ",
                "");
        String closer = b.pick(" State the formula before the numbers.",
                " Keep both directions of the link in mind.",
                " Express small errors in a unit that keeps them readable.",
                " Compare the answer against a step interval.",
                "");
        String detail = b.pick(" The host fits its estimate over past polls with decaying weights.", " Each answer is paired with the host time at which its query was sent.",
                " Answers share the link with every other response from the MCU.", " Each query is a block holding a single command with no arguments.", "");
        b.problem(opener + situation + detail + givens + question + closer);

        b.think("First, let me understand what's happening physically. The host cannot read the MCU's clock directly; it sends a query, the MCU answers with its clock, and the host fits the pairs of (host time, MCU clock) to a rate and an offset. "
                + "Between polls the host extrapolates, so the error grows with the time since the last poll and with how wrong the rate is.");
        b.think("The window spans " + K + " polls, which means " + K + " - 1 intervals: (" + T1 + " - " + T0 + ") / " + (K - 1) + " = " + IV + " s. "
                + b.pick("Wait, I first divided by " + K + "; that counts the polls, not the gaps between them. ", "Careful to divide by the number of gaps, not the number of polls. ")
                + "Per poll the wire carries (" + QB + " + " + AB + ") / " + K + " = " + PP + " bytes, i.e. " + PP + " / " + IV + " = " + RT + " B/s.");
        b.think("Capacity: " + BAUD + " baud at 10 bits per byte in each of two directions. Share = " + RT + " · 10 / (2 · " + BAUD + ") = " + SH
                + " %. That is negligible, so the polling rate is chosen for accuracy, not limited by bandwidth.");
        b.think("Rate offset: (" + FL + " - " + FN + ") / " + FN + " = " + PPM + " ppm. Using the nominal rate, one interval of " + IV + " s would accumulate " + GR
                + " µs of error. The estimate itself moved by " + RPPM + " ppm across the window, which over one interval is " + RG
                + " ns: the residual error between polls is far below a single step time, so the estimate is good enough to schedule steps.");

        b.controlProblem("From " + K + " clock polls sent between " + T0 + " s and " + T1 + " s, with " + QB + " query bytes and " + AB + " answer bytes in total, a link at "
                + BAUD + " baud (10 bits per byte, full duplex), and rate estimates " + FF + " Hz then " + FL + " Hz against a nominal " + FN
                + " Hz, find the poll interval, the bandwidth share of polling, and the timing error that builds up between polls.");
        b.context("- Hardware limitations: the MCU crystal has a fixed but unknown rate offset; the serial link at " + BAUD + " baud bounds all traffic.\n"
                + "- Real-time requirements: steps are scheduled in MCU clocks computed from host time, so the conversion error between polls must stay far below a step interval.\n"
                + "- Safety requirements: a stale or wrong clock estimate makes the host schedule commands in the MCU's past, which the MCU answers with a shutdown.");
        b.analysis("Step 1: Interval. T = (t_last - t_first) / (" + K + " - 1) = " + IV + " s.\n\n"
                + "Step 2: Bytes. (" + QB + " + " + AB + ") / " + K + " = " + PP + " bytes per poll, " + RT + " B/s.\n\n"
                + "Step 3: Share. " + RT + " · 10 / (2 · " + BAUD + ") = " + SH + " % of the full-duplex capacity.\n\n"
                + "Step 4: Drift. Offset " + PPM + " ppm gives " + GR + " µs per interval with the nominal rate; the estimate's own change of " + RPPM + " ppm gives " + RG + " ns per interval.");
        b.rust("A small budget type computes both costs from the observed numbers; the rate offset is kept as a signed ppm newtype so it cannot be mistaken for an absolute frequency.",
                """
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub struct Ppm(pub f64);

                impl Ppm {
                    pub fn between(estimate_hz: f64, reference_hz: f64) -> Option<Ppm> {
                        if reference_hz <= 0.0 {
                            return None;
                        }
                        Some(Ppm((estimate_hz - reference_hz) / reference_hz * 1e6))
                    }
                    /// Time error (s) accumulated over `interval_s` at this rate offset.
                    pub fn error_over(&self, interval_s: f64) -> f64 {
                        self.0.abs() * 1e-6 * interval_s
                    }
                }

                pub struct PollBudget {
                    pub polls: u32,
                    pub span_s: f64,
                    pub bytes: u64,
                }

                impl PollBudget {
                    pub fn interval_s(&self) -> Option<f64> {
                        if self.polls < 2 {
                            return None;
                        }
                        Some(self.span_s / f64::from(self.polls - 1))
                    }
                    /// Share (%) of a full-duplex link at `baud` with 10 bit times per byte.
                    pub fn share_pct(&self, baud: u32) -> Option<f64> {
                        let iv = self.interval_s()?;
                        let per_poll = self.bytes as f64 / f64::from(self.polls);
                        Some(per_poll / iv * 10.0 / (2.0 * f64::from(baud)) * 100.0)
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_polling() {
                        let b = PollBudget { polls: %K, span_s: %T1 - %T0, bytes: %QB + %AB };
                        assert!((b.interval_s().unwrap() - %IV).abs() < 1e-4);
                        assert!((b.share_pct(%BAUD).unwrap() - %SH).abs() < 1e-3);
                        let p = Ppm::between(%FL, %FN.0).unwrap();
                        assert!((p.error_over(b.interval_s().unwrap()) * 1e6 - %GR).abs() < %GR * 0.1 + 1e-9);
                    }

                    #[test]
                    fn one_poll_has_no_interval() {
                        let b = PollBudget { polls: 1, span_s: 0.0, bytes: %QB };
                        assert_eq!(b.interval_s(), None);
                    }
                }
                """.replace("%K", Integer.toString(K)).replace("%T1", T1).replace("%T0", T0).replace("%QB", QB).replace("%AB", AB).replace("%IV", IV)
                        .replace("%BAUD", BAUD).replace("%SH", SH).replace("%FL", FL).replace("%FN", FN).replace("%GR", EntryBuilder.rustF64(GR)),
                "Returning Option for the degenerate cases (a single poll, a zero reference) keeps the arithmetic total; nothing here can divide by zero or panic on a short window.");
        b.safety("The polling is safe on both counts. Its load is " + SH + " % of the link, so it cannot starve step traffic; and between polls the estimate's error grows by only "
                + RG + " ns per interval with the estimated rate, while even the nominal rate would give " + GR
                + " µs, still small against a step interval. A bound worth enforcing is that the host never extrapolates much longer than a few poll intervals without an answer; beyond that it should stop scheduling new motion.");
        b.edgeCases("- A lost answer doubles the extrapolation interval for that poll; the error bound doubles with it.\n"
                + "- A delayed answer biases the offset by half the extra round trip; filtering on the shortest round trips rejects such samples.\n"
                + "- A real crystal drifts with temperature by several ppm, far more than this emulated one; the per-interval error then reaches microseconds and faster polling starts to pay.");
        b.alternatives("Polling faster cuts the extrapolation error linearly but costs bandwidth linearly; at " + SH + " % there is room to spare. "
                + "Timestamping every ordinary message (piggy-backing the clock on answers) removes the dedicated queries entirely, at the cost of a few bytes per answer and a fit over irregular samples.");
        switch (ask) {
            case "share" -> b.answer("%", 1e-3, "share");
            case "drift" -> b.answer("µs", 1e-3, "grow_us");
            default -> b.answer("s", 1e-4, "interval", "per_poll");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        List<TraceView.At<TraceRecord.ClockSync>> cs = trace.within(ref.records(), TraceRecord.ClockSync.class);
        if (cs.size() < 2) return r;
        long q = 0, a = 0;
        int polls = 0;
        double t0 = Double.NaN, t1 = Double.NaN;
        for (TraceView.At<TraceRecord.WireMessage> at : trace.within(ref.records(), TraceRecord.WireMessage.class)) {
            TraceRecord.WireMessage w = at.record();
            if (!w.kind().equals("data") || w.messages().size() != 1) continue;
            String m = w.messages().get(0);
            if (w.direction().equals("host_to_mcu") && m.equals("get_clock")) {
                q += w.lengthBytes();
                polls++;
            } else if (w.direction().equals("mcu_to_host") && m.startsWith("clock clock=")) {
                a += w.lengthBytes();
            }
        }
        // Interval as the mean of the individual gaps.
        double sumGaps = 0;
        for (int k = 1; k < cs.size(); k++) sumGaps += cs.get(k).record().sentTimeS() - cs.get(k - 1).record().sentTimeS();
        t0 = cs.get(0).record().sentTimeS();
        t1 = cs.get(cs.size() - 1).record().sentTimeS();
        double interval = sumGaps / (cs.size() - 1);
        double fFirst = cs.get(0).record().frequencyHz(), fLast = cs.get(cs.size() - 1).record().frequencyHz();
        double fNom = trace.header().clockFreqHz();
        double baud = trace.setting("serial_baud");
        double bitsPerS = (q + a) * 10.0 / polls / interval;
        r.put("t_first", t0);
        r.put("t_last", t1);
        r.put("q_bytes", (double) q);
        r.put("a_bytes", (double) a);
        r.put("f_first", fFirst);
        r.put("f_last", fLast);
        r.put("f_nom", fNom);
        r.put("baud", baud);
        r.put("interval", interval);
        r.put("per_poll", (double) (q + a) / polls);
        r.put("rate", bitsPerS / 10.0);
        r.put("share", 100.0 * bitsPerS / (2.0 * baud));
        // Offsets as clock ticks gained per second, then scaled.
        double ticksPerS = fLast - fNom;
        r.put("ppm", ticksPerS / fNom * 1e6);
        r.put("grow_us", Math.abs(ticksPerS) * interval / fNom * 1e6);
        double resTicks = fLast - fFirst;
        r.put("res_ppm", resTicks / fFirst * 1e6);
        r.put("res_grow_ns", Math.abs(resTicks) * interval / fFirst * 1e9);
        return r;
    }
}
