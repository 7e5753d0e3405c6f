package org.steptrace.trace;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots of a trace: toolhead speed (planned), each stepper's speed rebuilt from its step
 * clocks, temperature with target, duty and the plant's truth per heater, timer lateness, and
 * wire bytes per second. Each plot is written only when the trace has what it shows.
 */
public final class TracePlots {
    static final int WIDTH = 1200;
    static final int HEIGHT = 600;
    /** At most this many points per line: enough for the eye, small files. */
    static final int MAX_POINTS = 20_000;
    /** Steps further apart than this are a stepper standing still, not moving slowly. */
    static final double PAUSE_S = 0.050;

    private final TraceRecord.Header header;
    private final XYSeries toolheadSpeed = new XYSeries("toolhead (planned)", false);
    private final Map<String, XYSeries> stepperSpeed = new TreeMap<>();
    private final Map<String, Map<String, XYSeries>> thermal = new TreeMap<>();
    private final List<Double> latenessUs = new ArrayList<>();
    private final Map<String, TreeMap<Long, Long>> wireBytesBySecond = new TreeMap<>();
    /** Per oid, the last two step clocks seen (across batches). */
    private final Map<Integer, long[]> lastStepClocks = new LinkedHashMap<>();

    private TracePlots(TraceReader in) throws IOException {
        header = in.header();
        in.forEach(this::add);
    }

    /** Writes every plot the trace supports into {@code dir}; returns the files written. */
    public static List<Path> write(Path trace, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        TracePlots p;
        try (TraceReader in = TraceReader.open(trace)) {
            p = new TracePlots(in);
        }
        Files.createDirectories(dir);
        return p.render(dir);
    }

    private void add(TraceRecord r) {
        double hz = header.clockFreqHz();
        if (r instanceof TraceRecord.Move m) {
            addMove(m);
        } else if (r instanceof TraceRecord.StepBatch b) {
            XYSeries s = stepperSpeed.computeIfAbsent(b.stepper(), k -> new XYSeries(k, false));
            int sign = b.dir() == 1 ? 1 : -1;
            long[] last = lastStepClocks.computeIfAbsent(b.oid(), k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
            long pause = (long) (PAUSE_S * hz);
            StepClocks.forEach(b, clock -> {
                if (last[1] != Long.MIN_VALUE && clock - last[1] > pause) {
                    // Standing still in between: drawn at zero rather than as a line across the pause.
                    s.add(last[1] / hz + 1e-6, 0, false);
                    s.add(clock / hz - 1e-6, 0, false);
                    last[0] = Long.MIN_VALUE;
                } else if (last[0] != Long.MIN_VALUE) {
                    // Central difference over two intervals: a 25 µs step-time error moves it least.
                    s.add(last[1] / hz, sign * 2 * hz / (clock - last[0]), false);
                }
                if (last[1] == Long.MIN_VALUE || clock - last[1] <= pause) last[0] = last[1];
                last[1] = clock;
            });
        } else if (r instanceof TraceRecord.Thermal t) {
            Map<String, XYSeries> m = thermal.computeIfAbsent(t.heater(), k -> new LinkedHashMap<>());
            if (t.temperatureC() != null) series(m, "temperature (host) C").add(t.timeS(), t.temperatureC(), false);
            if (t.targetC() != null) series(m, "target C").add(t.timeS(), t.targetC(), false);
            if (t.trueTemperatureC() != null) series(m, "true temperature (plant) C").add(t.timeS(), t.trueTemperatureC(), false);
            if (t.duty() != null) series(m, "duty x100 %").add(t.timeS(), t.duty() * 100, false);
        } else if (r instanceof TraceRecord.Lateness l) {
            latenessUs.add(l.lateUs());
        } else if (r instanceof TraceRecord.WireMessage w) {
            wireBytesBySecond.computeIfAbsent(w.direction(), k -> new TreeMap<>()).merge((long) Math.floor(w.hostTimeS()), (long) w.lengthBytes(),
                    Long::sum);
        }
    }

    private static XYSeries series(Map<String, XYSeries> m, String name) {
        return m.computeIfAbsent(name, k -> new XYSeries(k, false));
    }

    /** The trapezoid's speed at its corners: start, end of acceleration, start of deceleration, end. */
    private void addMove(TraceRecord.Move m) {
        double a = m.accelMmPerS2();
        double accelT = a > 0 ? (m.cruiseVMmPerS() - m.startVMmPerS()) / a : 0;
        double decelT = a > 0 ? (m.cruiseVMmPerS() - m.endVMmPerS()) / a : 0;
        double t0 = m.printTimeS();
        toolheadSpeed.add(t0, m.startVMmPerS(), false);
        toolheadSpeed.add(t0 + accelT, m.cruiseVMmPerS(), false);
        toolheadSpeed.add(t0 + m.durationS() - decelT, m.cruiseVMmPerS(), false);
        toolheadSpeed.add(t0 + m.durationS(), m.endVMmPerS(), false);
    }

    private List<Path> render(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        String where = header.board() + (header.gcode() != null ? ", " + header.gcode() : "");
        if (!toolheadSpeed.isEmpty()) {
            out.add(save(dir, "toolhead-speed.png", lines("Toolhead speed as planned — " + where, "print time (s)", "speed (mm/s)", List.of(toolheadSpeed))));
        }
        if (!stepperSpeed.isEmpty()) {
            out.add(save(dir, "stepper-speed.png", lines("Stepper speed from step clocks, over two steps (sign = direction pin) — " + where, "print time (s)",
                    "speed (steps/s)", new ArrayList<>(stepperSpeed.values()))));
        }
        for (var e : thermal.entrySet()) {
            out.add(save(dir, "thermal-" + e.getKey() + ".png", lines("Heater " + e.getKey() + " — " + where, "time (s)", "temperature (C) / duty (%)",
                    new ArrayList<>(e.getValue().values()))));
        }
        if (!latenessUs.isEmpty()) {
            HistogramDataset h = new HistogramDataset();
            h.addSeries("timers", latenessUs.stream().mapToDouble(Double::doubleValue).toArray(), 50);
            out.add(save(dir, "lateness.png", ChartFactory.createHistogram("Timer lateness — " + where, "lateness (us)", "timers", h,
                    PlotOrientation.VERTICAL, true, false, false)));
        }
        if (!wireBytesBySecond.isEmpty()) {
            List<XYSeries> wire = new ArrayList<>();
            wireBytesBySecond.forEach((dirName, bins) -> {
                XYSeries s = new XYSeries(dirName.replace('_', ' '), false);
                bins.forEach((sec, bytes) -> s.add(sec.doubleValue(), bytes.doubleValue(), false));
                wire.add(s);
            });
            out.add(save(dir, "wire-bytes.png", lines("Wire traffic — " + where, "host time (s)", "bytes per second", wire)));
        }
        return out;
    }

    private static JFreeChart lines(String title, String x, String y, List<XYSeries> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (XYSeries s : series) data.addSeries(thin(s));
        JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series.size(); i++) r.setSeriesStroke(i, new BasicStroke(1.2f));
        plot.setRenderer(r);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return chart;
    }

    /** Every n-th point, so a long print stays a readable line and a small file. */
    private static XYSeries thin(XYSeries s) {
        if (s.getItemCount() <= MAX_POINTS) return s;
        int stride = (s.getItemCount() + MAX_POINTS - 1) / MAX_POINTS;
        XYSeries t = new XYSeries(s.getKey(), false);
        for (int i = 0; i < s.getItemCount(); i += stride) t.add(s.getX(i), s.getY(i), false);
        return t;
    }

    private static Path save(Path dir, String name, JFreeChart chart) throws IOException {
        Path file = dir.resolve(name);
        Path tmp = dir.resolve(name + ".part");
        ChartUtils.saveChartAsPNG(tmp.toFile(), chart, WIDTH, HEIGHT);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
