package org.steptrace.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.EmulatedBoard;
import org.steptrace.firmware.board.McuTraceTap;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.sim.VirtualBench;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSink;
import org.steptrace.trace.TraceWriter;

/**
 * What recording costs: a virtual-time print (heat-up, then layers of the benchmark print) run
 * without a trace, with a plain trace and with a gzip trace. Runs go in paired rounds, one of each
 * per round, so a busy spell on the machine hits all three alike; the overhead is the median over
 * rounds of the extra wall time in percent (goal ≤ 10 %).
 */
public final class TraceBench {
    private static final String BOARD = "avr-cartesian";
    private static final int LAYERS = 2;
    private static final int MIN_ROUNDS = 7;
    private final double seconds;

    public TraceBench(double seconds) {
        this.seconds = seconds;
    }

    private static List<String> print() {
        List<String> g = new ArrayList<>(List.of("M140 S60", "M104 S200", "G28", "M190 S60", "M109 S200"));
        g.addAll(VaseInfillPrint.gcode(LAYERS));
        g.addAll(List.of("M104 S0", "M140 S0"));
        return List.copyOf(g);
    }

    private static void once(PrinterConfig cfg, BoardDefinition def, List<String> gcode, TraceSink sink) {
        McuTraceTap tap = sink.enabled() ? new McuTraceTap(sink, def.mcu().clockFrequencyHz()) : null;
        VirtualBench bench = new VirtualBench(def, 1, tap == null ? McuTap.NONE : tap, (f, t) -> {});
        if (tap != null) tap.watchPlant(((EmulatedBoard) bench.target()).plant());
        LiveHost host = LiveHost.start(bench.connection(), cfg, sink);
        host.run(gcode, "bench.gcode");
        host.finish();
    }

    /**
     * Wall seconds of one run, recording to {@code file} (none when null), the trace closed within
     * the time. The previous round's file is deleted first, untimed: replacing a file costs the
     * file system, not the recording.
     */
    private static double timed(PrinterConfig cfg, BoardDefinition def, List<String> gcode, Path file) throws IOException {
        if (file != null) Files.deleteIfExists(file);
        long t0 = System.nanoTime();
        if (file == null) {
            once(cfg, def, gcode, TraceSink.NONE);
        } else {
            try (TraceWriter w = TraceWriter.create(file, new TraceRecord.Header("steptrace", "bench", TraceRecord.SCHEMA_VERSION, BOARD,
                    cfg.sha256(), 1L, def.mcu().clockFrequencyHz(), true, "virtual", null, "bench.gcode"))) {
                once(cfg, def, gcode, w);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Rounds of one run per variant ({@code null} = no trace), in turn, for the measuring time. */
    private double[][] rounds(PrinterConfig cfg, BoardDefinition def, List<String> gcode, double forSeconds, Path... files)
            throws IOException {
        List<double[]> rs = new ArrayList<>();
        long until = System.nanoTime() + (long) (forSeconds * 1e9);
        while (rs.size() < MIN_ROUNDS || System.nanoTime() < until) {
            double[] r = new double[files.length];
            for (int i = 0; i < files.length; i++) r[i] = timed(cfg, def, gcode, files[i]);
            rs.add(r);
        }
        return rs.toArray(double[][]::new);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Median over rounds of variant {@code i}'s time over the untraced run's, as percent extra. */
    private static double overheadPercent(double[][] rounds, int i) {
        return (median(Arrays.stream(rounds).mapToDouble(r -> r[i] / r[0]).toArray()) - 1) * 100;
    }

    public List<BenchFigure> run() {
        PrinterConfig cfg = PrinterConfig.builtIn(BOARD);
        BoardDefinition def = BoardLoader.builtIn(BOARD);
        List<String> gcode = print();
        try {
            Path dir = Files.createTempDirectory("steptrace-trace-bench");
            try {
                Path plain = dir.resolve("t.jsonl");
                Path gz = dir.resolve("t.jsonl.gz");
                rounds(cfg, def, gcode, seconds / 2, null, plain, gz); // warm-up: the JIT settles
                double[][] rounds = rounds(cfg, def, gcode, seconds, null, plain, gz);
                long records;
                try (var lines = Files.lines(plain)) {
                    records = lines.count();
                }
                List<BenchFigure> f = new ArrayList<>();
                f.add(new BenchFigure("trace.rounds", rounds.length, "rounds"));
                f.add(new BenchFigure("trace.run_without_trace", median(Arrays.stream(rounds).mapToDouble(r -> r[0]).toArray()) * 1e3, "ms"));
                f.add(new BenchFigure("trace.records", records, "records"));
                f.add(new BenchFigure("trace.overhead_plain", overheadPercent(rounds, 1), "%"));
                f.add(new BenchFigure("trace.overhead_gzip", overheadPercent(rounds, 2), "%"));
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
