package org.steptrace.sim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.EmulatedBoard;
import org.steptrace.firmware.board.McuTraceTap;
import org.steptrace.firmware.faults.Fault;
import org.steptrace.firmware.plant.Mechanism;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.gcode.GcodeException;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.link.VirtualWire;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSink;

/**
 * One G-code program run by the host against an emulated board on virtual time, both sides
 * recording into one trace: faults as they take effect, a host-side shutdown when the session
 * fails, and the run's totals at the end. What {@code run} and the scenario library share.
 */
public final class VirtualRun {
    /** What happened: the host's result (null when the session failed) and why it failed. */
    public record Outcome(LiveHost.Result result, String failure, double endS, Mechanism mechanism) {
        public boolean ok() {
            return failure == null;
        }
    }

    /** Called as an injected fault takes effect. */
    public interface FaultNotes {
        void faultApplied(Fault fault, double atS);
    }

    /** Far above what any bounded scenario needs (a long print uses a few million). */
    static final long EVENTS_PER_LIMITED_RUN = 40_000_000;

    private VirtualRun() {}

    /**
     * Runs {@code lines} (named {@code source} in errors). G-code and config errors propagate as
     * their own exceptions; a failed MCU session (shutdown, lost communication) is an outcome.
     */
    public static Outcome run(BoardDefinition def, PrinterConfig cfg, long seed, VirtualWire.Impairment impairment,
                              List<String> lines, String source, TraceSink sink, FaultNotes notes) {
        return run(def, cfg, seed, impairment, lines, source, sink, notes, Double.POSITIVE_INFINITY);
    }

    /** As above, failing the session if emulated time passes {@code limitS}. */
    public static Outcome run(BoardDefinition def, PrinterConfig cfg, long seed, VirtualWire.Impairment impairment,
                              List<String> lines, String source, TraceSink sink, FaultNotes notes, double limitS) {
        McuTraceTap traceTap = sink.enabled() ? new McuTraceTap(sink, def.mcu().clockFrequencyHz()) : null;
        McuTap tap = traceTap != null ? traceTap : McuTap.NONE;
        VirtualBench bench = new VirtualBench(def, seed, tap, (fault, atS) -> {
            sink.record(new TraceRecord.Fault(fault.kind().cliName(), fault.heater(), atS));
            notes.faultApplied(fault, atS);
        }, impairment);
        bench.limitEmulatedTime(limitS);
        if (Double.isFinite(limitS)) bench.limitEvents(EVENTS_PER_LIMITED_RUN);
        Mechanism mechanism = ((EmulatedBoard) bench.target()).plant().mechanism();
        if (traceTap != null) traceTap.watchPlant(((EmulatedBoard) bench.target()).plant());
        LiveHost.Result r;
        try {
            LiveHost host = LiveHost.start(bench.connection(), cfg, sink);
            host.run(lines, source);
            r = host.finish();
        } catch (McuConnection.McuSessionException e) {
            sink.record(new TraceRecord.Shutdown("host", e.getMessage(), null, bench.nowS()));
            return new Outcome(null, e.getMessage(), bench.nowS(), mechanism);
        } catch (GcodeException e) {
            // A bounded (scenario) run records a command the machine could not carry out as its ending;
            // an unbounded one (the run command) reports it to the user.
            if (!Double.isFinite(limitS)) throw e;
            sink.record(new TraceRecord.Shutdown("host", e.getMessage(), null, bench.nowS()));
            return new Outcome(null, e.getMessage(), bench.nowS(), mechanism);
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("print_time_s", r.printTimeS());
        stats.put("moves", r.moves());
        stats.put("steps_sent", r.stepsSent());
        stats.put("mcu_step_positions", r.mcuStepPositions());
        stats.put("position_mm", r.positionMm());
        stats.put("emulated_s", bench.nowS());
        sink.record(new TraceRecord.Stats(stats));
        return new Outcome(r, null, bench.nowS(), mechanism);
    }
}
