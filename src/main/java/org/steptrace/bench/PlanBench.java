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
        PrinterConfig cfg = PrinterConfig.builtIn("avr-cartesian");
        DataDictionary dict = new EmulatedBoard(BoardLoader.builtIn("avr-cartesian"), 1, McuTap.NONE, b -> {}, (f, t) -> {}).mcu().dictionary();
        // The JIT needs several whole runs before the big methods settle; then the median of five
        // (runs still vary by 2x here as the JIT recompiles), and the best.
        for (int i = 0; i < 5; i++) FileHost.plan(cfg, dict, gcode, "bench");
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        double[] runs = new double[5];
        FileHost.Result r = null;
        for (int i = 0; i < runs.length; i++) {
            long t0 = System.nanoTime();
            r = FileHost.plan(cfg, dict, gcode, "bench");
            runs[i] = (System.nanoTime() - t0) / 1e9;
        }
        java.util.Arrays.sort(runs);
        double seconds = runs[runs.length / 2];
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        List<BenchFigure> f = new ArrayList<>();
        f.add(new BenchFigure("plan.moves", r.moves(), "moves"));
        f.add(new BenchFigure("plan.steps", r.totalSteps(), "steps"));
        f.add(new BenchFigure("plan.wall", seconds, "s"));
        f.add(new BenchFigure("plan.wall_best", runs[0], "s"));
        f.add(new BenchFigure("plan.moves_per_second", r.moves() / seconds, "moves/s"));
        f.add(new BenchFigure("plan.steps_per_second", r.totalSteps() / seconds, "steps/s"));
        f.add(new BenchFigure("plan.wire_bytes_per_step", (double) r.stream().length / r.totalSteps(), "bytes"));
        f.add(new BenchFigure("plan.peak_heap", peak / 1e6, "MB"));
        double process = processWallSeconds(gcode);
        if (process > 0) f.add(new BenchFigure("plan.process_wall", process, "s"));
        return f;
    }

    /**
     * The whole 'plan' command in a fresh JVM (start-up, reading, planning, writing), as a user
     * runs it; 0 when no java launcher can be found.
     */
    private static double processWallSeconds(List<String> gcode) {
        String launcher = ProcessHandle.current().info().command().orElse(null);
        if (launcher == null) return 0;
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("steptrace-bench");
            try {
                java.nio.file.Path g = dir.resolve("print.gcode");
                java.nio.file.Path cfg = dir.resolve("printer.cfg");
                java.nio.file.Path dict = dir.resolve("board.dict");
                java.nio.file.Files.write(g, gcode);
                java.nio.file.Files.writeString(cfg, PrinterConfig.builtInText("avr-cartesian"));
                java.nio.file.Files.write(dict, new EmulatedBoard(BoardLoader.builtIn("avr-cartesian"), 1, McuTap.NONE, b -> {}, (x, t) -> {})
                        .mcu().dictionary().json().toByteArray());
                List<String> cmd = List.of(launcher, "-cp", System.getProperty("java.class.path"), "org.steptrace.cli.Main", "plan",
                        "--printer", cfg.toString(), "--dictionary", dict.toString(), g.toString(), "-o", dir.resolve("out.bin").toString());
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                int code = p.waitFor();
                double s = (System.nanoTime() - t0) / 1e9;
                return code == 0 ? s : 0;
            } finally {
                try (var files = java.nio.file.Files.list(dir)) {
                    for (java.nio.file.Path f : files.toList()) java.nio.file.Files.deleteIfExists(f);
                }
                java.nio.file.Files.deleteIfExists(dir);
            }
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

}
