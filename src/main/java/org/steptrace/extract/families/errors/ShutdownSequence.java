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
 * The order of events from an injected fault to a shutdown on both sides: which side detected it,
 * how long detection took, how long the other side took to follow, and what the MCU did to its
 * outputs (every stepper stopped at the shutdown clock).
 */
public final class ShutdownSequence implements Family {
    private static final String[] ASKS = {"detect-latency", "propagation", "mcu-time"};

    private static String an(String w) {
        return w.matches("(?i)^[aeiou].*") ? "an" : "a";
    }

    @Override
    public String id() {
        return "shutdown-sequence";
    }

    @Override
    public Category category() {
        return Category.ERROR_HANDLING;
    }

    @Override
    public List<Finding> find(TraceView trace) {
        List<Finding> out = new ArrayList<>();
        try {
            List<TraceView.At<TraceRecord.Fault>> faults = trace.all(TraceRecord.Fault.class);
            if (faults.isEmpty()) return out;
            TraceView.At<TraceRecord.Fault> fault = faults.get(0);
            TraceView.At<TraceRecord.Shutdown> first = null, mcu = null, host = null;
            for (TraceView.At<TraceRecord.Shutdown> s : trace.all(TraceRecord.Shutdown.class)) {
                if (s.line() < fault.line()) continue;
                if (first == null) first = s;
                if ("mcu".equals(s.record().side()) && mcu == null) mcu = s;
                if ("host".equals(s.record().side()) && host == null) host = s;
            }
            if (first == null || host == null) return out;
            int stops = 0;
            int last = Math.max(host.line(), mcu == null ? 0 : mcu.line());
            if (mcu != null && mcu.record().clock() != null) {
                for (TraceView.At<TraceRecord.StepperStop> st : trace.all(TraceRecord.StepperStop.class)) {
                    if (st.line() > mcu.line() && st.record().clock() == mcu.record().clock().longValue()) {
                        stops++;
                        last = Math.max(last, st.line());
                    }
                }
            }
            String order = mcu == null ? "host-only" : (mcu.line() < host.line() ? "mcu-first" : "host-first");
            int seedIdx = (int) Math.floorMod(trace.seed(), 3L);
            for (int i = 0; i < 2; i++) {
                String ask = ASKS[(seedIdx + i) % ASKS.length];
                if (ask.equals("mcu-time") && (mcu == null || mcu.record().clock() == null)) ask = "detect-latency";
                if (ask.equals("propagation") && mcu == null) ask = "detect-latency";
                if (i == 1 && ask.equals(out.get(0).labels().get("ask"))) continue;
                Map<String, String> labels = new HashMap<>();
                labels.put("ask", ask);
                labels.put("order", order);
                labels.put("fault", fault.record().kind());
                labels.put("heater", fault.record().heater() == null ? "none" : fault.record().heater());
                labels.put("first_reason", clean(first.record().reason()));
                labels.put("host_reason", clean(host.record().reason()));
                labels.put("mcu_reason", mcu == null ? "none" : clean(mcu.record().reason()));
                labels.put("board", String.valueOf(trace.header().board()));
                Map<String, Double> obs = new HashMap<>();
                obs.put("t_fault", fault.record().timeS());
                obs.put("t_host", host.record().timeS());
                if (mcu != null) {
                    obs.put("t_mcu", mcu.record().timeS());
                    if (mcu.record().clock() != null) obs.put("clock", (double) mcu.record().clock());
                }
                obs.put("stops", (double) stops);
                obs.put("freq", trace.clockHz());
                out.add(new Finding(new RecordRange(fault.line(), last), labels, Map.of(), obs));
            }
        } catch (RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }

    /**
     * A reason without parenthesised details (they carry numbers the entry does not restate), without
     * a quoted wire command (its name is the protocol's, which entries do not use) and without digits.
     */
    private static String clean(String reason) {
        if (reason == null) return "unknown";
        return reason.replaceAll("\\s*\\(.*\\)", "").replaceAll("'[^']*'", "a query").replaceAll("[0-9]", "").strip();
    }

    private static String faultText(String kind, String heater) {
        String h = heater.equals("none") ? "" : " on the " + heater.replace('_', ' ');
        return switch (kind) {
            case "thermistor-open" -> "the thermistor" + h + " went open-circuit";
            case "thermistor-short" -> "the thermistor" + h + " was shorted";
            case "thermistor-detached" -> "the thermistor" + h + " came loose from its block";
            case "heater-dead" -> "the heater" + h + " stopped producing heat";
            case "heater-stuck-on" -> "the heater" + h + " stuck fully on";
            case "link-drop" -> "the serial link went dead";
            case "host-stall" -> "the host stopped sending commands";
            default -> "a fault (" + kind + ") was injected";
        };
    }

    @Override
    public Draft write(TraceView trace, Finding f, SplittableRandom rng) {
        EntryBuilder b = new EntryBuilder(this, f, rng);
        String ask = f.label("ask"), order = f.label("order"), board = f.label("board");
        String what = faultText(f.label("fault"), f.label("heater"));
        String firstReason = f.label("first_reason"), mcuReason = f.label("mcu_reason");
        boolean hasMcu = !order.equals("host-only");
        boolean mcuFirst = order.equals("mcu-first");
        double tF = f.observed("t_fault"), tH = f.observed("t_host");
        int stops = (int) Math.round(f.observed("stops"));
        String TF = b.q("t_fault", tF, 4, "s"), TH = b.q("t_host", tH, 4, "s");
        String TM = "", CLK = "", CS = "", PROP = "", FREQ = "";
        double tFirst = tH;
        boolean hasClock = false;
        if (hasMcu) {
            double tM = f.observed("t_mcu");
            TM = b.q("t_mcu", tM, 4, "s");
            tFirst = Math.min(tM, tH);
            PROP = b.q("propagation", Math.abs(tH - tM), 4, "s");
            if (f.observed().containsKey("clock")) {
                hasClock = true;
                long c = Math.round(f.observed("clock"));
                CLK = b.count("clock", c, "ticks");
                FREQ = b.sig("freq", f.observed("freq"), 4, "Hz");
                CS = b.q("clock_s", c / f.observed("freq"), 4, "s");
            }
        }
        String DET = b.q("detect", tFirst - tF, 4, "s");
        String firstSide = mcuFirst ? "MCU" : "host";

        String intro = b.pick(
                "On " + an(board) + " " + board + " printer, " + what + " at " + TF + " s (host clock).",
                "A fault-injection run on " + an(board) + " " + board + " controller: at t = " + TF + " s, " + what + ".",
                "During a run of " + an(board) + " " + board + " machine, " + what + "; the emulator logged the fault at " + TF + " s.");
        StringBuilder ev = new StringBuilder();
        if (mcuFirst) {
            ev.append(" The MCU shut down at ").append(TM).append(" s with reason \"").append(mcuReason).append("\"")
                    .append(hasClock ? " at its clock " + CLK + " (clock rate " + FREQ + " Hz)" : "").append(", and the host recorded its own shutdown (\"").append(firstReasonOfHost(f)).append("\") at ").append(TH).append(" s.");
        } else {
            ev.append(" The host shut down at ").append(TH).append(" s with \"").append(firstReason).append("\"");
            if (hasMcu) ev.append(" and the MCU followed at ").append(TM).append(" s (reason \"").append(mcuReason).append("\"").append(hasClock ? ", MCU clock " + CLK + " at " + FREQ + " Hz" : "").append(").");
            else ev.append("; it sent the MCU a stop command, and the trace ends there.");
        }
        if (stops > 0) ev.append(" ").append(stops).append(" steppers were stopped at the shutdown clock.");
        String question = switch (ask) {
            case "detect-latency" -> b.pick(" Put the events in order and give the detection latency from fault to the first shutdown (s).",
                    " Which side detected the fault, and how long after the fault (s)?",
                    " How long did the fault go undetected, and which mechanism caught it?");
            case "propagation" -> b.pick(" How long did the second side take to follow the first (s), and what does the MCU do to its outputs on shutdown?",
                    " What was the delay between the two sides' shutdowns, and why must the MCU's outputs not wait for the host?",
                    " Give the lag between the first and second shutdown records and describe the MCU's safe state.");
            default -> b.pick(" Convert the MCU's shutdown clock to seconds and check it against the logged time.",
                    " At what time in seconds did the MCU shut down according to its own clock?",
                    " From the shutdown clock and the clock rate, when (s since MCU start) did the MCU stop everything?");
        };
        b.problem(intro + ev + question);

        b.think("First, let me understand what's happening physically. A fault starts a race: something has to notice the plant is no longer under control, and then every output that could do harm (heaters, steppers) must go to a safe state. The side that notices first depends on the fault: the MCU checks things it can see locally (ADC range, timer deadlines), the host checks things that need a model (heating rate, communication).");
        b.think("Here the fault is at " + TF + " s and the first shutdown is the " + firstSide + "'s at " + (mcuFirst ? TM : TH) + " s, so detection took " + DET + " s. "
                + (mcuFirst ? "The MCU's reason \"" + mcuReason + "\" is a local check, so it needed no round trip to the host."
                        : "The host's reason \"" + firstReason + "\" comes from its own checks of the readings it receives."));
        if (hasMcu) {
            b.think("The other side followed " + PROP + " s later. " + (mcuFirst
                    ? "The MCU reports its shutdown to the host in a response, so the host learns of it one wire trip later."
                    : "The host sends the MCU a stop command, so the MCU follows after one wire trip.")
                    + (mcuFirst && !f.label("host_reason").startsWith("MCU shutdown") ? " Hmm, but the host's reason is not the MCU's report: with the link in this state the report never arrived, and the host reached its own conclusion independently." : "")
                    + (hasClock ? " Checking the MCU's clock: " + CLK + " / " + FREQ + " Hz = " + CS + " s, the same instant as the logged " + TM + " s, good." : ""));
        } else {
            b.think("Wait, there is no MCU shutdown record. The host sent its stop command and the trace ends before the MCU's answer was logged, so I can only bound the MCU's side by the host's time " + TH + " s plus one wire trip.");
        }

        b.controlProblem("Order the events from the fault (" + TF + " s) to the shutdowns, find the detection latency (" + firstSide + " side first) and the lag to the other side, and state the MCU's safe state.");
        b.context("- Hardware limitations: the MCU sees only raw ADC values, timer deadlines and its command stream; the host sees temperatures and timing but acts on the hardware only through the link.\n"
                + "- Real-time requirements: the MCU must stop outputs within its own timer tick of deciding to shut down, independent of the host; the host's checks run about once per second.\n"
                + "- Safety requirements: on shutdown every heater goes to 0 duty, every stepper stops and its queue is dropped, and the MCU refuses further motion until reset; a second fault during shutdown must not undo that.");
        StringBuilder an = new StringBuilder();
        an.append("Step 1: Fault at ").append(TF).append(" s: ").append(what).append(".\n\n");
        an.append("Step 2: Detection by the ").append(firstSide).append(" at ").append(mcuFirst ? TM : TH).append(" s; latency ").append(DET).append(" s.\n\n");
        if (hasMcu) an.append("Step 3: The ").append(mcuFirst ? "host" : "MCU").append(" follows at ").append(mcuFirst ? TH : TM).append(" s, ").append(PROP).append(" s later.\n\n");
        else an.append("Step 3: The host sends the stop command at ").append(TH).append(" s; no MCU record follows in the trace.\n\n");
        an.append("Step 4: Safe state. ").append(stops > 0 ? stops + " steppers stopped at the shutdown clock" : "Steppers stop and heaters go to 0 duty").append(hasClock ? "; the MCU clock " + CLK + " / " + FREQ + " Hz = " + CS + " s." : ".");
        b.analysis(an.toString());
        String code = """
                /// Where a shutdown was decided.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub enum Side {
                    Host,
                    Mcu,
                }

                /// An output the MCU owns; shutdown drives it to its safe default.
                #[derive(Debug, Clone, Copy, PartialEq)]
                pub enum Output {
                    Heater { duty: f64 },
                    Stepper { queued_moves: u32 },
                }

                #[derive(Debug, PartialEq)]
                pub enum McuState {
                    Running,
                    Shutdown { reason: &'static str, clock: u64 },
                }

                pub struct Mcu {
                    pub state: McuState,
                    pub outputs: Vec<Output>,
                }

                impl Mcu {
                    /// Idempotent: the first reason is kept, outputs are forced safe every time.
                    pub fn shutdown(&mut self, reason: &'static str, clock: u64) {
                        for o in self.outputs.iter_mut() {
                            *o = match *o {
                                Output::Heater { .. } => Output::Heater { duty: 0.0 },
                                Output::Stepper { .. } => Output::Stepper { queued_moves: 0 },
                            };
                        }
                        if self.state == McuState::Running {
                            self.state = McuState::Shutdown { reason, clock };
                        }
                    }
                }

                /// The first shutdown after a fault and its latency; `events` are in log order, ties keep that order.
                pub fn detection_latency(fault_s: f64, events: &[(Side, f64)]) -> Option<(Side, f64)> {
                    let mut best: Option<(Side, f64)> = None;
                    for &(side, t) in events {
                        if t < fault_s {
                            continue;
                        }
                        match best {
                            Some((_, b)) if b <= t => {}
                            _ => best = Some((side, t)),
                        }
                    }
                    best.map(|(side, t)| (side, t - fault_s))
                }

                #[cfg(test)]
                mod tests {
                    use super::*;

                    #[test]
                    fn observed_sequence() {
                        let (side, lat) = detection_latency(%TF, &[%EVENTS]).unwrap();
                        assert!((lat - %DET).abs() < 1e-3);
                        assert_eq!(side, Side::%SIDE);
                        let mut m = Mcu {
                            state: McuState::Running,
                            outputs: vec![Output::Heater { duty: 0.75 }, Output::Stepper { queued_moves: 3 }],
                        };
                        m.shutdown("first", %CLK);
                        m.shutdown("second", %CLK + 1);
                        assert_eq!(m.state, McuState::Shutdown { reason: "first", clock: %CLK });
                        assert_eq!(m.outputs[0], Output::Heater { duty: 0.0 });
                        assert_eq!(m.outputs[1], Output::Stepper { queued_moves: 0 });
                %EXTRA    }
                }
                """.replace("%TF", TF).replace("%TH", TH).replace("%EVENTS", !hasMcu ? "(Side::Host, " + TH + ")" : mcuFirst ? "(Side::Mcu, " + TM + "), (Side::Host, " + TH + ")" : "(Side::Host, " + TH + "), (Side::Mcu, " + TM + ")").replace("%DET", DET)
                .replace("%SIDE", mcuFirst ? "Mcu" : "Host").replace("%CLK", hasClock ? CLK : "0")
                .replace("%EXTRA", hasClock ? "        let freq: f64 = " + FREQ + ";\n                        let clock: u64 = " + CLK + ";\n                        assert!((clock as f64 / freq - " + CS + ").abs() < 1e-3);\n" : "");
        b.rust("The MCU's outputs are owned by one struct and shutdown is a method that rewrites all of them, so no output can be forgotten; the state records only the first reason, which is the one worth reporting.",
                code, "Detection latency is a pure function over the logged times, which keeps the test independent of any clock.");
        b.safety("The sequence is safe because the MCU's safe state does not depend on the host: " + (mcuFirst ? "the MCU decided on its own and stopped its outputs at once, " + DET + " s after the fault" : "the host decided after " + DET + " s and commanded the stop, and the MCU would also shut down on its own if the host's heater updates stopped arriving")
                + ". Shutdown is latched: further commands cannot restart motion or heating until an explicit reset, so a half-failed system cannot drift back into operation.");
        b.edgeCases("- A second shutdown reason arriving after the first (e.g. the host's stop command reaching an MCU already shut down) must not overwrite the first reason or re-enable anything.\n"
                + "- If the link is dead, the MCU never hears the host's stop; its own deadlines on heater updates are then the only protection.\n"
                + "- A fault that drives the reading in the plausible direction (a detached thermistor reading slowly falling) is caught only by the heating-rate model, which takes longer than a range check.\n"
                + "- Steppers stopped mid-move lose their queued steps; the position is known but the machine must be re-homed before trusting it.");
        b.alternatives("A hardware thermal cut-off in series with the heater catches a stuck-on heater even if both host and MCU fail, at the cost of a fixed, coarse threshold. Running the heating-rate check on the MCU would detect faster and survive a link loss, but needs the plant model on a small microcontroller. A watchdog that resets the MCU into a safe boot state is a last line of defence, not a substitute for an orderly shutdown.");
        switch (ask) {
            case "propagation" -> b.answer("s", 0.001, "propagation");
            case "mcu-time" -> b.answer("s", 0.001, "clock_s");
            default -> b.answer("s", 0.001, "detect");
        }
        return b.build();
    }

    private static String firstReasonOfHost(Finding f) {
        return f.label("host_reason");
    }

    @Override
    public Map<String, Double> recompute(TraceView trace, Finding ref) {
        Map<String, Double> r = new HashMap<>();
        double tF = Double.NaN, tH = Double.NaN, tM = Double.NaN;
        Long clock = null;
        for (int line = ref.records().fromLine(); line <= ref.records().toLine(); line++) {
            TraceRecord rec = trace.at(line);
            if (rec instanceof TraceRecord.Fault fl && Double.isNaN(tF)) tF = fl.timeS();
            if (rec instanceof TraceRecord.Shutdown s) {
                if (s.side().equals("host") && Double.isNaN(tH)) tH = s.timeS();
                if (s.side().equals("mcu") && Double.isNaN(tM)) {
                    tM = s.timeS();
                    clock = s.clock();
                }
            }
        }
        r.put("t_fault", tF);
        r.put("t_host", tH);
        double first = tH;
        if (!Double.isNaN(tM)) {
            r.put("t_mcu", tM);
            r.put("propagation", Math.max(tH, tM) - Math.min(tH, tM));
            first = Math.min(first, tM);
        }
        r.put("detect", first - tF);
        if (clock != null) {
            r.put("clock", (double) clock);
            r.put("freq", trace.header().clockFreqHz());
            r.put("clock_s", clock / trace.header().clockFreqHz());
        }
        return r;
    }
}
