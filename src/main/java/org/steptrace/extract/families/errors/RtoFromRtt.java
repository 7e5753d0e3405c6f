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
 * Retransmit timeout from observed round trips: consecutive command-block to acknowledgement
 * delays fed through the host's smoothed-RTT / RTT-variance estimator (first sample seeds
 * srtt = 10 d, rttvar = d/2), giving the timeout with its 25 ms / 5 s clamps.
 */
public final class RtoFromRtt implements Family {
    private static final String[] ASKS = {"rto", "srtt", "clamp"};
    private static final int[] SIZES = {6, 8, 5, 7};

    private static String an(String w) {
        return w.matches("(?i)^[aeiou].*") ? "an" : "a";
    }

    @Override
    public String id() {
        return "rto-from-rtt";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    /** A round-trip sample: data block line and time, acknowledgement line and time, block length. */
    private record Sample(int dataLine, double sent, int ackLine, double acked, int len) {}

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            List<Sample> samples = new ArrayList<>();
            Map<Integer, int[]> pendingLine = new HashMap<>();
            Map<Integer, Double> pendingTime = new HashMap<>();
            for (TraceView.At<TraceRecord.WireMessage> at : trace.all(TraceRecord.WireMessage.class)) {
                TraceRecord.WireMessage m = at.record();
                if (m.seq() == null) continue;
                if ("host_to_mcu".equals(m.direction())) {
                    if ("data".equals(m.kind())) {
                        pendingLine.put(m.seq(), new int[] {at.line(), m.lengthBytes()});
                        pendingTime.put(m.seq(), m.hostTimeS());
                    } else {
                        pendingLine.remove(m.seq());
                        pendingTime.remove(m.seq());
                    }
                } else if ("ack".equals(m.kind())) {
                    int s = (m.seq() + 15) & 15;
                    int[] p = pendingLine.remove(s);
                    Double t = pendingTime.remove(s);
                    if (p != null) samples.add(new Sample(p[0], t, at.line(), m.hostTimeS(), p[1]));
                }
            }
            int n = 0;
            for (int start = 3; start < samples.size() && out.size() < 12; start += 37) {
                int k = SIZES[(n + out.size()) % SIZES.length];
                if (start + k > samples.size()) break;
                List<Sample> w = samples.subList(start, start + k);
                boolean ok = true;
                for (int i = 0; i < k; i++) {
                    Sample s = w.get(i);
                    if (!(s.acked() - s.sent() > 1e-6)) ok = false;
                    if (i > 0 && (s.dataLine() < w.get(i - 1).dataLine() || s.ackLine() < w.get(i - 1).ackLine())) ok = false;
                }
                int from = w.get(0).dataLine(), to = w.get(k - 1).ackLine();
                // the window must be exactly the samples lying wholly inside its lines
                int inside = 0;
                for (Sample s : samples) if (s.dataLine() >= from && s.ackLine() <= to) inside++;
                if (!ok || inside != k) continue;
                Map<String, String> labels = new HashMap<>();
                labels.put("ask", ASKS[n++ % ASKS.length]);
                labels.put("board", String.valueOf(trace.header().board()));
                String g = trace.header().gcode() == null ? "" : trace.header().gcode();
                labels.put("scenario", g.contains("lossy-link") ? "lossy" : "clean");
                Map<String, Double> obs = new HashMap<>();
                obs.put("n", (double) k);
                for (int i = 0; i < k; i++) {
                    obs.put("d_" + (i + 1), w.get(i).acked() - w.get(i).sent());
                    obs.put("len_" + (i + 1), (double) w.get(i).len());
                }
                out.add(new Finding(new RecordRange(from, to), labels, Map.of(), obs));
            }
        } catch (RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        int k = (int) Math.round(f.observed("n"));
        String ask = f.label("ask"), board = f.label("board");
        boolean lossy = f.label("scenario").equals("lossy");
        double[] d = new double[k];
        String[] D = new String[k];
        for (int i = 0; i < k; i++) {
            d[i] = f.observed("d_" + (i + 1)) * 1000;
            D[i] = b.q("d_" + (i + 1), d[i], 5, "ms");
        }
        double srtt = 0, var = 0;
        String[] S = new String[k], V = new String[k];
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < k; i++) {
            if (i == 0) {
                var = d[0] / 2;
                srtt = 10 * d[0];
                S[0] = b.q("srtt_1", srtt, 3, "ms");
                V[0] = b.q("var_1", var, 3, "ms");
                steps.append("sample 1 (").append(D[0]).append(" ms) seeds rttvar = ").append(D[0]).append("/2 = ").append(V[0])
                        .append(" ms and srtt = 10 x ").append(D[0]).append(" = ").append(S[0]).append(" ms");
            } else {
                String prevS = S[i - 1], prevV = V[i - 1];
                var = (3 * var + Math.abs(srtt - d[i])) / 4;
                srtt = (7 * srtt + d[i]) / 8;
                V[i] = b.q("var_" + (i + 1), var, 3, "ms");
                S[i] = b.q("srtt_" + (i + 1), srtt, 3, "ms");
                steps.append(";\nsample ").append(i + 1).append(" (").append(D[i]).append(" ms): rttvar = (3 x ").append(prevV).append(" + |")
                        .append(prevS).append(" - ").append(D[i]).append("|)/4 = ").append(V[i]).append(" ms, srtt = (7 x ").append(prevS)
                        .append(" + ").append(D[i]).append(")/8 = ").append(S[i]).append(" ms");
            }
        }
        double raw = srtt + Math.max(4 * var, 1.0);
        double rto = Math.min(Math.max(raw, 25.0), 5000.0);
        boolean clamped = raw < 25.0;
        String RAW = b.q("rto_raw", raw, 3, "ms"), RTO = b.q("rto", rto, 3, "ms");
        String FOURV = b.q("four_var", 4 * var, 3, "ms");
        String SL = S[k - 1], VL = V[k - 1];
        double mean = 0;
        for (double x : d) mean += x / k;
        String MEAN = b.q("mean_d", mean, 3, "ms");
        b.literal(5000, 0.025);

        StringBuilder list = new StringBuilder();
        for (int i = 0; i < k; i++) list.append(i == 0 ? "" : ", ").append(D[i]);
        String intro = b.pick(
                "On " + an(board) + " " + board + " controller " + (lossy ? "talking over a lossy serial line" : "during a normal run") + ", the host measured the time from sending each command block to receiving the 5-byte acknowledgement for it.",
                "A host driving " + an(board) + " " + board + " board " + (lossy ? "across a link that drops and corrupts bytes" : "over a healthy link") + " timed how long each command block took to be acknowledged.",
                "From a trace of " + an(board) + " " + board + " machine" + (lossy ? " on a deliberately unreliable link" : "") + ", block-to-acknowledgement round trips were extracted for blocks that were never resent.");
        String given = b.pick(
                " " + k + " consecutive round-trip samples, in ms: " + list + ".",
                " The next " + k + " samples were (ms) " + list + ".",
                " In order, the round trips were " + list + " ms (" + k + " samples).");
        String rule = b.pick(
                " The host's estimator seeds rttvar = d/2 and srtt = 10 d on its first sample, then updates rttvar = (3 rttvar + |srtt - d|)/4 followed by srtt = (7 srtt + d)/8; the timeout is srtt + max(4 rttvar, 1 ms), clamped to [25 ms, 5 s].",
                " Use the host's rule: first sample d gives rttvar = d/2, srtt = 10 d; each later sample updates rttvar = (3 rttvar + |srtt - d|)/4, then srtt = (7 srtt + d)/8; RTO = srtt + max(4 rttvar, 1 ms), limited to between 25 ms and 5 s.",
                " The estimator starts from srtt = 10 d and rttvar = d/2, then for every further sample sets rttvar to (3 rttvar + |srtt - d|)/4 and srtt to (7 srtt + d)/8 (in that order); RTO = srtt + max(4 rttvar, 1 ms) with a floor of 25 ms and a ceiling of 5 s.");
        String question = switch (ask) {
            case "rto" -> b.pick(" What retransmit timeout (ms) does the host use after the last sample?", " Compute the retransmit timeout after all samples, in ms.", " Find the RTO in milliseconds after the final sample.");
            case "srtt" -> b.pick(" What are the smoothed RTT and the RTT variance after the last sample (ms)?", " Report srtt and rttvar in ms after the final sample.", " Track the estimator and give srtt and rttvar after the last sample, in ms.");
            default -> b.pick(" Does the 25 ms floor decide the timeout after the last sample? Give the unclamped and the applied RTO in ms.",
                    " Compute the raw timeout srtt + max(4 rttvar, 1 ms) after the last sample and the RTO actually applied, in ms.",
                    " Is the clamp active after the final sample? Report the raw and the clamped timeout (ms).");
        };
        b.problem(intro + given + rule + question);

        b.think("First, let me understand what's happening physically. Each sample is the time a command block spends travelling to the MCU plus the MCU's turnaround plus the acknowledgement's trip back. The host uses these to decide how long to wait before assuming a block was lost. Too short and it resends blocks that were fine; too long and a real loss stalls the command stream. The samples average " + MEAN + " ms.");
        b.think("Now the recursion, carefully in the stated order (rttvar uses the old srtt): " + steps + ".");
        b.think("Hmm, the srtt starts at ten times the first sample, far above the real round trip, and only decays by 7/8 per sample, so after " + k + " samples it is still " + SL
                + " ms against a mean of " + MEAN + " ms. That looks like a mistake at first, but it is deliberate: it starts the timeout conservatively and lets real data pull it down. The variance term is 4 x " + VL + " = " + FOURV + " ms, so the raw timeout is " + SL + " + " + (4 * var >= 1.0 ? FOURV : "1") + " = " + RAW + " ms. "
                + (clamped ? "That is below the 25 ms floor, so the applied RTO is " + RTO + " ms." : "That is within [25 ms, 5 s], so RTO = " + RTO + " ms.")
                + " Units: everything is in ms throughout, and the floor was converted from 0.025 s.");

        b.controlProblem("Given " + k + " round-trip samples (" + list + " ms) from command blocks to their acknowledgements, compute the smoothed RTT, the RTT variance and the retransmit timeout after the last sample, with the 25 ms / 5 s clamps.");
        b.context("- Hardware limitations: the round trip is dominated by serial wire time and the MCU's processing; samples are only valid for blocks sent once (a resent block's acknowledgement cannot be attributed to either copy).\n"
                + "- Real-time requirements: step commands are queued ahead of time, so a timeout of tens of ms delays motion only if a loss coincides with an almost empty queue.\n"
                + "- Safety requirements: the timeout must not fall below the true round trip, or the host would flood the link with needless resends; the 25 ms floor guards that, the 5 s ceiling bounds recovery time after repeated doubling.");
        b.analysis("Step 1: Seed with the first sample: rttvar = " + V[0] + " ms, srtt = " + S[0] + " ms.\n\n"
                + "Step 2: Update for samples 2 to " + k + ": " + steps.substring(steps.indexOf(";") + 1).strip() + ".\n\n"
                + "Step 3: Raw timeout. srtt + max(4 rttvar, 1 ms) = " + SL + " + max(" + FOURV + ", 1) = " + RAW + " ms.\n\n"
                + "Step 4: Clamp to [25, 5000] ms: RTO = " + RTO + " ms" + (clamped ? " (the floor binds)." : " (no clamp active)."));
        StringBuilder samplesRust = new StringBuilder();
        for (int i = 0; i < k; i++) samplesRust.append(i == 0 ? "" : ", ").append(D[i]);
        String code = """
                /// A duration in milliseconds.
                #[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
                pub struct Millis(pub f64);

                /// Smoothed RTT estimator with the host's seeding and clamps.
                #[derive(Debug, Default)]
                pub struct RtoEstimator {
                    srtt: Option<Millis>,
                    rttvar: Millis,
                }

                pub const MIN_RTO: Millis = Millis(25.0);
                pub const MAX_RTO: Millis = Millis(5000.0);

                impl RtoEstimator {
                    pub fn sample(&mut self, d: Millis) {
                        match self.srtt {
                            None => {
                                self.rttvar = Millis(d.0 / 2.0);
                                self.srtt = Some(Millis(10.0 * d.0));
                            }
                            Some(s) => {
                                self.rttvar = Millis((3.0 * self.rttvar.0 + (s.0 - d.0).abs()) / 4.0);
                                self.srtt = Some(Millis((7.0 * s.0 + d.0) / 8.0));
                            }
                        }
                    }

                    pub fn srtt(&self) -> Option<Millis> {
                        self.srtt
                    }

                    pub fn rttvar(&self) -> Millis {
                        self.rttvar
                    }

                    /// Unclamped srtt + max(4 rttvar, 1 ms); None before any sample.
                    pub fn raw_rto(&self) -> Option<Millis> {
                        self.srtt.map(|s| Millis(s.0 + (4.0 * self.rttvar.0).max(1.0)))
                    }

                    /// The timeout in use: MIN_RTO until a sample exists, then the clamped raw value.
                    pub fn rto(&self) -> Millis {
                        match self.raw_rto() {
                            None => MIN_RTO,
                            Some(r) => Millis(r.0.max(MIN_RTO.0).min(MAX_RTO.0)),
                        }
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_round_trips() {
                        let mut e = RtoEstimator::default();
                        assert_eq!(e.rto(), MIN_RTO);
                        for d in [%SAMPLES] {
                            e.sample(Millis(d));
                        }
                        assert!((e.rto().0 - %RTO).abs() < 1e-3);
                        assert!((e.raw_rto().unwrap().0 - %RAW).abs() < 1e-3);
                        assert!((e.srtt().unwrap().0 - %SL).abs() < 1e-3);
                        assert!((e.rttvar().0 - %VL).abs() < 1e-3);
                    }
                }
                """.replace("%SAMPLES", samplesRust).replace("%RTO", RTO).replace("%RAW", RAW).replace("%SL", SL).replace("%VL", VL);
        b.rust("A millisecond newtype keeps the units straight, and the estimator's srtt is an Option so the seeding rule for the first sample is a match arm rather than a magic initial value.",
                code, "The clamped and unclamped timeouts are separate methods, so a caller that wants to log when the floor binds can do so without re-deriving the rule.");
        b.safety("After these samples the host would declare a block lost " + RTO + " ms after its wire time ends. The mean round trip is " + MEAN
                + " ms, so a healthy block is acknowledged long before the timer fires; a spurious resend would need a round trip several times the observed ones. Because the MCU discards blocks with an unexpected sequence, even a spurious resend cannot execute a command twice.");
        b.edgeCases("- A sample taken from a resent block would be ambiguous (which copy was acknowledged?), so such blocks are excluded and sampling restarts after a resend.\n"
                + "- On a link with no modelled wire time the samples are zero, srtt and rttvar collapse toward 0 and the 1 ms term plus the 25 ms floor decide the timeout.\n"
                + "- After a timeout the RTO doubles up to the 5 s ceiling and only a fresh, unambiguous sample brings it down again.\n"
                + "- A single very slow sample raises rttvar four times as strongly as it raises srtt, which is what keeps the timeout above occasional spikes.");
        b.alternatives("Standard TCP seeds srtt with the first sample itself (not ten times it) and uses a 1 s floor; the tenfold seed here trades a slow first recovery for fewer spurious resends during start-up. A fixed timeout would be simpler but cannot adapt to a slower baud rate or a busy USB bus. A smaller gain than 1/8 would smooth more but follow a real change in the link more slowly.");
        switch (ask) {
            case "rto" -> b.answer("ms", 0.01, "rto");
            case "srtt" -> b.answer("ms", 0.01, "srtt_" + k, "var_" + k);
            default -> b.answer("ms", 0.01, "rto_raw", "rto");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        int from = ref.records().fromLine(), to = ref.records().toLine();
        // pair each data block in the range with the first acknowledgement naming the next sequence
        List<Double> rtt = new ArrayList<>();
        for (int line = from; line <= to; line++) {
            if (!(trace.at(line) instanceof TraceRecord.WireMessage m) || !m.direction().equals("host_to_mcu") || !m.kind().equals("data")) continue;
            int want = (m.seq() + 1) % 16;
            for (int j = line + 1; j <= to; j++) {
                if (!(trace.at(j) instanceof TraceRecord.WireMessage q)) continue;
                if (q.direction().equals("host_to_mcu") && q.seq() != null && q.seq().intValue() == m.seq().intValue()) break; // resent or reused
                if (q.direction().equals("mcu_to_host") && q.kind().equals("ack") && q.seq() != null && q.seq() == want) {
                    rtt.add((q.hostTimeS() - m.hostTimeS()) * 1000.0);
                    break;
                }
            }
        }
        int k = rtt.size();
        double mean = rtt.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        r.put("mean_d", mean);
        // srtt in closed form: (7/8)^(i-1) * 10 d1 + sum_{j>=2} (1/8) (7/8)^(i-j) d_j; rttvar needs the previous srtt
        double var = 0;
        for (int i = 1; i <= k; i++) {
            double di = rtt.get(i - 1);
            r.put("d_" + i, di);
            double s = Math.pow(0.875, i - 1) * 10 * rtt.get(0);
            for (int j = 2; j <= i; j++) s += 0.125 * Math.pow(0.875, i - j) * rtt.get(j - 1);
            if (i == 1) var = 0.5 * di;
            else var = 0.75 * var + 0.25 * Math.abs(r.get("srtt_" + (i - 1)) - di);
            r.put("srtt_" + i, s);
            r.put("var_" + i, var);
        }
        double sl = r.get("srtt_" + k);
        double four = 4 * var;
        r.put("four_var", four);
        double raw = four > 1.0 ? sl + four : sl + 1.0;
        r.put("rto_raw", raw);
        r.put("rto", raw < 25 ? 25.0 : Math.min(raw, 5000.0));
        return r;
    }
}
