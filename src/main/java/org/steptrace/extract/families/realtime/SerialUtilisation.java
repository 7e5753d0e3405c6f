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
 * Bytes on the serial wire each way over a window of host time (every block: data, acks, naks,
 * retransmissions) against the link's byte capacity (baud / 10 for 8N1): utilisation and headroom.
 */
public final class SerialUtilisation implements Family {
    private static final String[] ASKS = {"utilisation", "headroom", "return"};
    private static final double[] WINDOWS = {1, 2, 5};

    @Override
    public String id() {
        return "serial-utilisation";
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
        if (msgs.size() < 20) return out;
        for (int k = 0; k < 6; k++) {
            double w = WINDOWS[k % WINDOWS.length];
            double end = msgs.get(msgs.size() - 1).record().hostTimeS();
            int bins = (int) Math.floor(end / w);
            if (bins < 1) continue;
            long[] down = new long[bins], up = new long[bins];
            int[] first = new int[bins], last = new int[bins];
            int[] blocks = new int[bins];
            for (TraceView.At<TraceRecord.WireMessage> at : msgs) {
                int i = (int) Math.floor(at.record().hostTimeS() / w);
                if (i < 0 || i >= bins) continue;
                if (blocks[i] == 0) first[i] = at.line();
                last[i] = at.line();
                blocks[i]++;
                if ("host_to_mcu".equals(at.record().direction())) down[i] += at.record().lengthBytes();
                else up[i] += at.record().lengthBytes();
            }
            int pick;
            if (k % 2 == 0) { // the busiest window host to MCU
                pick = 0;
                for (int i = 1; i < bins; i++) if (down[i] > down[pick]) pick = i;
            } else { // a window spread through the run
                pick = (int) ((long) bins * k / 6);
            }
            if (down[pick] < 64 || up[pick] < 32 || blocks[pick] < 3) continue;
            final int p = pick;
            if (out.stream().anyMatch(fd -> fd.params().get("w") == w && fd.params().get("t0") == p * w)) continue;
            Map<String, Double> obs = new HashMap<>();
            obs.put("down", (double) down[pick]);
            obs.put("up", (double) up[pick]);
            obs.put("baud", baud);
            Map<String, String> labels = new HashMap<>();
            labels.put("ask", ASKS[out.size() % ASKS.length]);
            labels.put("scenario", H5Scenario.kind(trace));
            labels.put("which", k % 2 == 0 ? "busiest" : "sample");
            out.add(new Finding(new RecordRange(first[pick], last[pick]), labels, Map.of("w", w, "t0", pick * w), obs));
        }
        return out;
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        double down = f.observed("down"), up = f.observed("up"), baud = f.observed("baud"), w = f.param("w"), t0 = f.param("t0");
        double cap = baud / 10;
        double rDown = down / w, rUp = up / w;
        double uDown = rDown / cap, uUp = rUp / cap;
        double head = cap - rDown;
        String ask = f.label("ask");
        String kind = f.label("scenario");
        boolean busiest = f.label("which").equals("busiest");

        String W = b.q("w", w, 1, "s");
        String T0 = b.q("t0", t0, 1, "s");
        String T1 = b.q("t1", t0 + w, 1, "s");
        String DN = b.wholeNumber("down", (long) down, "bytes");
        String UP = b.wholeNumber("up", (long) up, "bytes");
        String BD = b.count("baud", (long) baud, "baud");
        String CAP = b.q("cap", cap, 0, "bytes/s");
        String RD = b.q("rate_down", rDown, 1, "bytes/s");
        String RU = b.q("rate_up", rUp, 1, "bytes/s");
        String UD = b.q("util_down_pct", uDown * 100, 3, "%");
        String UU = b.q("util_up_pct", uUp * 100, 3, "%");
        String HD = b.q("headroom", head, 1, "bytes/s");
        String FAC = b.q("factor", cap / rDown, 2, "");

        String intro = b.pick(
                "A host and " + H5Scenario.boardWords(trace) + " share a full-duplex serial link at " + BD + " baud, 8 data bits, no parity, one stop bit. ",
                "The serial line between a printer host and its MCU (" + H5Scenario.boardWords(trace) + ") runs at " + BD + " baud with 8N1 framing. ",
                "Consider the " + BD + " baud 8N1 serial connection of " + H5Scenario.boardWords(trace) + ". ");
        String window = b.pick(
                "In the " + W + " s window of host time from " + T0 + " s to " + T1 + " s, recorded " + H5Scenario.doing(kind) + (busiest ? " (the window with the most host-to-MCU traffic)" : "")
                        + ", the blocks written host-to-MCU add up to " + DN + " bytes and those MCU-to-host to " + UP + " bytes, counting every block: data, acknowledgements and any retransmissions.",
                "A trace taken " + H5Scenario.doing(kind) + " shows, between " + T0 + " s and " + T1 + " s, " + DN + " bytes of blocks sent to the MCU and " + UP
                        + " bytes of blocks coming back (acknowledgements and responses included)" + (busiest ? "; this is the busiest " + W + " s stretch of the run toward the MCU." : "."),
                "Counting whole blocks by the time they started, the " + W + " s from " + T0 + " s to " + T1 + " s carried " + DN + " bytes toward the MCU and " + UP + " bytes back, "
                        + H5Scenario.doing(kind) + ".");
        String question = switch (ask) {
            case "utilisation" -> b.pick(" What fraction of the link's capacity (in %) does the host-to-MCU direction use?",
                    " Compute the link utilisation toward the MCU in percent.");
            case "headroom" -> b.pick(" How many bytes per second of headroom remain toward the MCU, and by what factor could that traffic grow before saturating the link?",
                    " Find the unused capacity toward the MCU in bytes per second and the growth factor the link could absorb.");
            default -> b.pick(" Compare the utilisation of both directions (in %); which one is closer to its limit?",
                    " Give the utilisation of the MCU-to-host direction in percent and compare it with the other direction.");
        };
        b.problem(intro + window + question);

        b.think("First, let me understand what's happening physically. On an asynchronous serial line every byte costs a start bit, 8 data bits and a stop bit, so 10 bit times per byte. The link is full duplex: each direction has its own capacity.");
        b.think("Capacity per direction = " + BD + " / 10 = " + CAP + " bytes per second. Hmm, I almost divided by 8, which would overstate the capacity by a quarter; the start and stop bits are real line time.");
        b.think("Toward the MCU: " + DN + " bytes / " + W + " s = " + RD + " bytes/s, utilisation " + RD + " / " + CAP + " = " + UD + " %. "
                + "Back toward the host: " + UP + " bytes / " + W + " s = " + RU + " bytes/s, utilisation " + UU + " %.");
        b.think("Headroom toward the MCU = " + CAP + " - " + RD + " = " + HD + " bytes/s, so the traffic could grow by a factor of " + FAC + " before the line is full. "
                + "Sanity check: both utilisations are below 100 %, as they must be for traffic that was actually carried.");

        b.controlProblem("For a " + BD + " baud 8N1 link that carried " + DN + " bytes to the MCU and " + UP + " bytes back in " + W
                + " s, find the utilisation of each direction and the remaining headroom toward the MCU.");
        b.context("- Hardware limitations: " + BD + " baud with 10 bit times per byte gives " + CAP + " bytes/s per direction; MCU receive buffers are small, so bursts must be paced by acknowledgements.\n"
                + "- Real-time requirements: step commands must arrive before their execution time; when the link saturates, the queue of unsent commands grows and the scheduling lead shrinks.\n"
                + "- Safety requirements: keep sustained utilisation well below 100 % so retransmissions after line noise still fit without starving the motion queue.");
        b.analysis("Step 1: Capacity = baud / 10 = " + CAP + " bytes/s per direction.\n\n"
                + "Step 2: Host to MCU: " + RD + " bytes/s, utilisation " + UD + " %.\n\n"
                + "Step 3: MCU to host: " + RU + " bytes/s, utilisation " + UU + " %.\n\n"
                + "Step 4: Headroom toward the MCU = " + HD + " bytes/s, growth factor " + FAC + ".");
        b.rust("A typed link budget refuses impossible input (zero baud, a negative window) with a Result and keeps bits, bytes and seconds apart.",
                """
                #[derive(Debug, PartialEq)]
                pub enum LinkError {
                    ZeroBaud,
                    EmptyWindow,
                }

                pub struct Link {
                    baud: u32,
                }

                impl Link {
                    pub fn new(baud: u32) -> Result<Link, LinkError> {
                        if baud == 0 {
                            return Err(LinkError::ZeroBaud);
                        }
                        Ok(Link { baud })
                    }

                    /// 8N1: start bit + 8 data bits + stop bit.
                    pub fn bytes_per_second(&self) -> f64 {
                        self.baud as f64 / 10.0
                    }

                    /// Utilisation (0..1) of one direction that carried `bytes` in `window_s` seconds.
                    pub fn utilisation(&self, bytes: u64, window_s: f64) -> Result<f64, LinkError> {
                        if window_s <= 0.0 {
                            return Err(LinkError::EmptyWindow);
                        }
                        Ok(bytes as f64 / window_s / self.bytes_per_second())
                    }
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_window() {
                        let link = Link::new(%BD).unwrap();
                        assert!((link.bytes_per_second() - %CAP.0).abs() < 1e-9);
                        let down = link.utilisation(%DN, %W).unwrap();
                        assert!((down * 100.0 - %UD).abs() < 1e-3);
                        let up = link.utilisation(%UP, %W).unwrap();
                        assert!((up * 100.0 - %UU).abs() < 1e-3);
                    }

                    #[test]
                    fn zero_baud_is_rejected() {
                        assert!(Link::new(0).is_err());
                    }
                }
                """.replace("%BD", BD).replace("%CAP", CAP).replace("%DN", DN).replace("%W", W).replace("%UD", UD).replace("%UP", UP).replace("%UU", UU),
                "The baud rate is private and can only be set through new(), so no Link with zero capacity can exist to divide by.");
        b.safety("Toward the MCU the link is at " + UD + " %, leaving " + HD + " bytes/s. "
                + "Because block framing and acknowledgements are already inside the counted bytes, this is the real line occupancy, not a payload estimate. "
                + "A burst above capacity does not corrupt data by itself, it delays it; the danger is that delayed step commands arrive after their execution time, so the host should keep the sustained load low and its scheduling lead larger than the longest backlog it can build.");
        b.edgeCases("- A window boundary can split a block: blocks here are counted by their start time, so a long block at the edge shifts a few bytes between windows.\n"
                + "- Retransmissions after line noise add bytes without adding information; on a noisy line the same motion needs more capacity.\n"
                + "- Short windows show bursts near 100 % even when the average is low; the receive buffer, not the average, absorbs those.\n"
                + "- USB links that emulate a serial port are not limited by the nominal baud rate, so this budget is only binding on a real UART.");
        b.alternatives("A higher baud rate raises capacity linearly but needs cleaner wiring and matching clocks on both ends. "
                + "Denser command encoding (variable-length integers, step runs as interval/count/add triples) cuts the bytes per step instead. "
                + "CAN or USB transports move the limit elsewhere (frame overhead, polling intervals) rather than removing it.");
        switch (ask) {
            case "utilisation" -> b.answer("%", 1e-2, "util_down_pct");
            case "headroom" -> b.answer("bytes/s", 0.5, "headroom");
            default -> b.answer("%", 1e-2, "util_down_pct", "util_up_pct");
        }
        return b.build();
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        double w = ref.param("w"), t0 = ref.param("t0");
        double baud = trace.setting("serial_baud");
        long toMcu = 0, toHost = 0;
        for (int line = ref.records().fromLine(); line <= ref.records().toLine(); line++) {
            if (!(trace.at(line) instanceof TraceRecord.WireMessage m)) continue;
            if (m.hostTimeS() < t0 || m.hostTimeS() >= t0 + w) continue;
            if (m.direction().startsWith("host")) toMcu += m.lengthBytes();
            else toHost += m.lengthBytes();
        }
        // Bits on the line over bits available: 10 bits per byte of 8N1 framing.
        double bitsAvail = baud * w;
        r.put("w", w);
        r.put("t0", t0);
        r.put("t1", t0 + w);
        r.put("down", (double) toMcu);
        r.put("up", (double) toHost);
        r.put("baud", baud);
        r.put("cap", baud / 10);
        r.put("rate_down", toMcu / w);
        r.put("rate_up", toHost / w);
        r.put("util_down_pct", 100 * toMcu * 10 / bitsAvail);
        r.put("util_up_pct", 100 * toHost * 10 / bitsAvail);
        r.put("headroom", (bitsAvail - toMcu * 10.0) / 10 / w);
        r.put("factor", bitsAvail / (toMcu * 10.0));
        return r;
    }
}
