package org.steptrace.bench;

import java.util.ArrayList;
import java.util.List;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.sim.VirtualBench;

/**
 * Closed-loop heating in virtual time: a heat-up to 200 °C held for a minute (host PID, MCU
 * soft PWM and ADC, plant), in simulated seconds per wall second; and the wall time of a whole
 * relay autotune.
 */
public final class ThermalBench {
    private static final String BOARD = "avr-cartesian";
    private final double seconds;

    public ThermalBench(double seconds) {
        this.seconds = seconds;
    }

    /** Returns simulated seconds. */
    private static double heatAndHold(PrinterConfig cfg, long seed) {
        VirtualBench bench = new VirtualBench(BoardLoader.builtIn(BOARD), seed, McuTap.NONE, (f, t) -> {});
        LiveHost host = LiveHost.start(bench.connection(), cfg);
        host.run(List.of("M109 S200"), "heat.gcode");
        host.idle(60);
        return bench.nowS();
    }

    public List<BenchFigure> run() {
        PrinterConfig cfg = PrinterConfig.builtIn(BOARD);
        heatAndHold(cfg, 0); // warm-up
        double simulated = 0;
        long t0 = System.nanoTime();
        long seed = 1;
        while ((System.nanoTime() - t0) / 1e9 < seconds) simulated += heatAndHold(cfg, seed++);
        double wall = (System.nanoTime() - t0) / 1e9;
        List<BenchFigure> f = new ArrayList<>();
        f.add(new BenchFigure("thermal.heatup_simulated_per_wall", simulated / wall, "s/s"));
        VirtualBench bench = new VirtualBench(BoardLoader.builtIn(BOARD), 1, McuTap.NONE, (x, t) -> {});
        LiveHost host = LiveHost.start(bench.connection(), cfg);
        long a0 = System.nanoTime();
        host.run(List.of("PID_CALIBRATE HEATER=extruder TARGET=200"), "tune.gcode");
        f.add(new BenchFigure("thermal.autotune_wall", (System.nanoTime() - a0) / 1e9, "s"));
        f.add(new BenchFigure("thermal.autotune_simulated", bench.nowS(), "s"));
        return f;
    }
}
