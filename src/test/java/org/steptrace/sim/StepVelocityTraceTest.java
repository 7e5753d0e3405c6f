package org.steptrace.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.trace.StepClocks;
import org.steptrace.trace.TraceReader;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceWriter;

/**
 * Speeds rebuilt from a trace's step clocks (central differences over two steps) agree with the
 * planned trapezoids: within 1 % where steps are at least 50 compression bounds (1.25 ms) apart,
 * and elsewhere within what a 25 µs timing error allows.
 */
class StepVelocityTraceTest {
    private static final double MAX_ERROR_S = 0.000025;

    /** Speed along the move at time t (mm/s): accelerate, cruise, decelerate. */
    private static double speedAt(TraceRecord.Move m, double t) {
        double a = m.accelMmPerS2();
        double accelT = (m.cruiseVMmPerS() - m.startVMmPerS()) / a;
        double decelT = (m.cruiseVMmPerS() - m.endVMmPerS()) / a;
        double u = t - m.printTimeS();
        if (u < accelT) return m.startVMmPerS() + a * u;
        double fromEnd = m.durationS() - u;
        if (fromEnd < decelT) return m.endVMmPerS() + a * fromEnd;
        return m.cruiseVMmPerS();
    }

    /** 0 accelerating, 1 cruising, 2 decelerating: within one phase the speed is linear in time. */
    private static int phaseAt(TraceRecord.Move m, double t) {
        double a = m.accelMmPerS2();
        double u = t - m.printTimeS();
        if (u < (m.cruiseVMmPerS() - m.startVMmPerS()) / a) return 0;
        return m.durationS() - u < (m.cruiseVMmPerS() - m.endVMmPerS()) / a ? 2 : 1;
    }

    @Test
    void rebuiltSpeedsFollowThePlan(@TempDir Path dir) throws Exception {
        String board = "avr-cartesian";
        BoardDefinition def = BoardLoader.builtIn(board);
        PrinterConfig cfg = PrinterConfig.load(Path.of("boards", board + ".cfg"));
        Path file = dir.resolve("v.jsonl");
        List<String> moves = List.of("G1 X20 Y20 F300", "G1 X60 Y30 F1200", "G1 X10 Y35 F6000", "G1 X15 Y80 F600", "M400");
        try (TraceWriter w = TraceWriter.create(file, new TraceRecord.Header("steptrace", "test", 1, board, cfg.sha256(), 1L,
                def.mcu().clockFrequencyHz(), true, "virtual", null, "v.gcode"))) {
            VirtualBench bench = new VirtualBench(def, 1, McuTap.NONE, (f, t) -> {});
            LiveHost host = LiveHost.start(bench.connection(), cfg, w);
            List<String> all = new ArrayList<>(List.of("G28"));
            all.addAll(moves);
            host.run(all, "v.gcode");
            host.finish();
        }
        double hz = def.mcu().clockFrequencyHz();
        double stepMm = cfg.steppers().get(0).stepDistanceMm();
        List<TraceRecord.Move> planned = new ArrayList<>();
        List<Long> xClocks = new ArrayList<>();
        try (TraceReader in = TraceReader.open(file)) {
            in.forEach(r -> {
                if (r instanceof TraceRecord.Move m) planned.add(m);
                if (r instanceof TraceRecord.StepBatch b && b.stepper().equals("stepper_x")) StepClocks.forEach(b, xClocks::add);
            });
        }
        List<TraceRecord.Move> print = planned.subList(planned.size() - (moves.size() - 1), planned.size());
        int slow = 0;
        int fast = 0;
        // Central differences: the speed over two step intervals, so that a 25 µs error in one step
        // time moves it by at most 25 µs / (2 intervals).
        for (int k = 1; k + 1 < xClocks.size(); k++) {
            double t0 = xClocks.get(k - 1) / hz;
            double t1 = xClocks.get(k + 1) / hz;
            double mid = (t0 + t1) / 2;
            TraceRecord.Move m = print.stream().filter(x -> x.printTimeS() <= t0 && t1 <= x.printTimeS() + x.durationS()).findFirst().orElse(null);
            if (m == null || phaseAt(m, t0) != phaseAt(m, t1)) continue; // across a move or phase boundary, or homing
            double len = Math.hypot(Math.hypot(m.endMm()[0] - m.startMm()[0], m.endMm()[1] - m.startMm()[1]), m.endMm()[2] - m.startMm()[2]);
            double vx = speedAt(m, mid) * Math.abs(m.endMm()[0] - m.startMm()[0]) / len;
            double rebuilt = 2 * stepMm / (t1 - t0);
            double interval = (t1 - t0) / 2;
            if (interval >= 50 * MAX_ERROR_S) {
                slow++;
                assertTrue(Math.abs(rebuilt - vx) <= 0.01 * vx, "at " + mid + " s: rebuilt " + rebuilt + " mm/s, planned " + vx);
            } else {
                fast++;
                // Each step may be up to 25 µs early: over the window the plan moves two steps, give
                // or take 25 µs of travel at the faster end.
                double ratio = Math.abs(m.endMm()[0] - m.startMm()[0]) / len;
                double vFast = Math.max(speedAt(m, t0), speedAt(m, t1)) * ratio;
                double plannedMm = vx * (t1 - t0);
                assertTrue(Math.abs(plannedMm - 2 * stepMm) <= vFast * (MAX_ERROR_S + 1e-7),
                        "at " + mid + " s: the plan moved " + plannedMm + " mm between steps two apart");
            }
        }
        assertTrue(slow > 1000 && fast > 1000, slow + " slow and " + fast + " fast intervals checked");
    }
}
