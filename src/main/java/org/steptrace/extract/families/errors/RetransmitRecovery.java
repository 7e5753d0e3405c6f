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
 * One retransmission on a lossy link: the block first sent, what made the host resend it (a
 * repeated acknowledgement, i.e. a NAK, or its retransmit timer), the delay from the original send
 * to the resend and to the acknowledgement, and the bytes the resend put on the wire.
 */
public final class RetransmitRecovery implements Family {
    private static final String[] ASKS = {"resend-delay", "ack-delay", "bytes"};

    private static String an(String w) {
        return w.matches("(?i)^[aeiou].*") ? "an" : "a";
    }

    @Override
    public String id() {
        return "retransmit-recovery";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            String gcode = trace.header().gcode() == null ? "" : trace.header().gcode();
            if (!gcode.contains("lossy-link")) return out;
            double baud = trace.setting("serial_baud");
            String board = String.valueOf(trace.header().board());
            boolean uart = board.startsWith("avr");
            if (uart && !(baud > 0)) return out;
            List<TraceView.At<TraceRecord.WireMessage>> msgs = trace.all(TraceRecord.WireMessage.class);
            int n = 0;
            for (int i = 0; i < msgs.size() && out.size() < 20; i++) {
                TraceRecord.WireMessage r = msgs.get(i).record();
                if (!"retransmit".equals(r.kind())) continue;
                if (i > 0 && "retransmit".equals(msgs.get(i - 1).record().kind()) && msgs.get(i - 1).record().hostTimeS() == r.hostTimeS()) continue;
                int j = i;
                List<Integer> lens = new ArrayList<>();
                while (j < msgs.size() && "retransmit".equals(msgs.get(j).record().kind()) && msgs.get(j).record().hostTimeS() == r.hostTimeS()) {
                    lens.add(msgs.get(j).record().lengthBytes());
                    j++;
                }
                int s = r.seq() == null ? -1 : r.seq();
                if (s < 0 || lens.size() > 8) continue;
                // the most recent earlier transmission of this block
                int orig = -1;
                for (int k = i - 1; k >= 0; k--) {
                    TraceRecord.WireMessage q = msgs.get(k).record();
                    if ("host_to_mcu".equals(q.direction()) && q.seq() != null && q.seq() == s) {
                        orig = k;
                        break;
                    }
                }
                if (orig < 0 || !"data".equals(msgs.get(orig).record().kind())) continue;
                boolean nak = false;
                for (int k = i - 1; k >= 0 && k >= i - 6; k--) {
                    TraceRecord.WireMessage q = msgs.get(k).record();
                    if ("mcu_to_host".equals(q.direction()) && ("ack".equals(q.kind()) || "nak".equals(q.kind()))
                            && q.hostTimeS() == r.hostTimeS() && q.seq() != null && q.seq() == s) nak = true;
                }
                int ack = -1;
                for (int k = j; k < msgs.size(); k++) {
                    TraceRecord.WireMessage q = msgs.get(k).record();
                    if ("mcu_to_host".equals(q.direction()) && q.seq() != null) {
                        int adv = (q.seq() - s) & 15;
                        if (adv >= 1 && adv <= 12) {
                            ack = k;
                            break;
                        }
                    }
                }
                if (ack < 0) continue;
                double tO = msgs.get(orig).record().hostTimeS(), tR = r.hostTimeS(), tA = msgs.get(ack).record().hostTimeS();
                if (tR - tO <= 1e-5 || tA - tR < 0) continue;
                Map<String, String> labels = new HashMap<>();
                String ask = ASKS[n++ % ASKS.length];
                if (ask.equals("bytes") && lens.stream().mapToInt(Integer::intValue).sum() + 1 <= 12) ask = ASKS[0];
                labels.put("ask", ask);
                labels.put("trigger", nak ? "nak" : "timeout");
                labels.put("board", board);
                labels.put("link", uart ? "uart" : "usb");
                labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
                Map<String, Double> obs = new HashMap<>();
                obs.put("seq", (double) s);
                obs.put("t_orig", tO);
                obs.put("t_retx", tR);
                obs.put("t_ack", tA);
                obs.put("orig_len", (double) msgs.get(orig).record().lengthBytes());
                obs.put("blocks", (double) lens.size());
                for (int k = 0; k < lens.size(); k++) obs.put("len_" + (k + 1), (double) lens.get(k));
                obs.put("baud", uart ? baud : 0.0);
                out.add(new Finding(new RecordRange(msgs.get(orig).line(), msgs.get(ack).line()), labels, Map.of(), obs));
            }
        } catch (RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        boolean nak = f.label("trigger").equals("nak");
        boolean uart = f.label("link").equals("uart");
        String ask = f.label("ask"), board = f.label("board"), kin = f.label("kinematics");
        int s = (int) Math.round(f.observed("seq"));
        int n = (int) Math.round(f.observed("blocks"));
        double tO = f.observed("t_orig"), tR = f.observed("t_retx"), tA = f.observed("t_ack"), baud = f.observed("baud");
        long[] lens = new long[n];
        long sum = 0;
        for (int k = 0; k < n; k++) {
            lens[k] = Math.round(f.observed("len_" + (k + 1)));
            sum += lens[k];
        }
        double byteS = uart ? 10.0 / baud : 0.0;
        double dRetx = (tR - tO) * 1000, dAck = (tA - tO) * 1000, dRec = (tA - tR) * 1000;
        double wireMs = (sum + 1) * byteS * 1000;
        double firstWireMs = lens[0] * byteS * 1000;
        double rtoMs = dRetx - firstWireMs;

        String SEQ = String.valueOf(s), N = String.valueOf(n);
        String TO = b.q("t_orig", tO, 5, "s"), TR = b.q("t_retx", tR, 5, "s"), TA = b.q("t_ack", tA, 5, "s");
        String DR = b.q("d_retx", dRetx, 2, "ms"), DA = b.q("d_ack", dAck, 2, "ms"), DREC = b.q("d_rec", dRec, 2, "ms");
        String[] L = new String[n];
        StringBuilder lensText = new StringBuilder();
        for (int k = 0; k < n; k++) {
            L[k] = small(b, "len_" + (k + 1), lens[k], "bytes");
            if (k > 0) lensText.append(k == n - 1 ? " and " : ", ");
            lensText.append(L[k]);
        }
        String SUM = small(b, "bytes", sum, "bytes"), WB = small(b, "wire_bytes", sum + 1, "bytes");
        String BAUD = uart ? b.count("baud", Math.round(baud), "baud") : "";
        String WMS = uart ? b.q("wire_ms", wireMs, 3, "ms") : "";
        String FW = uart ? b.q("first_wire_ms", firstWireMs, 3, "ms") : "";
        String RTO = nak ? "" : b.q("rto_ms", rtoMs, 2, "ms");
        String NEXT = nak ? "" : b.q("next_rto_ms", Math.min(2 * rtoMs, 5000.0), 2, "ms");
        b.literal(5000, 0.025);

        String linkText = uart ? "a " + BAUD + " baud UART (8N1, 10 bits per byte)" : "a USB link whose wire time the host treats as zero";
        String intro = b.pick(
                "A " + kin + " printer with " + an(board) + " " + board + " controller runs over " + linkText + " that loses and corrupts bytes.",
                "On a lossy-link test of " + an(board) + " " + board + " board (" + kin + " kinematics), the host and the MCU talk over " + linkText + ".",
                "The serial path between host and " + board + " controller of a " + kin + " machine is " + linkText + ", deliberately made unreliable.");
        String event = b.pick(
                " At host time " + TO + " s the host sent the command block with sequence number " + SEQ + ". At " + TR + " s it rewrote "
                        + (n == 1 ? "that block" : N + " unacknowledged blocks starting with it") + " (" + lensText + " bytes), and the MCU's acknowledgement covering the block arrived at " + TA + " s.",
                " The block with wire sequence " + SEQ + " first went out at " + TO + " s; a retransmission of " + N + " block" + (n == 1 ? "" : "s")
                        + " (sizes " + lensText + " bytes) followed at " + TR + " s, and the first acknowledgement that moved past sequence " + SEQ + " came back at " + TA + " s.",
                " The trace shows: block seq " + SEQ + " sent at " + TO + " s, a resend burst at " + TR + " s containing " + N + " block" + (n == 1 ? "" : "s")
                        + " of " + lensText + " bytes, and an acknowledgement advancing beyond seq " + SEQ + " at " + TA + " s.");
        String trig = nak
                ? b.pick(" Right before the resend, the MCU sent an empty block still carrying seq " + SEQ + " as its expected next sequence.",
                        " Just before the resend, a 5-byte block from the MCU repeated seq " + SEQ + " as the sequence it still expected.",
                        " The resend coincides with an empty MCU block that reported seq " + SEQ + " as still expected.")
                : b.pick(" No MCU block announcing seq " + SEQ + " as still expected arrived before the resend.",
                        " Nothing came back from the MCU about this block before the resend.",
                        " The MCU sent no repeated acknowledgement for this block before the host resent it.");
        String question = switch (ask) {
            case "resend-delay" -> b.pick(" What triggered the retransmission, and how long after the original send did it happen (ms)?",
                    " Identify the trigger and compute the delay from first send to resend in milliseconds.",
                    " Explain why the host resent and give the send-to-resend delay in ms.");
            case "ack-delay" -> b.pick(" How long did the block take from its first transmission to being acknowledged (ms), and how much of that was recovery after the resend?",
                    " Compute the total time from original send to acknowledgement in milliseconds, split at the resend.",
                    " Find the delay from the original send to the acknowledgement, in ms, and the part spent after the retransmission.");
            default -> b.pick(" How many bytes did the retransmission put on the wire, counting the extra sync byte the host writes in front of a resend burst?",
                    " Count the bytes the resend cost on the wire, including the leading sync byte, and explain why more than the damaged block was resent.",
                    " What was the byte cost of this recovery on the wire (with its leading sync byte)?");
        };
        b.problem(intro + event + trig + question);

        b.think("First, let me understand what's happening physically. Every command block carries a 4-bit sequence number and the MCU answers with the sequence it expects next. If that number moves past " + SEQ
                + ", the block arrived intact. If the MCU keeps reporting " + SEQ + " after the block was sent, the block was damaged or lost and the MCU is asking for it again; if nothing at all comes back, the host's retransmit timer eventually fires.");
        if (nak) {
            b.think("Here an empty MCU block with expected seq " + SEQ + " arrived at " + TR + " s, exactly when the resend went out. That is a repeated acknowledgement, which the host treats as a NAK: it resends immediately without waiting for its timer and without doubling the timeout. The delay from the original send was " + "(" + TR + " - " + TO + ") s = " + DR + " ms."
                    + (uart ? " That is roughly the time to clock the block out, let the MCU find the bad CRC and return a 5-byte block: the first block alone takes " + L[0] + " x 10 / " + BAUD + " s = " + FW + " ms on the wire." : ""));
        } else {
            b.think("No repeated acknowledgement came, so this resend was the timer's. The timer is armed at send time + RTO + wire time of the first pending block. The delay was " + "(" + TR + " - " + TO + ") s = " + DR + " ms"
                    + (uart ? "; the first block's wire time is " + L[0] + " x 10 / " + BAUD + " s = " + FW + " ms, leaving RTO = " + DR + " - " + FW + " = " + RTO + " ms."
                            : ", and with no wire time on this link the whole delay is the RTO: " + RTO + " ms.")
                    + " Wait, I should check that against the clamps: the RTO cannot go below 25 ms or above 5 s, and " + RTO + " ms is inside. After a timeout the host doubles it, so the next timeout would be " + NEXT + " ms.");
        }
        b.think("The acknowledgement moved past seq " + SEQ + " at " + TA + " s: " + DA + " ms after the first send, of which " + DREC + " ms came after the resend. "
                + "On bytes: a resend rewrites every unacknowledged block, not just the damaged one, here " + N + " block" + (n == 1 ? "" : "s") + " totalling " + SUM + " bytes, plus one sync byte in front, so " + WB + " bytes"
                + (uart ? ", i.e. " + WB + " x 10 / " + BAUD + " s = " + WMS + " ms of line time." : "."));

        b.controlProblem("Classify the trigger of the retransmission of block seq " + SEQ + " (sent " + TO + " s, resent " + TR + " s, acknowledged " + TA
                + " s) and quantify its cost: send-to-resend delay, send-to-acknowledgement delay and bytes rewritten.");
        b.context("- Hardware limitations: " + (uart ? "the UART moves one byte per 10 bit times at " + BAUD + " baud, so a 64-byte block needs " + b.q("max_block_ms", 64 * byteS * 1000, 2, "ms") + " ms" : "the USB link delivers blocks without modelled wire time") + "; the host keeps at most 12 unacknowledged blocks and blocks carry only a 4-bit sequence.\n"
                + "- Real-time requirements: step commands are sent ahead of their execution time, so a resend costing " + DA + " ms must stay well inside that lead time.\n"
                + "- Safety requirements: a block must be executed exactly once and in order; the MCU discards any block whose sequence is not the expected one, so the resend cannot duplicate a command.");
        StringBuilder an = new StringBuilder();
        an.append("Step 1: Trigger. ").append(nak
                ? "An empty MCU block repeating expected seq " + SEQ + " arrived at " + TR + " s, the moment of the resend: a NAK, so the resend is immediate and the RTO is left unchanged."
                : "No repeated acknowledgement arrived before " + TR + " s: the retransmit timer fired, the RTO doubles afterwards and NAKs are ignored until the resent blocks are acknowledged.").append("\n\n");
        an.append("Step 2: Resend delay. t_retx - t_orig = ").append("(").append(TR).append(" - ").append(TO).append(") s = ").append(DR).append(" ms");
        if (!nak) an.append(uart ? "; minus the first block's wire time " + FW + " ms gives RTO = " + RTO + " ms" : " = RTO, " + RTO + " ms").append("; next RTO ").append(NEXT).append(" ms");
        an.append(".\n\n");
        an.append("Step 3: Acknowledgement delay. t_ack - t_orig = ").append(DA).append(" ms; after the resend ").append(DREC).append(" ms.\n\n");
        an.append("Step 4: Bytes. ").append(N).append(" block").append(n == 1 ? "" : "s").append(" of ").append(lensText).append(" bytes = ").append(SUM)
                .append(" bytes, plus one sync byte = ").append(WB).append(" bytes").append(uart ? ", taking " + WMS + " ms at " + BAUD + " baud." : ".");
        b.analysis(an.toString());

        String tests;
        StringBuilder sends = new StringBuilder();
        for (int k = 0; k < n; k++) sends.append("        q.send(").append(s).append(" + ").append(k).append(", ").append(L[k]).append(", ").append(TO).append(");\n");
        String byteTime = uart ? "10.0 / " + BAUD + ".0" : "0.0";
        if (nak) {
            tests = "    #[test]\n    fn nak_triggered_resend() {\n        let mut q = Retransmitter::new(0.025, " + byteTime + ");\n" + sends
                    + "        let deadline = q.deadline().unwrap();\n"
                    + "        assert!(deadline > " + TR + ");\n"
                    + "        assert_eq!(q.retransmit(Trigger::Nak), " + WB + ");\n"
                    + "        assert!((q.rto_s - 0.025).abs() < 1e-12);\n"
                    + "        let resent_s: f64 = " + TR + ";\n"
                    + "        assert!(((resent_s - " + TO + ") * 1000.0 - " + DR + ").abs() < 0.01);\n"
                    + "        assert_eq!(q.ack(" + s + " + 1), 1);\n    }\n";
        } else {
            tests = "    #[test]\n    fn timeout_triggered_resend() {\n        let mut q = Retransmitter::new(" + RTO + " / 1000.0, " + byteTime + ");\n" + sends
                    + "        let deadline = q.deadline().unwrap();\n"
                    + "        assert!((deadline - " + TR + ").abs() < 1e-4);\n"
                    + "        assert_eq!(q.retransmit(Trigger::Timeout), " + WB + ");\n"
                    + "        assert!((q.rto_s * 1000.0 - " + NEXT + ").abs() < 0.1);\n"
                    + "        assert_eq!(q.ack(" + s + " + 1), 1);\n    }\n";
        }
        String code = """
                /// Why the host resends.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub enum Trigger {
                    Nak,
                    Timeout,
                }

                #[derive(Debug, Clone, Copy)]
                struct Pending {
                    seq: u64,
                    len: usize,
                    sent_s: f64,
                }

                /// Unacknowledged blocks and the retransmit timeout (s).
                pub struct Retransmitter {
                    pub rto_s: f64,
                    byte_s: f64,
                    pending: Vec<Pending>,
                }

                impl Retransmitter {
                    pub const MIN_RTO_S: f64 = 0.025;
                    pub const MAX_RTO_S: f64 = 5.0;

                    pub fn new(rto_s: f64, byte_s: f64) -> Self {
                        Retransmitter { rto_s: rto_s.max(Self::MIN_RTO_S).min(Self::MAX_RTO_S), byte_s, pending: Vec::new() }
                    }

                    pub fn send(&mut self, seq: u64, len: usize, now_s: f64) {
                        self.pending.push(Pending { seq, len, sent_s: now_s });
                    }

                    /// When the timer fires: oldest send + RTO + its wire time.
                    pub fn deadline(&self) -> Option<f64> {
                        self.pending.first().map(|p| p.sent_s + self.rto_s + p.len as f64 * self.byte_s)
                    }

                    /// Rewrites every pending block after one sync byte; returns the bytes written.
                    pub fn retransmit(&mut self, why: Trigger) -> usize {
                        if self.pending.is_empty() {
                            return 0;
                        }
                        if why == Trigger::Timeout {
                            self.rto_s = (self.rto_s * 2.0).min(Self::MAX_RTO_S);
                        }
                        1 + self.pending.iter().map(|p| p.len).sum::<usize>()
                    }

                    /// Retires every block below `next_expected`; returns how many were retired.
                    pub fn ack(&mut self, next_expected: u64) -> usize {
                        let before = self.pending.len();
                        self.pending.retain(|p| p.seq >= next_expected);
                        before - self.pending.len()
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                """ + tests + "}\n";
        b.rust("The sender owns its pending blocks; the trigger is an enum so the timeout-only side effect (doubling the RTO) cannot be applied to a NAK by accident. The test replays the observed event.",
                code, "Sequence numbers are kept as 64-bit counters inside the host and only their low 4 bits go on the wire, so retiring blocks is a plain comparison.");
        b.safety("The recovery is safe because the MCU executes a block only when its sequence is the expected one: the resent copies of blocks it already accepted are discarded and re-acknowledged, never run twice. The command in block " + SEQ
                + " ran " + DA + " ms later than it could have, which is harmless as long as the host schedules step commands far enough ahead; a recovery that took longer than that lead would end in a shutdown rather than a mistimed move.");
        b.edgeCases("- If the NAK itself is lost, the timer still fires and the recovery takes about one RTO longer.\n"
                + "- If the resend is damaged too, the next timeout waits twice as long (" + (nak ? "the RTO is doubled only on timeouts" : NEXT + " ms") + "), capped at 5 s.\n"
                + "- Repeated acknowledgements that arrive while a resend is still unacknowledged are ignored, otherwise one damaged block would cause a storm of resends.\n"
                + "- With 16 sequence values and at most 12 blocks in flight, the 4-bit number can never be ambiguous between an old and a new block.");
        b.alternatives("Selective repeat (resending only the damaged block) would save bytes on multi-block bursts but needs per-block acknowledgements and reordering at the MCU, which has very little RAM. A fixed timeout is simpler than the RTT-based one but either fires too early on a slow link or recovers too slowly on a fast one. Forward error correction would avoid the round trip entirely at the price of bytes on every block.");
        switch (ask) {
            case "resend-delay" -> b.answer("ms", 0.05, "d_retx");
            case "ack-delay" -> b.answer("ms", 0.05, "d_ack");
            default -> b.answer("bytes", 0, "wire_bytes");
        }
        return b.build();
    }

    /** A count as a stated quantity, or as plain text when it is small enough to pass as a constant (a changed small count could not be caught). */
    private static String small(EntryBuilder b, String name, long v, String unit) {
        return v > 12 ? b.count(name, v, unit) : Long.toString(v);
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        int from = ref.records().fromLine(), to = ref.records().toLine();
        TraceRecord.WireMessage orig = (TraceRecord.WireMessage) trace.at(from);
        TraceRecord.WireMessage ackMsg = (TraceRecord.WireMessage) trace.at(to);
        List<TraceRecord.WireMessage> burst = new ArrayList<>();
        for (int line = from + 1; line < to; line++) {
            if (trace.at(line) instanceof TraceRecord.WireMessage m && m.kind().equals("retransmit")) {
                if (burst.isEmpty() || burst.get(0).hostTimeS() == m.hostTimeS()) burst.add(m);
                else break;
            }
        }
        double tO = orig.hostTimeS(), tR = burst.get(0).hostTimeS(), tA = ackMsg.hostTimeS();
        r.put("seq", (double) orig.seq());
        r.put("blocks", (double) burst.size());
        r.put("t_orig", tO);
        r.put("t_retx", tR);
        r.put("t_ack", tA);
        r.put("d_retx", 1000 * (tR - tO));
        r.put("d_ack", 1000 * (tA - tO));
        r.put("d_rec", 1000 * tA - 1000 * tR);
        int total = 0;
        for (int k = 0; k < burst.size(); k++) {
            r.put("len_" + (k + 1), (double) burst.get(k).lengthBytes());
            total += burst.get(k).lengthBytes();
        }
        r.put("bytes", (double) total);
        r.put("wire_bytes", total + 1.0);
        boolean uart = ref.label("link").equals("uart");
        double baud = uart ? ((Number) trace.settings().get("serial_baud")).doubleValue() : Double.POSITIVE_INFINITY;
        r.put("baud", uart ? baud : 0.0);
        double bitsPerMs = baud / 1000.0;
        r.put("wire_ms", (total + 1) * 10 / bitsPerMs);
        r.put("max_block_ms", 640 / bitsPerMs);
        double first = burst.get(0).lengthBytes() * 10 / bitsPerMs;
        r.put("first_wire_ms", first);
        double rto = 1000 * (tR - tO) - first;
        r.put("rto_ms", rto);
        r.put("next_rto_ms", Math.min(rto + rto, 5000.0));
        return r;
    }
}
