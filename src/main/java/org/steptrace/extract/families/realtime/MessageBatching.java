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
 * Batching of commands into framed blocks: over a run of consecutive host-to-MCU data blocks, the
 * messages per block, the share of bytes spent on the 5-byte frame (length, sequence, 16-bit CRC,
 * sync) and what sending each message in its own block would have cost.
 */
public final class MessageBatching implements Family {
    private static final String[] ASKS = {"efficiency", "savings", "per-block"};
    private static final int FRAME = 5;

    @Override
    public String id() {
        return "message-batching";
    }

    @Override
    public Category category() {
        return Category.REAL_TIME;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        List<TraceView.At<TraceRecord.WireMessage>> blocks = new ArrayList<>();
        for (TraceView.At<TraceRecord.WireMessage> at : trace.all(TraceRecord.WireMessage.class)) {
            TraceRecord.WireMessage m = at.record();
            if ("host_to_mcu".equals(m.direction()) && "data".equals(m.kind()) && m.messages() != null && !m.messages().isEmpty()) blocks.add(at);
        }
        int n = 16;
        if (blocks.size() < 2 * n) return out;
        // The window with the most messages, then windows spread through the run.
        int bestStart = 0, bestMsgs = -1;
        for (int s = 0; s + n <= blocks.size(); s += n / 2) {
            int msgs = 0;
            for (int i = s; i < s + n; i++) msgs += blocks.get(i).record().messages().size();
            if (msgs > bestMsgs) {
                bestMsgs = msgs;
                bestStart = s;
            }
        }
        List<Integer> starts = new ArrayList<>();
        starts.add(bestStart);
        for (int k = 1; k <= 5; k++) starts.add((int) ((long) (blocks.size() - n) * k / 6));
        for (int s : starts) {
            if (out.stream().anyMatch(fd -> fd.records().fromLine() == blocks.get(s).line())) continue;
            int msgs = 0;
            long bytes = 0;
            for (int i = s; i < s + n; i++) {
                msgs += blocks.get(i).record().messages().size();
                bytes += blocks.get(i).record().lengthBytes();
            }
            Map<String, Double> obs = new HashMap<>();
            obs.put("blocks", (double) n);
            obs.put("msgs", (double) msgs);
            obs.put("bytes", (double) bytes);
            obs.put("t_first", blocks.get(s).record().hostTimeS());
            obs.put("t_last", blocks.get(s + n - 1).record().hostTimeS());
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[out.size() % ASKS.length]);
            labels.put("scenario", H5Scenario.kind(trace));
            out.add(new Finding(new RecordRange(blocks.get(s).line(), blocks.get(s + n - 1).line()), labels, Map.of(), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double blocks = f.observed("blocks"), msgs = f.observed("msgs"), bytes = f.observed("bytes");
        double tFirst = f.observed("t_first"), tLast = f.observed("t_last");
        double payload = bytes - FRAME * blocks;
        double perBlock = msgs / blocks;
        double eff = payload / bytes;
        double unbatched = payload + FRAME * msgs;
        double effUnbatched = payload / unbatched;
        double saved = unbatched - bytes;
        double avgLen = bytes / blocks;
        double payloadPerMsg = payload / msgs;
        String ask = f.label("ask");
        if (ask.equals("savings") && saved <= 20) ask = "efficiency"; // too few bytes saved to be a question
        String kind = f.label("scenario");

        b.literal(59); // the largest payload of a 64-byte block
        String NB = b.wholeNumber("blocks", (long) blocks, "blocks");
        String NM = b.wholeNumber("msgs", (long) msgs, "messages");
        String BY = b.count("bytes", (long) bytes, "bytes");
        String TF = b.q("t_first", tFirst, 4, "s");
        String TL = b.q("t_last", tLast, 4, "s");
        String PL = b.count("payload", (long) payload, "bytes");
        String OV = b.count("overhead", (long) (FRAME * blocks), "bytes");
        String MPB = b.q("per_block", perBlock, 3, "messages");
        String EF = b.q("eff_pct", eff * 100, 2, "%");
        String UB = b.count("unbatched", (long) unbatched, "bytes");
        String EU = b.q("eff_unbatched_pct", effUnbatched * 100, 2, "%");
        String SV = b.count("saved", (long) saved, "bytes"); // always a quantity: it may be the answer
        String AL = b.q("avg_len", avgLen, 2, "bytes");
        String PM = b.q("payload_per_msg", payloadPerMsg, 3, "bytes");

        String intro = b.pick(
                "A printer host frames its commands to the MCU in blocks: one length byte and one sequence byte in front, a 16-bit CRC and a sync byte behind, so every block costs 5 bytes of framing around up to 59 bytes of payload. ",
                "Commands travel to the MCU inside framed blocks of at most 64 bytes: a 2-byte header (length, sequence), the concatenated messages, and a 3-byte trailer (CRC-16 and a sync byte). ",
                "On this host-to-MCU link each block carries several encoded messages between a 2-byte header and a 3-byte trailer (CRC and sync marker), 64 bytes at most. ");
        String data = b.pick(
                "The trace of " + H5Scenario.boardWords(trace) + ", taken " + H5Scenario.doing(kind) + ", shows " + NB + " consecutive data blocks between host times " + TF + " s and " + TL + " s carrying " + NM + " messages in " + BY + " bytes in total.",
                H5Scenario.doing(kind).substring(0, 1).toUpperCase() + H5Scenario.doing(kind).substring(1) + ", " + NB + " consecutive host-to-MCU data blocks (from " + TF + " s to " + TL + " s) held " + NM + " messages and added up to " + BY + " bytes.",
                "From " + TF + " s to " + TL + " s the host sent " + NB + " data blocks to " + H5Scenario.boardWords(trace) + " (" + H5Scenario.doing(kind) + "): " + NM + " messages, " + BY + " bytes on the wire.");
        String question = switch (ask) {
            case "efficiency" -> b.pick(" What share of the bytes (in %) is payload rather than framing?", " Compute the framing efficiency of these blocks in percent.");
            case "savings" -> b.pick(" How many bytes did batching save compared with sending every message in its own block?",
                    " If each message had been sent in a block of its own, how many more bytes would the link have carried?");
            default -> b.pick(" How many messages does an average block hold, and how efficient would one-message blocks have been (in %)?",
                    " Find the mean number of messages per block and compare the efficiency with and without batching.");
        };
        b.problem(intro + data + question);

        b.think("First, let me understand what's happening physically. Every block pays a fixed 5 bytes of framing no matter how much it carries, so packing more messages per block spreads that cost thinner. The framing is what makes the link robust (length for resynchronisation, sequence for retransmission, CRC for corruption), so it is not waste, but it is overhead.");
        b.think("Framing bytes: " + NB + " blocks x 5 = " + OV + " bytes. Payload: " + BY + " - " + OV + " = " + PL + " bytes. Efficiency = " + PL + " / " + BY + " = " + EF + " %. "
                + "Average block length " + AL + " bytes, with " + MPB + " messages per block and " + PM + " payload bytes per message.");
        b.think("Without batching, each of the " + NM + " messages would need its own 5-byte frame: " + PL + " + 5 x " + NM + " = " + UB + " bytes, an efficiency of " + EU + " %. "
                + "Batching saved " + UB + " - " + BY + " = " + SV + " bytes. Wait, I should double-check I did not count the acknowledgements: those go the other way (MCU to host), one 5-byte block per received block, so batching also cuts the return traffic by the same number of blocks. The figures above are the host-to-MCU side only.");

        b.controlProblem("Given " + NB + " framed blocks of " + BY + " bytes in total carrying " + NM + " messages, with 5 bytes of framing per block, find the payload efficiency, the messages per block and the bytes batching saved.");
        b.context("- Hardware limitations: a block holds at most 64 bytes (59 of payload), and the MCU's receive buffer is small, so the host cannot make blocks arbitrarily large.\n"
                + "- Real-time requirements: waiting to fill a block adds latency; an urgent command must go out in a partly filled block rather than wait for company.\n"
                + "- Safety requirements: each block is protected by its own CRC and sequence number, so batching must never merge messages in a way that a single corrupted block loses more than it can retransmit.");
        b.analysis("Step 1: Framing = 5 x " + NB + " = " + OV + " bytes; payload = " + PL + " bytes.\n\n"
                + "Step 2: Efficiency = " + PL + " / " + BY + " = " + EF + " %; " + MPB + " messages per block.\n\n"
                + "Step 3: One message per block would take " + UB + " bytes (efficiency " + EU + " %).\n\n"
                + "Step 4: Savings from batching = " + SV + " bytes, plus the same number of saved acknowledgement blocks on the return path.");
        b.rust("A block builder owns its buffer and refuses a message that would overflow the 64-byte limit, returning it to the caller instead of truncating it.",
                """
                pub const HEADER: usize = 2;
                pub const TRAILER: usize = 3;
                pub const MAX_BLOCK: usize = 64;

                #[derive(Debug, PartialEq)]
                pub enum BatchError {
                    TooLarge(usize),
                }

                #[derive(Default)]
                pub struct BlockBuilder {
                    payload: Vec<u8>,
                    messages: usize,
                }

                impl BlockBuilder {
                    pub fn push(&mut self, msg: &[u8]) -> Result<(), BatchError> {
                        if HEADER + self.payload.len() + msg.len() + TRAILER > MAX_BLOCK {
                            return Err(BatchError::TooLarge(msg.len()));
                        }
                        self.payload.extend_from_slice(msg);
                        self.messages += 1;
                        Ok(())
                    }

                    pub fn block_len(&self) -> usize {
                        HEADER + self.payload.len() + TRAILER
                    }
                }

                /// Payload share of a batch of blocks.
                pub fn efficiency(total_bytes: u64, blocks: u64) -> f64 {
                    let framing = (HEADER + TRAILER) as u64 * blocks;
                    total_bytes.saturating_sub(framing) as f64 / total_bytes as f64
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_batch() {
                        assert!((efficiency(%BY, %NB) * 100.0 - %EF).abs() < 0.01);
                        assert!((efficiency(%UB, %NM) * 100.0 - %EU).abs() < 0.01);
                    }

                    #[test]
                    fn block_never_exceeds_limit() {
                        let mut b = BlockBuilder::default();
                        assert!(b.push(&[0u8; 59]).is_ok());
                        assert_eq!(b.push(&[0u8; 1]), Err(BatchError::TooLarge(1)));
                        assert_eq!(b.block_len(), 64);
                    }
                }
                """.replace("%BY", BY).replace("%NB", NB).replace("%EF", EF).replace("%UB", UB).replace("%NM", NM).replace("%EU", EU),
                "The builder's buffer is private and only push() can grow it, so the 64-byte limit is enforced in one place; the rejected message stays owned by the caller for the next block.");
        b.safety("Batching here reaches " + EF + " % efficiency against " + EU + " % for single-message blocks. It is safe because each block is still an independent unit with its own sequence number and CRC: a corrupted block is retransmitted whole, and with at most 64 bytes per block a retransmission costs little link time.");
        b.edgeCases("- A block whose next message does not fit is closed and sent; the message opens the next block, never straddles two.\n"
                + "- During idle periods (heating, waiting) there is often one message per block; efficiency then drops toward the one-message figure, which is fine because the link is nearly empty.\n"
                + "- Retransmitted blocks repeat their framing and payload; on a lossy link the effective efficiency is lower than computed here.\n"
                + "- A block with an empty payload (5 bytes) is an acknowledgement, not data, and is excluded from these counts.");
        b.alternatives("Larger blocks would amortise framing further but raise the cost of each retransmission and the receive-buffer size the MCU needs. "
                + "Compressing the messages themselves (variable-length integers, step runs as interval/count/add) shrinks the payload, which matters more than framing once blocks are full. "
                + "Dropping per-block acknowledgements in favour of cumulative ones would cut return traffic but slow error recovery.");
        switch (ask) {
            case "efficiency" -> b.answer("%", 0.01, "eff_pct");
            case "savings" -> b.answer("bytes", 0.5, "saved");
            default -> b.answer("", 0.01, "per_block", "eff_unbatched_pct");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        int nBlocks = 0, nMsgs = 0;
        long total = 0, framing = 0;
        double first = Double.NaN, last = Double.NaN;
        for (TraceView.At<TraceRecord.WireMessage> at : trace.within(ref.records(), TraceRecord.WireMessage.class)) {
            TraceRecord.WireMessage m = at.record();
            if (!m.direction().equals("host_to_mcu") || !m.kind().equals("data") || m.messages() == null || m.messages().isEmpty()) continue;
            if (Double.isNaN(first)) first = m.hostTimeS();
            last = m.hostTimeS();
            nBlocks++;
            nMsgs += m.messages().size();
            total += m.lengthBytes();
            framing += 2 + 3; // header: length + sequence; trailer: CRC high, CRC low, sync
        }
        long payload = total - framing;
        long alone = payload + 5L * nMsgs;
        r.put("blocks", (double) nBlocks);
        r.put("msgs", (double) nMsgs);
        r.put("bytes", (double) total);
        r.put("t_first", first);
        r.put("t_last", last);
        r.put("payload", (double) payload);
        r.put("overhead", (double) framing);
        r.put("per_block", (double) nMsgs / nBlocks);
        r.put("eff_pct", 100.0 * payload / total);
        r.put("unbatched", (double) alone);
        r.put("eff_unbatched_pct", 100.0 * payload / alone);
        r.put("saved", (double) (5L * nMsgs - framing));
        r.put("avg_len", (double) total / nBlocks);
        r.put("payload_per_msg", (double) payload / nMsgs);
        return r;
    }
}
