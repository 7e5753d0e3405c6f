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
 * Detection power of the 16-bit block CRC on a lossy serial link: from the host-to-MCU blocks and
 * the retransmission bursts a trace records, the probability that one random corruption slips
 * through, the expected number of undetected blocks for the observed traffic and for a long print
 * at the same damage rate, and why short bursts are always caught.
 */
public final class CrcDetection implements Family {
    private static final String[] ASKS = {"hours-undetected", "mtbu", "trace-undetected"};
    private static final double[] HOURS = {8, 24, 72, 200};

    private static String an(String w) {
        return w.matches("(?i)^[aeiou].*") ? "an" : "a";
    }

    @Override
    public String id() {
        return "crc-detection-power";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            double baud = trace.setting("serial_baud");
            if (!(baud > 0)) return out;
            int first = -1, last = -1, data = 0, dataBytes = 0, resent = 0, resentBytes = 0, events = 0;
            double lastRetx = Double.NaN, t0 = 0, t1 = 0;
            for (TraceView.At<TraceRecord.WireMessage> at : trace.all(TraceRecord.WireMessage.class)) {
                TraceRecord.WireMessage m = at.record();
                if (first < 0) {
                    first = at.line();
                    t0 = m.hostTimeS();
                }
                last = at.line();
                t1 = m.hostTimeS();
                if (!"host_to_mcu".equals(m.direction())) continue;
                if ("data".equals(m.kind())) {
                    data++;
                    dataBytes += m.lengthBytes();
                } else if ("retransmit".equals(m.kind())) {
                    resent++;
                    resentBytes += m.lengthBytes();
                    if (m.hostTimeS() != lastRetx) events++;
                    lastRetx = m.hostTimeS();
                }
            }
            if (events < 2 || data < 20 || t1 - t0 < 1) return out;
            String gcode = trace.header().gcode() == null ? "" : trace.header().gcode();
            if (!gcode.contains("lossy-link")) return out;
            for (int i = 0; i < ASKS.length; i++) {
                Map<String, String> labels = new HashMap<>();
                labels.put("ask", ASKS[i]);
                labels.put("board", String.valueOf(trace.header().board()));
                labels.put("kinematics", String.valueOf(trace.settingText("kinematics")));
                Map<String, Double> obs = new HashMap<>();
                obs.put("data_blocks", (double) data);
                obs.put("data_bytes", (double) dataBytes);
                obs.put("resent_blocks", (double) resent);
                obs.put("resent_bytes", (double) resentBytes);
                obs.put("events", (double) events);
                obs.put("span", t1 - t0);
                obs.put("baud", baud);
                Map<String, Double> params = Map.of("hours", HOURS[(i + (int) (trace.seed() & 3)) % HOURS.length]);
                out.add(new Finding(new RecordRange(first, last), labels, params, obs));
            }
        } catch (RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        long d = Math.round(f.observed("data_blocks")), db = Math.round(f.observed("data_bytes"));
        long r = Math.round(f.observed("resent_blocks")), rb = Math.round(f.observed("resent_bytes"));
        long e = Math.round(f.observed("events"));
        double span = f.observed("span"), baud = f.observed("baud"), hours = f.param("hours");
        double pPass = 1.0 / 65536.0;
        double ratio = (double) e / d;
        double share = 100.0 * rb / (db + rb);
        double resendMs = rb * 10.0 / baud * 1000.0;
        double undetTrace = e * pPass;
        double framesH = e / span * hours * 3600.0;
        double undetH = framesH * pPass;
        double mtbu = span / e / 3600.0 * 65536.0;
        String ask = f.label("ask");
        String board = f.label("board"), kin = f.label("kinematics");

        String D = b.count("data_blocks", d, "blocks"), DB = b.count("data_bytes", db, "bytes");
        String R = b.count("resent_blocks", r, "blocks"), RB = b.count("resent_bytes", rb, "bytes");
        String E = e > 12 ? b.count("events", e, "events") : Long.toString(e), T = b.q("span", span, 3, "s"), BAUD = b.count("baud", Math.round(baud), "baud");
        String H = b.count("hours", Math.round(hours), "h");
        String RATIO = b.sig("ratio", ratio, 3, ""), SHARE = b.q("share", share, 2, "%"), RMS = b.q("resend_ms", resendMs, 1, "ms");
        String PP = b.sig("p_pass", pPass, 4, ""), UT = b.sig("undet_trace", undetTrace, 3, "");
        String FH = b.q("frames_h", framesH, 1, "blocks"), UH = b.sig("undet_h", undetH, 3, ""), MT = b.q("mtbu", mtbu, 2, "h");
        String BITS = b.count("block_bits", 512, "bits");
        b.literal(32767, 123456789);

        String intro = b.pick(
                "A " + kin + " printer (" + board + " controller board) was driven over a deliberately noisy serial line at " + BAUD
                        + " baud, where bytes were dropped and flipped.",
                "On " + an(board) + " " + board + " board running a " + kin + " machine, the host talked to the microcontroller over a " + BAUD
                        + " baud UART that was made to lose and corrupt bytes.",
                "A lossy-link test was run on a " + kin + " machine whose " + board + " controller sits at the end of a " + BAUD
                        + " baud serial cable that drops and damages bytes.");
        String given = b.pick(
                " Over " + T + " s the host sent " + D + " command blocks (" + DB + " bytes). It had to repeat itself in " + E
                        + " separate retransmission bursts, which resent " + R + " blocks (" + RB + " bytes).",
                " The trace window lasts " + T + " s: " + D + " original host-to-MCU blocks totalling " + DB + " bytes, plus " + E
                        + " retransmission bursts carrying " + R + " repeated blocks, " + RB + " bytes in all.",
                " In " + T + " s of traffic the wire carried " + D + " fresh blocks (" + DB + " bytes) and " + R
                        + " resent blocks (" + RB + " bytes), the resends grouped into " + E + " bursts.");
        String frame = b.pick(
                " Every block ends in a 16-bit CRC (polynomial 0x1021, reflected, initial value 0xFFFF) over its length, sequence and payload bytes, and blocks are at most 64 bytes.",
                " Each block carries a CRC-16 (CCITT polynomial, bit-reflected, seed 0xFFFF) computed over everything but its trailer; a block is never longer than 64 bytes.",
                " Framing is length byte, sequence byte, payload, a two-byte CRC-16 (reflected CCITT, init 0xFFFF) and a sync byte, with 64 bytes as the block limit.");
        String question = switch (ask) {
            case "hours-undetected" -> b.pick(
                    " Treating each retransmission burst as one damaged block that reached the CRC check, how many corrupted blocks would slip through undetected in a " + H + " h print at the same damage rate?",
                    " If the link kept damaging blocks at this rate for a " + H + " h job, what is the expected number of corrupted blocks the CRC accepts?",
                    " Estimate the expected count of undetected corrupted blocks over " + H + " hours of printing, assuming one damaged block per retransmission burst.");
            case "mtbu" -> b.pick(
                    " Assuming one damaged block per burst and random corruption, what is the mean time between undetected corrupted blocks, in hours?",
                    " How many hours of operation at this damage rate pass, on average, before one corrupted block gets past the CRC?",
                    " Give the expected time between CRC misses in hours, counting one damaged block per retransmission burst.");
            default -> b.pick(
                    " What is the probability that one randomly corrupted block still passes the check, and how many undetected blocks should be expected in this trace?",
                    " Compute the chance that a random corruption goes unnoticed and the expected number of undetected blocks for the traffic observed.",
                    " For the observed traffic, find the expected number of corrupted blocks the CRC would wrongly accept, and explain which error patterns are caught with certainty.");
        };
        b.problem(intro + given + frame + question);

        b.think("First, let me understand what's happening physically. Bytes on this line get lost or flipped. A lost byte shifts the framing, a flipped byte changes the payload; either way the receiver computes a CRC over what it got and compares it with the two trailer bytes. If they disagree it drops the block, the host notices the gap through a repeated acknowledgement or a timeout, and it resends. So every retransmission burst in the trace marks at least one block that was damaged and caught. There were "
                + E + " bursts among " + D + " blocks, a burst ratio of " + RATIO + ".");
        b.think("What matters for safety is the other case: a damaged block whose CRC happens to match. For a random corruption (many bits scrambled, no structure) the received CRC field is effectively a random 16-bit value relative to the payload, so the chance it matches is 1/65536 = "
                + PP + ". Hmm, wait, that is only true for long, random damage. Short bursts are better than random: with the generator x^16 + x^12 + x^5 + 1, an error burst of length at most 16 bits is x^i B(x) with B(x) of degree at most 15 and B(0) = 1; the generator has a constant term so it shares no factor with x^i, and it cannot divide a nonzero polynomial of lower degree. So every burst up to 16 bits is caught, and 2^-16 is the pessimistic figure for long, scattered damage.");
        b.think("Expected undetected blocks in the trace: " + E + " damaged blocks times " + PP + " = " + UT
                + ". Scaling up: the burst rate is " + E + "/" + T + " s, so in " + H + " h (3600 s each) there would be " + E + " x " + H
                + " x 3600 / " + T + " = " + FH + " damaged blocks, and " + FH + "/65536 = " + UH + " of them expected to pass. "
                + "Equivalently the mean time between misses is " + T + "/" + E + " x 65536 / 3600 = " + MT + " h. Unit check: seconds per damaged block times blocks per miss gives seconds per miss; dividing by 3600 gives hours. Consistent.");
        b.think("The cost side: the resends took " + RB + " bytes, " + SHARE + " % of host-to-MCU bytes, which at " + BAUD
                + " baud and 10 bits per byte (8N1) is " + RMS + " ms of line time. Cheap compared with what an accepted corrupt step command would do.");

        b.controlProblem("Given " + D + " host-to-MCU blocks over " + T + " s of a lossy " + BAUD + " baud link, " + E
                + " retransmission bursts (" + R + " blocks, " + RB + " bytes resent) and a 16-bit block CRC, quantify the probability that a corrupted block is accepted and the expected number of undetected corrupted blocks now and over a " + H + " h print.");
        b.context("- Hardware limitations: a plain UART at " + BAUD + " baud with 8N1 framing has no error detection of its own (8N1 carries no parity bit), so the block CRC is the only integrity check; blocks are at most 64 bytes, i.e. " + BITS + " bits.\n"
                + "- Real-time requirements: a damaged block must be rejected and resent before the step commands in it fall due; resends here cost " + RMS + " ms of line time in total.\n"
                + "- Safety requirements: an accepted corrupt block could carry a wrong step interval or heater duty, so the expected number of undetected blocks over a long print must be far below one.");
        b.analysis("Step 1: Damage rate. " + E + " bursts over " + D + " blocks gives a burst ratio of " + RATIO + "; over " + T + " s that is " + E + "/" + T + " bursts per second.\n\n"
                + "Step 2: Miss probability. For random corruption a 16-bit check matches by chance with P = 2^-16 = " + PP + ".\n\n"
                + "Step 3: Bursts. Generator x^16 + x^12 + x^5 + 1 has a nonzero constant term and degree 16, so any burst of length <= 16 bits is detected with certainty; it also has the factor (x + 1), so every odd number of flipped bits is detected, and two-bit errors are caught within " + BITS + " bits because the remaining factor's period is 32767 bits.\n\n"
                + "Step 4: Expected misses in the trace. " + E + " x " + PP + " = " + UT + ".\n\n"
                + "Step 5: Long print. " + H + " h gives " + FH + " damaged blocks, hence " + UH + " expected misses; the mean time between misses is " + MT + " h.\n\n"
                + "Step 6: Cost. " + RB + " resent bytes, " + SHARE + " % of host-to-MCU bytes, " + RMS + " ms of line time.");
        String code = """
                /// CRC-16 over a block's header and payload: reflected 0x1021 (0x8408), init 0xFFFF, no final xor.
                pub fn crc16(bytes: &[u8]) -> u16 {
                    let mut crc: u16 = 0xFFFF;
                    for &b in bytes {
                        let mut d = b ^ (crc & 0xFF) as u8;
                        d ^= d << 4;
                        let d16 = d as u16;
                        crc = ((d16 << 8) | (crc >> 8)) ^ (d16 >> 4) ^ (d16 << 3);
                    }
                    crc
                }

                /// Probability that a random corruption matches a `bits`-wide check.
                pub fn miss_probability(bits: u32) -> f64 {
                    let two: f64 = 2.0;
                    1.0 / two.powi(bits as i32)
                }

                /// Expected undetected blocks among `damaged` random corruptions.
                pub fn expected_misses(damaged: f64, bits: u32) -> f64 {
                    damaged * miss_probability(bits)
                }

                /// Mean hours between misses for `events` damaged blocks seen in `span_s` seconds.
                pub fn hours_between_misses(events: u64, span_s: f64, bits: u32) -> Option<f64> {
                    if events == 0 || span_s <= 0.0 {
                        return None;
                    }
                    Some(span_s / events as f64 / miss_probability(bits) / 3600.0)
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    fn rel(a: f64, b: f64) -> f64 {
                        ((a - b) / b).abs()
                    }

                    #[test]
                    fn check_value_and_ack_block() {
                        assert_eq!(crc16(b"123456789"), 0x6F91);
                        assert_eq!(crc16(&[0x05, 0x10]), 0x9E81);
                    }

                    #[test]
                    fn observed_link() {
                        let events: u64 = %E;
                        let span = %T;
                        assert!(rel(miss_probability(16), %PP as f64) < 1e-3);
                        assert!(rel(expected_misses(events as f64, 16), %UT as f64) < 0.01);
                        let per_hours = events as f64 / span * %H.0 * 3600.0;
                        assert!(rel(per_hours, %FH) < 1e-3);
                        assert!(rel(expected_misses(per_hours, 16), %UH as f64) < 0.01);
                        assert!(rel(hours_between_misses(events, span, 16).unwrap(), %MT) < 0.01);
                        assert_eq!(hours_between_misses(0, span, 16), None);
                    }
                }
                """.replace("%E", E).replace("%T", T).replace("%PP", EntryBuilder.rustF64(PP)).replace("%UT", EntryBuilder.rustF64(UT)).replace("%H", H)
                .replace("%FH", FH).replace("%UH", EntryBuilder.rustF64(UH)).replace("%MT", MT);
        b.rust("The CRC is the byte-at-a-time form of the reflected CCITT polynomial; the statistics are small pure functions, and a link with no observed damage returns None rather than an infinite time.",
                code,
                "Keeping the check width a parameter makes the trade-off explicit: the same functions show what an 8-bit or 32-bit check would buy on this link.");
        b.safety("With " + UH + " expected misses in " + H + " h (one per " + MT + " h on average), a corrupted block reaching the step queue is very unlikely but not impossible, so the MCU still bounds the damage: a step command whose clock is already past, or a queue overflow, shuts the MCU down, and heater outputs have a maximum on-time. The CRC is checked before the sequence number, so a damaged block is never acknowledged and the host always resends it.");
        b.edgeCases("- A dropped byte makes the receiver read the next block's first byte as part of this one; the CRC fails and the receiver resynchronises on the next sync byte, so a loss behaves like a long burst (miss probability 2^-16).\n"
                + "- A corrupted length byte can claim up to 64 bytes; the check then covers bytes of the following block, still a random match at 2^-16.\n"
                + "- Damage on the acknowledgement path also causes resends without any command block being damaged, so counting one damaged block per burst overestimates the damage and keeps the estimate conservative.\n"
                + "- Two damaged blocks in one burst would double that burst's contribution; at a burst ratio of " + RATIO + " that is rare.");
        b.alternatives("A 32-bit CRC would push the random miss probability to 2^-32 at the cost of two more bytes per block (a few percent of a short block). Forward error correction could repair single-byte damage without a resend but adds latency and bytes on every block. Lowering the baud rate or improving shielding reduces the damage rate itself, which scales every expected miss count down in proportion.");
        switch (ask) {
            case "hours-undetected" -> b.answer("", 0.01 * undetH, "undet_h");
            case "mtbu" -> b.answer("h", 0.01 * mtbu, "mtbu");
            default -> b.answer("", 0.01 * undetTrace, "p_pass", "undet_trace");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        long data = 0, dataBytes = 0, resent = 0, resentBytes = 0;
        List<Double> retxTimes = new ArrayList<>();
        double tFirst = Double.NaN, tLast = Double.NaN;
        for (int line = ref.records().fromLine(); line <= ref.records().toLine(); line++) {
            if (!(trace.at(line) instanceof TraceRecord.WireMessage m)) continue;
            if (Double.isNaN(tFirst)) tFirst = m.hostTimeS();
            tLast = m.hostTimeS();
            if (!m.direction().equals("host_to_mcu")) continue;
            switch (m.kind()) {
                case "data" -> {
                    data += 1;
                    dataBytes += m.lengthBytes();
                }
                case "retransmit" -> {
                    resent += 1;
                    resentBytes += m.lengthBytes();
                    retxTimes.add(m.hostTimeS());
                }
                default -> { }
            }
        }
        long bursts = retxTimes.stream().distinct().count();
        double span = tLast - tFirst;
        double baud = ((Number) trace.settings().get("serial_baud")).doubleValue();
        double hours = ref.param("hours");
        double miss = Math.scalb(1.0, -16);
        r.put("data_blocks", (double) data);
        r.put("data_bytes", (double) dataBytes);
        r.put("resent_blocks", (double) resent);
        r.put("resent_bytes", (double) resentBytes);
        r.put("events", (double) bursts);
        r.put("span", span);
        r.put("baud", baud);
        r.put("hours", hours);
        r.put("ratio", bursts / (double) data);
        r.put("share", resentBytes / (double) (dataBytes + resentBytes) * 100.0);
        r.put("resend_ms", resentBytes * (10_000.0 / baud));
        r.put("p_pass", miss);
        r.put("undet_trace", bursts * miss);
        double rate = bursts / span;
        r.put("frames_h", rate * hours * 3600.0);
        r.put("undet_h", rate * hours * 3600.0 * miss);
        r.put("mtbu", 1.0 / (rate * miss) / 3600.0);
        r.put("block_bits", 64.0 * 8.0);
        return r;
    }
}
