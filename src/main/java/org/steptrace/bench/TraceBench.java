package org.steptrace.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.McuTraceTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.EmulatedBoard;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.sim.VirtualBench;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSink;
import org.steptrace.trace.TraceWriter;

/**
 * What recording costs: the same virtual-time run of a small print with heating (the built-in
 * sample) without a trace, with a plain trace and with a gzip trace; the overhead is the extra
 * wall time in percent (goal ≤ 10 %).
 */
public final class TraceBench {
    private static final String BOARD = "avr-cartesian";
    private final double seconds;

    public TraceBench(double seconds) {
        this.seconds = seconds;
    }

    private static final List<String> PRINT = List.of("M104 S200", "G28", "M109 S200", "M83", "G1 Z0.3 F600", "G1 X40 Y40 F6000",
            "G1 X80 Y40 E1.6 F1800", "G1 X80 Y80 E1.6", "G1 X40 Y80 E1.6", "G1 X40 Y40 E1.6", "G1 X120 Y120 F6000", "G1 X20 Y150 F3000",
            "M104 S0");

    private static void once(PrinterConfig cfg, BoardDefinition def, TraceSink sink) {
        McuTraceTap tap = sink.enabled() ? new McuTraceTap(sink, def.mcu().clockFrequencyHz()) : null;
        VirtualBench bench = new VirtualBench(def, 1, tap == null ? McuTap.NONE : tap, (f, t) -> {});
        if (tap != null) tap.watchPlant(((EmulatedBoard) bench.target()).plant());
        LiveHost host = LiveHost.start(bench.connection(), cfg, sink);
        host.run(PRINT, "bench.gcode");
        host.finish();
    }

    /** Best wall time of runs over the measuring time, in seconds. */
    private double best(PrinterConfig cfg, BoardDefinition def, Path file) throws IOException {
        double best = Double.MAX_VALUE;
        long until = System.nanoTime() + (long) (seconds * 1e9);
        int n = 0;
        while (n < 3 || System.nanoTime() < until) {
            long t0 = System.nanoTime();
            if (file == null) {
                once(cfg, def, TraceSink.NONE);
            } else {
                try (TraceWriter w = TraceWriter.create(file, new TraceRecord.Header("steptrace", "bench", TraceRecord.SCHEMA_VERSION, BOARD,
                        cfg.sha256(), 1L, def.mcu().clockFrequencyHz(), true, "virtual", null, "bench.gcode"))) {
                    once(cfg, def, w);
                }
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            n++;
        }
        return best;
    }

    public List<BenchFigure> run() {
        PrinterConfig cfg = PrinterConfig.builtIn(BOARD);
        BoardDefinition def = BoardLoader.builtIn(BOARD);
        try {
            Path dir = Files.createTempDirectory("steptrace-trace-bench");
            try {
                Path plain = dir.resolve("t.jsonl");
                Path gz = dir.resolve("t.jsonl.gz");
                best(cfg, def, null); // warm-up
                best(cfg, def, plain);
                double none = best(cfg, def, null);
                double withPlain = best(cfg, def, plain);
                double withGz = best(cfg, def, gz);
                List<BenchFigure> f = new ArrayList<>();
                f.add(new BenchFigure("trace.run_without_trace", none * 1e3, "ms"));
                f.add(new BenchFigure("trace.overhead_plain", (withPlain / none - 1) * 100, "%"));
                f.add(new BenchFigure("trace.overhead_gzip", (withGz / none - 1) * 100, "%"));
                f.add(new BenchFigure("trace.size_plain", Files.size(plain) / 1e3, "kB"));
                f.add(new BenchFigure("trace.size_gzip", Files.size(gz) / 1e3, "kB"));
                return f;
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
