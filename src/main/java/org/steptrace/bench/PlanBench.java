package org.steptrace.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.EmulatedBoard;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.toolhead.FileHost;
import org.steptrace.protocol.DataDictionary;

/**
 * plan on the benchmark print (60 layers, about 90 k moves) for the built-in AVR board: moves and
 * steps per second in process after a warm-up, wire bytes per step, and peak heap.
 */
public final class PlanBench {
    private final int layers;

    public PlanBench(int layers) {
        this.layers = layers;
    }

    public List<BenchFigure> run() {
        List<String> gcode = VaseInfillPrint.gcode(layers);
        PrinterConfig cfg = PrinterConfig.parse(readConfig(), "avr-cartesian.cfg");
        DataDictionary dict = new EmulatedBoard(BoardLoader.builtIn("avr-cartesian"), 1, McuTap.NONE, b -> {}, (f, t) -> {}).mcu().dictionary();
        FileHost.plan(cfg, dict, gcode, "bench"); // warm-up
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        long t0 = System.nanoTime();
        FileHost.Result r = FileHost.plan(cfg, dict, gcode, "bench");
        double seconds = (System.nanoTime() - t0) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        List<BenchFigure> f = new ArrayList<>();
        f.add(new BenchFigure("plan.moves", r.moves(), "moves"));
        f.add(new BenchFigure("plan.steps", r.totalSteps(), "steps"));
        f.add(new BenchFigure("plan.wall", seconds, "s"));
        f.add(new BenchFigure("plan.moves_per_second", r.moves() / seconds, "moves/s"));
        f.add(new BenchFigure("plan.steps_per_second", r.totalSteps() / seconds, "steps/s"));
        f.add(new BenchFigure("plan.wire_bytes_per_step", (double) r.stream().length / r.totalSteps(), "bytes"));
        f.add(new BenchFigure("plan.peak_heap", peak / 1e6, "MB"));
        return f;
    }

    private static String readConfig() {
        try (var in = PlanBench.class.getResourceAsStream("/boards/avr-cartesian.cfg")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("built-in board config avr-cartesian.cfg missing from the jar", e);
        }
    }
}
