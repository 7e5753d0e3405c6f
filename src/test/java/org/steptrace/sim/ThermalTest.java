package org.steptrace.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.steptrace.firmware.McuTap;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.plant.HeaterParams;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.trace.TraceRecord;

/** Closed-loop heating against each board's emulated plant: autotune, PID hold, bang-bang bed. */
class ThermalTest {
    private static final Pattern KU_TU = Pattern.compile("Ku=([0-9.]+) Tu=([0-9.]+) s");
    private static final Pattern GAINS = Pattern.compile("pid_Kp=([0-9.]+) pid_Ki=([0-9.]+) pid_Kd=([0-9.]+)");

    private record Session(VirtualBench bench, LiveHost host, List<TraceRecord.Thermal> samples) {}

    private static Session start(String board, String cfgText, String heater) {
        BoardDefinition def = BoardLoader.builtIn(board);
        VirtualBench bench = new VirtualBench(def, 1, McuTap.NONE, (f, t) -> {});
        List<TraceRecord.Thermal> samples = new ArrayList<>();
        LiveHost host = LiveHost.start(bench.connection(), PrinterConfig.parse(cfgText, board + ".cfg"), r -> {
            if (r instanceof TraceRecord.Thermal t && t.heater().equals(heater)) samples.add(t);
        });
        return new Session(bench, host, samples);
    }

    private static String cfg(String board) throws Exception {
        return Files.readString(Path.of("boards", board + ".cfg"));
    }

    /** Seconds for the plant at full power to bring its core from ambient to {@code targetC}, plus its lags. */
    private static double openLoopTimeS(HeaterParams p, double targetC) {
        double tau = p.heatCapacityJPerK() / p.lossWPerK();
        double rise = p.powerW() / p.lossWPerK();
        return -tau * Math.log(1 - (targetC - p.ambientC()) / rise) + p.deadTimeS() + p.sensorTimeConstantS();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"avr-cartesian", "arm-corexy", "arm-delta"})
    void autotuneMatchesTheRelayOscillationAndItsGainsHoldTwoHundredDegrees(String board) throws Exception {
        Session tune = start(board, cfg(board), "extruder");
        tune.host().run(List.of("PID_CALIBRATE HEATER=extruder TARGET=200"), "tune.gcode");
        List<String> replies = tune.host().finish().replies();
        Matcher ku = KU_TU.matcher(String.join("\n", replies));
        Matcher gains = GAINS.matcher(String.join("\n", replies));
        assertTrue(ku.find() && gains.find(), replies.toString());

        // Independently: the crests and troughs between the relay's switches, from the trace.
        List<double[]> crests = new ArrayList<>();
        List<double[]> troughs = new ArrayList<>();
        double[] extreme = null;
        Boolean on = null;
        for (TraceRecord.Thermal t : tune.samples()) {
            boolean nowOn = t.duty() > 0;
            if (on != null && nowOn != on && extreme != null) (on ? troughs : crests).add(extreme);
            if (on == null || nowOn != on) extreme = new double[] {t.temperatureC(), t.timeS()};
            else if (nowOn ? t.temperatureC() < extreme[0] : t.temperatureC() > extreme[0]) extreme = new double[] {t.temperatureC(), t.timeS()};
            on = nowOn;
        }
        int n = 4; // the settled cycles at the end
        double crest = crests.subList(crests.size() - n, crests.size()).stream().mapToDouble(c -> c[0]).average().orElseThrow();
        double trough = troughs.subList(troughs.size() - n, troughs.size()).stream().mapToDouble(c -> c[0]).average().orElseThrow();
        double period = (crests.get(crests.size() - 1)[1] - crests.get(crests.size() - 1 - n)[1]) / n;
        double maxPower = 1.0;
        double kuMeasured = 4 * maxPower / (Math.PI * (crest - trough) / 2);
        assertEquals(kuMeasured, Double.parseDouble(ku.group(1)), 0.05 * kuMeasured, "Ku");
        assertEquals(period, Double.parseDouble(ku.group(2)), 0.05 * period, "Tu");

        String tuned = cfg(board).replaceAll("pid_Kp: .*", "pid_Kp: " + gains.group(1)).replaceAll("pid_Ki: .*", "pid_Ki: " + gains.group(2))
                .replaceAll("pid_Kd: .*", "pid_Kd: " + gains.group(3));
        Session hold = start(board, tuned, "extruder");
        hold.host().run(List.of("M109 S200"), "heat.gcode");
        double reachedS = hold.bench().nowS();
        hold.host().idle(60);
        double allowed = openLoopTimeS(BoardLoader.builtIn(board).heaters().get(0).plant(), 200) + 20;
        assertTrue(reachedS < allowed, "M109 done at " + reachedS + " s, the plant allows about " + allowed);
        double max = hold.samples().stream().mapToDouble(TraceRecord.Thermal::temperatureC).max().orElseThrow();
        assertTrue(max - 200 <= 5, "overshoot " + (max - 200));
        for (TraceRecord.Thermal t : hold.samples()) {
            if (t.timeS() > allowed) assertEquals(200, t.temperatureC(), 1.0, "settled at " + t.timeS() + " s");
        }
    }

    @org.junit.jupiter.api.Test
    void temperatureWaitReturnsOnceTheReadingIsInRange() throws Exception {
        Session s = start("arm-corexy", cfg("arm-corexy"), "extruder");
        s.host().run(List.of("M104 S150", "TEMPERATURE_WAIT SENSOR=extruder MINIMUM=120"), "wait.gcode");
        double last = s.samples().get(s.samples().size() - 1).temperatureC();
        assertTrue(last >= 120 && last < 125, "returned at " + last + " C");
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.host.gcode.GcodeException.class,
                () -> s.host().run(List.of("TEMPERATURE_WAIT SENSOR=chamber MINIMUM=40"), "wait.gcode"));
        assertEquals("wait.gcode:1: TEMPERATURE_WAIT: no heater 'chamber' in this printer", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(org.steptrace.host.gcode.GcodeException.class,
                () -> s.host().run(List.of("M104 S400"), "hot.gcode"));
        assertTrue(e.getMessage().startsWith("hot.gcode:1: M104: Requested temperature (400.0) out of range"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"avr-cartesian", "arm-corexy", "arm-delta"})
    void theBedHoldsSixtyWithinTheBangBangBand(String board) throws Exception {
        Session s = start(board, cfg(board), "heater_bed");
        s.host().run(List.of("M190 S60"), "bed.gcode");
        double reached = s.bench().nowS();
        s.host().idle(300);
        PrinterConfig pc = PrinterConfig.parse(cfg(board), "x");
        double band = pc.heaterBed().maxDeltaC();
        // Past each switch the plant's lag (dead time and sensor) carries the reading on at the
        // rate it was changing: heating at full power near 60 °C is the faster way.
        HeaterParams p = BoardLoader.builtIn(board).heaters().stream().filter(h -> h.name().equals("heater_bed")).findFirst()
                .orElseThrow().plant();
        double rate = (p.powerW() - p.lossWPerK() * (60 - p.ambientC())) / p.heatCapacityJPerK();
        double carry = rate * (p.deadTimeS() + p.sensorTimeConstantS());
        double max = 0;
        double min = 100;
        for (TraceRecord.Thermal t : s.samples()) {
            if (t.timeS() <= reached + 30) continue;
            max = Math.max(max, t.temperatureC());
            min = Math.min(min, t.temperatureC());
        }
        assertTrue(max <= 60 + band + carry && min >= 60 - band - carry,
                "held within " + min + ".." + max + " C; band " + band + " C, lag carry " + carry + " C");
        assertTrue(max > 60 + band - 0.5 && min < 60 - band + 0.5, "it does cycle through the band: " + min + ".." + max);
    }
}
