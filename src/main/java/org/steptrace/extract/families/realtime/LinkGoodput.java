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
 * Goodput of a lossy serial link: payload bytes carried by first transmissions of data blocks
 * against every byte on the wire (framing, retransmissions, acknowledgements, naks), and the
 * useful throughput against the link's raw capacity at its baud rate, over a window of a
 * lossy-link trace.
 */
public final class LinkGoodput implements Family {
    private static final String[] ASKS = {"fraction", "throughput", "overhead"};
    /** Block framing: length, sequence, two CRC bytes and the sync byte. */
    private static final int FRAME = 5;
    private static final double WINDOW_S = 2.0;

    @Override
    public String id() {
        return "link-goodput";
    }

    @Override
    public Category category() {
        return Category.REAL_TIME;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        double baud = trace.setting("serial_baud");
        if (!(baud > 0)) return out;
        List<TraceView.At<TraceRecord.WireMessage>> msgs = trace.all(TraceRecord.WireMessage.class);
        if (msgs.size() < 10) return out;
        // Contiguous windows of about WINDOW_S seconds of host time, kept when they hold a retransmission.
        List<int[]> windows = new ArrayList<>();
        int start = 0;
        double t0 = msgs.get(0).record().hostTimeS();
        for (int i = 1; i <= msgs.size(); i++) {
            boolean cut = i == msgs.size() || msgs.get(i).record().hostTimeS() >= t0 + WINDOW_S;
            if (cut) {
                windows.add(new int[] {start, i - 1});
                if (i < msgs.size()) {
                    start = i;
                    t0 = msgs.get(i).record().hostTimeS();
                }
            }
        }
        windows.add(new int[] {0, msgs.size() - 1}); // the whole run
        int n = 0;
        for (int[] w : windows) {
            if (out.size() >= 12) break;
            long payload = 0, data = 0, retx = 0, ack = 0, nak = 0, nData = 0, nRetx = 0, nAck = 0;
            double tMin = Double.MAX_VALUE, tMax = -Double.MAX_VALUE;
            for (int i = w[0]; i <= w[1]; i++) {
                TraceRecord.WireMessage m = msgs.get(i).record();
                tMin = Math.min(tMin, m.hostTimeS());
                tMax = Math.max(tMax, m.hostTimeS());
                switch (m.kind()) {
                    case "data" -> {
                        data += m.lengthBytes();
                        payload += m.lengthBytes() - FRAME;
                        nData++;
                    }
                    case "retransmit" -> {
                        retx += m.lengthBytes();
                        nRetx++;
                    }
                    case "ack" -> {
                        ack += m.lengthBytes();
                        nAck++;
                    }
                    case "nak" -> nak += m.lengthBytes();
                    default -> { }
                }
            }
            if (nRetx == 0 || nData < 20 || nAck == 0 || tMax - tMin < 0.5 || payload <= 0) continue;
            Map<String, Double> obs = new HashMap<>();
            obs.put("payload", (double) payload);
            obs.put("data", (double) data);
            obs.put("retx", (double) retx);
            obs.put("ack", (double) ack);
            obs.put("nak", (double) nak);
            obs.put("n_data", (double) nData);
            obs.put("n_retx", (double) nRetx);
            obs.put("n_ack", (double) nAck);
            obs.put("span", tMax - tMin);
            obs.put("baud", baud);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[n++ % ASKS.length]);
            labels.put("board", trace.header().board());
            labels.put("scope", w[0] == 0 && w[1] == msgs.size() - 1 ? "run" : "window");
            out.add(new Finding(new RecordRange(msgs.get(w[0]).line(), msgs.get(w[1]).line()), labels, Map.of(), obs));
        }
        return out;
    }

    /** A count as a quantity, or as a plain small integer (a common constant no check can hold to the trace). */
    private static String cnt(EntryBuilder b, String name, long v, String unit) {
        return v <= 20 ? Long.toString(v) : b.count(name, v, unit);
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        long payload = (long) f.observed("payload"), data = (long) f.observed("data"), retx = (long) f.observed("retx");
        long ack = (long) f.observed("ack"), nak = (long) f.observed("nak");
        long nData = (long) f.observed("n_data"), nRetx = (long) f.observed("n_retx"), nAck = (long) f.observed("n_ack");
        double span = f.observed("span"), baud = f.observed("baud");
        long framing = nData * FRAME;
        long total = data + retx + ack + nak;
        long overhead = total - payload;
        double g = (double) payload / total;
        double rate = payload / span;
        double capacity = baud / 10.0;
        double eta = rate / capacity;
        double wireRate = total / span;
        double retxShare = (double) retx / total;
        String ask = f.label("ask");
        boolean run = f.label("scope").equals("run");

        String P = b.count("payload", payload, "bytes"), BD = b.count("data", data, "bytes"), BR = b.count("retx", retx, "bytes");
        String BA = b.count("ack", ack, "bytes"), ND = cnt(b, "n_data", nData, "blocks"), NR = cnt(b, "n_retx", nRetx, "blocks");
        String NA = cnt(b, "n_ack", nAck, "blocks");
        String FR = b.count("framing", framing, "bytes"), BT = b.count("total", total, "bytes"), OV = b.count("overhead", overhead, "bytes");
        String G = b.q("g", g, 4, ""), T = b.q("span", span, 3, "s"), BAUD = b.count("baud", Math.round(baud), "bit/s");
        String RT = b.q("rate", rate, 1, "B/s"), CAP = b.q("capacity", capacity, 0, "B/s"), ETA = b.q("eta", eta * 100, 3, "%");
        String WR = b.q("wire_rate", wireRate, 1, "B/s"), RS = b.q("retx_share", retxShare * 100, 2, "%");
        String nakText = nak > 0 ? b.count("nak", nak, "bytes") + " bytes of negative acknowledgements" : "no negative acknowledgements";

        String situation = b.pick(
                "A serial link between a printer host and its " + f.label("board") + " controller was run with bytes deliberately dropped and corrupted.",
                "On a noisy UART link to a " + f.label("board") + " MCU, the host had to resend blocks that never got acknowledged.",
                "A trace of a lossy host-to-MCU serial connection (" + f.label("board") + " board) records every block on the wire.");
        String window = run ? " Over the whole run (" + T + " s of link time)" : " In one window of " + T + " s";
        String givens = b.pick(
                window + ", the link carried " + ND + " data blocks totalling " + BD + " bytes, " + NR + " retransmitted blocks totalling " + BR + " bytes, "
                        + NA + " acknowledgement blocks totalling " + BA + " bytes, and " + nakText + ". Every block has " + FRAME
                        + " bytes of framing (length, sequence, two CRC bytes, sync). The line runs at " + BAUD + " baud with 8N1 framing (10 bits per byte).",
                window + " the recorder counted: data " + ND + " blocks / " + BD + " bytes; retransmissions " + NR + " blocks / " + BR + " bytes; acks " + NA + " blocks / "
                        + BA + " bytes; " + nakText + ". Framing costs " + FRAME + " bytes per block, and the UART sends 10 bit times per byte at " + BAUD + " baud.",
                window + ", " + BD + " bytes went out in " + ND + " original data blocks, " + BR + " bytes in " + NR + " resends and " + BA + " bytes in " + NA
                        + " acknowledgements (" + nakText + "). Each block wraps its payload in " + FRAME + " framing bytes; the baud rate is " + BAUD + " with 10 bits per byte.");
        String question = switch (ask) {
            case "fraction" -> b.pick(" What fraction of the bytes on the wire was useful payload?",
                    " Compute the goodput fraction: payload bytes over all bytes sent in either direction.",
                    " How efficient was the link, as payload bytes per wire byte?");
            case "throughput" -> b.pick(" What useful throughput (payload bytes per second) did the link achieve, and what share of one direction's raw capacity is that?",
                    " Compare the effective payload rate with the raw byte rate the baud rate allows in one direction.",
                    " Is the link anywhere near saturation? Give the payload rate as a percentage of one direction's capacity.");
            default -> b.pick(" How many bytes were overhead (framing, resends, acks), and what share of the wire bytes were retransmissions?",
                    " Break the overhead down and find the share of wire bytes spent on retransmissions.",
                    " Where did the non-payload bytes go? Quantify the overhead and the retransmission share.");
        };
        String opener = b.pick("A flaky USB-serial adapter is suspected of slowing prints down. ",
                "You are sizing how much headroom a degraded link still has. ",
                "Link efficiency is being measured from a recorded session. ",
                "A transport engineer wants numbers rather than impressions about a lossy link. ",
                "");
        String closer = b.pick(" Count bytes exactly; do not estimate.",
                " Treat every block as carrying its full framing.",
                " Explain which bytes count as useful and why.",
                " Give percentages with their basis stated.",
                "");
        b.problem(opener + situation + givens + question + closer);

        b.think("First, let me understand what's happening physically. Every message travels inside a block with a length byte, a sequence byte, a 16-bit CRC and a sync byte, so "
                + FRAME + " bytes per block are never payload. When bytes are lost, the receiver's sequence check fails, the sender times out and resends the whole block; the resend is pure overhead because its payload was already counted once. Acks are bare blocks with no payload at all.");
        b.think("Payload = data bytes - framing = " + BD + " - " + ND + " · " + FRAME + " = " + BD + " - " + FR + " = " + P + " bytes. "
                + b.pick("Wait, should retransmitted payload count as useful too? No: it is the same payload delivered again; counting it would double-count the data the MCU actually used. ",
                        "I was tempted to add the retransmitted bytes to the useful side, but they repeat payload that is already counted once in the originals. ")
                + "So only the original data blocks contribute.");
        b.think("All bytes on the wire: " + BD + " + " + BR + " + " + BA + (nak > 0 ? " + " + b.text("nak") : "") + " = " + BT + " bytes. Goodput fraction g = "
                + P + " / " + BT + " = " + G + ". Overhead = " + BT + " - " + P + " = " + OV + " bytes, of which retransmissions are " + BR + " bytes, i.e. " + RS + " % of the wire bytes.");
        b.think("Throughput: " + P + " bytes over " + T + " s is " + RT + " B/s of payload. One direction of the UART can carry " + BAUD + " / 10 = " + CAP
                + " B/s, so the useful rate is " + ETA + " % of one direction's capacity. The raw wire rate, all bytes both ways, is " + WR
                + " B/s. Sanity check: the goodput fraction is below one and the rates are far below capacity, which fits a link that is idle most of the time between bursts.");

        b.controlProblem("Over " + T + " s a serial link carried " + BD + " bytes of original data blocks (" + ND + " blocks), " + BR + " bytes of retransmissions ("
                + NR + " blocks) and " + BA + " bytes of acknowledgements (" + NA + " blocks) at " + BAUD
                + " baud. With " + FRAME + " framing bytes per block, find the payload, the goodput fraction, the overhead breakdown and the useful throughput against capacity.");
        b.context("- Hardware limitations: a UART at " + BAUD + " baud with 8N1 framing moves at most " + CAP + " bytes per second per direction; nothing in software can exceed that.\n"
                + "- Real-time requirements: step commands must reach the MCU before their scheduled clocks; every retransmission delays the blocks queued behind it by at least a retransmit timeout.\n"
                + "- Safety requirements: corrupted blocks must never be executed; the CRC and sequence check drop them and the sender must resend in order.");
        b.analysis("Step 1: Payload. P = data bytes - " + FRAME + " · blocks = " + BD + " - " + FR + " = " + P + " bytes.\n\n"
                + "Step 2: Wire total. B = " + BD + " + " + BR + " + " + BA + (nak > 0 ? " + " + b.text("nak") : "") + " = " + BT + " bytes.\n\n"
                + "Step 3: Goodput fraction. g = P / B = " + G + "; overhead B - P = " + OV + " bytes, retransmissions " + RS + " % of B.\n\n"
                + "Step 4: Throughput. P / T = " + RT + " B/s against a capacity of " + CAP + " B/s per direction: " + ETA + " %. The wire carried " + WR + " B/s in total.");
        b.rust("A byte ledger keeps the counters private and only lets the transport record blocks by kind, so a resend can never be booked as payload.",
                """
                #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                pub enum BlockKind {
                    Data,
                    Retransmit,
                    Ack,
                    Nak,
                }

                pub const FRAME_BYTES: u64 = 5;

                #[derive(Debug, Default)]
                pub struct Ledger {
                    payload: u64,
                    wire: u64,
                    resent: u64,
                }

                impl Ledger {
                    /// Books `blocks` blocks of one kind totalling `bytes` wire bytes.
                    pub fn record(&mut self, kind: BlockKind, blocks: u64, bytes: u64) -> Result<(), &'static str> {
                        if bytes < blocks * FRAME_BYTES {
                            return Err("blocks shorter than their framing");
                        }
                        self.wire += bytes;
                        match kind {
                            BlockKind::Data => self.payload += bytes - blocks * FRAME_BYTES,
                            BlockKind::Retransmit => self.resent += bytes,
                            BlockKind::Ack | BlockKind::Nak => {}
                        }
                        Ok(())
                    }
                    pub fn payload(&self) -> u64 {
                        self.payload
                    }
                    pub fn wire(&self) -> u64 {
                        self.wire
                    }
                    pub fn goodput(&self) -> f64 {
                        if self.wire == 0 { 0.0 } else { self.payload as f64 / self.wire as f64 }
                    }
                    pub fn resent_share(&self) -> f64 {
                        if self.wire == 0 { 0.0 } else { self.resent as f64 / self.wire as f64 }
                    }
                }

                /// Payload rate as a share of one direction's capacity (10 bit times per byte).
                pub fn utilisation(payload: u64, span_s: f64, baud: u64) -> Option<f64> {
                    if span_s <= 0.0 || baud == 0 {
                        return None;
                    }
                    Some(payload as f64 / span_s / (baud as f64 / 10.0))
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_window() {
                        let mut l = Ledger::default();
                        l.record(BlockKind::Data, %ND, %BD).unwrap();
                        l.record(BlockKind::Retransmit, %NR, %BR).unwrap();
                        l.record(BlockKind::Ack, %NA, %BA).unwrap();
                        %NAKREC
                        assert_eq!(l.payload(), %P);
                        assert_eq!(l.wire(), %BT);
                        assert!((l.goodput() - %G).abs() < 1e-4);
                        assert!((l.resent_share() * 100.0 - %RS).abs() < 1e-2);
                        let u = utilisation(%P, %T, %BAUD).unwrap();
                        assert!((u * 100.0 - %ETA).abs() < 1e-2);
                    }

                    #[test]
                    fn rejects_short_block() {
                        let mut l = Ledger::default();
                        assert!(l.record(BlockKind::Data, 1, 3).is_err());
                        assert_eq!(utilisation(%P, 0.0, %BAUD), None);
                    }
                }
                """.replace("%NAKREC", nak > 0 ? "l.record(BlockKind::Nak, 1, " + b.text("nak") + ").unwrap();" : "l.record(BlockKind::Nak, 0, 0).unwrap();")
                        .replace("%BD", BD).replace("%ND", ND).replace("%NR", NR).replace("%NA", NA).replace("%BR", BR).replace("%BAUD", BAUD).replace("%BA", BA).replace("%BT", BT)
                        .replace("%P", P).replace("%G", G).replace("%RS", RS).replace("%T", T).replace("%ETA", ETA),
                "The counters are private fields mutated only through record(), which refuses blocks shorter than their framing, so the ledger's invariant (payload never exceeds wire bytes) holds by construction.");
        b.safety("Correctness does not depend on the goodput: a block is executed only once its CRC and sequence number check out, and a resend carries the same sequence number, so duplicates are discarded. "
                + "What the low goodput of " + G + " costs is latency, not safety: with the payload rate at " + ETA + " % of capacity there is ample headroom, so the host's lead time, not bandwidth, decides whether steps arrive in time.");
        b.edgeCases("- A burst of losses that exceeds the sender's window stalls all traffic until the oldest block is acknowledged; the goodput in that window can drop towards zero.\n"
                + "- Acks that are themselves lost cause spurious resends of blocks the MCU already has; they show up as retransmit bytes with no loss on the forward path.\n"
                + "- At higher traffic the same loss rate wastes more absolute bandwidth, and the link can saturate long before the payload rate approaches " + CAP + " B/s.");
        b.alternatives("Selective acknowledgement would resend only the missing block instead of everything after it, raising goodput on bursty loss at the cost of receiver buffering. "
                + "Forward error correction trades a fixed overhead on every block for fewer resends; it pays off only when the loss rate is high enough that resends dominate, which a "
                + RS + " % resend share does not suggest.");
        switch (ask) {
            case "fraction" -> b.answer("", 1e-4, "g");
            case "throughput" -> b.answer("%", 1e-2, "eta");
            default -> b.answer("bytes", 0.5, "overhead");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        Map<String, long[]> byKind = new HashMap<>(); // kind -> {blocks, bytes}
        double first = Double.NaN, last = Double.NaN;
        for (TraceView.At<TraceRecord.WireMessage> at : trace.within(ref.records(), TraceRecord.WireMessage.class)) {
            TraceRecord.WireMessage m = at.record();
            long[] c = byKind.computeIfAbsent(m.kind(), k -> new long[2]);
            c[0]++;
            c[1] += m.lengthBytes();
            first = Double.isNaN(first) ? m.hostTimeS() : Math.min(first, m.hostTimeS());
            last = Double.isNaN(last) ? m.hostTimeS() : Math.max(last, m.hostTimeS());
        }
        long[] zero = new long[2];
        long[] d = byKind.getOrDefault("data", zero), rt = byKind.getOrDefault("retransmit", zero);
        long[] a = byKind.getOrDefault("ack", zero), nk = byKind.getOrDefault("nak", zero);
        long wire = 0;
        for (long[] c : byKind.values()) wire += c[1];
        // Overhead first: framing of every original data block, plus whole non-data blocks.
        long overhead = wire - d[1] + 5 * d[0];
        long payload = wire - overhead;
        double baud = trace.setting("serial_baud");
        double span = last - first;
        r.put("payload", (double) payload);
        r.put("data", (double) d[1]);
        r.put("retx", (double) rt[1]);
        r.put("ack", (double) a[1]);
        r.put("nak", (double) nk[1]);
        r.put("n_data", (double) d[0]);
        r.put("n_retx", (double) rt[0]);
        r.put("n_ack", (double) a[0]);
        r.put("framing", 5.0 * d[0]);
        r.put("total", (double) wire);
        r.put("overhead", (double) overhead);
        r.put("g", 1.0 - (double) overhead / wire);
        r.put("span", span);
        r.put("baud", baud);
        double bitsPerSecondUseful = payload * 10.0 / span;
        r.put("rate", bitsPerSecondUseful / 10.0);
        r.put("capacity", baud / 10.0);
        r.put("eta", 100.0 * bitsPerSecondUseful / baud);
        r.put("wire_rate", wire / span);
        r.put("retx_share", 100.0 * rt[1] / wire);
        return r;
    }
}
