package org.steptrace.sim.scenario;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.plant.HeaterParams;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.sim.VirtualRun;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceWriter;

/** Runs one scenario in virtual time, writing its trace; the same scenario gives the same bytes. */
public final class ScenarioRunner {
    /** How a scenario ended: where its trace is, and the session failure if it had one (a fault scenario usually does). */
    public record Result(Scenario scenario, Path trace, String failure, double emulatedS) {}

    /** No scenario needs more than this much emulated time; one that does has hung (and says so). */
    static final double MAX_EMULATED_S = 1800;
    private final String toolVersion;

    public ScenarioRunner(String toolVersion) {
        this.toolVersion = toolVersion;
    }

    public Result run(Scenario s, Path traceFile) throws IOException {
        BoardDefinition def = plant(BoardLoader.load(s.board()), s.plantScale()).withFaults(s.faults());
        PrinterConfig cfg = PrinterConfig.parse(s.printerConfigText(), s.id() + ".cfg");
        TraceRecord.Header header = new TraceRecord.Header("steptrace", toolVersion, TraceRecord.SCHEMA_VERSION, def.name(),
                cfg.sha256(), s.seed(), def.mcu().clockFrequencyHz(), true, "virtual", null, s.id() + ": " + s.description());
        VirtualRun.Outcome o;
        try (TraceWriter w = TraceWriter.create(traceFile, header)) {
            o = VirtualRun.run(def, cfg, s.seed(), s.impairment(), s.gcode(), s.id(), w, (fault, atS) -> {}, MAX_EMULATED_S);
        }
        return new Result(s, traceFile, o.failure(), o.endS());
    }

    /** The board with each heater's thermal mass scaled (and its power the other way, a little), so plants differ per seed. */
    static BoardDefinition plant(BoardDefinition def, double scale) {
        List<BoardDefinition.HeaterDef> heaters = new ArrayList<>();
        for (BoardDefinition.HeaterDef h : def.heaters()) {
            HeaterParams p = h.plant();
            HeaterParams q = new HeaterParams(p.powerW() * (1 + 0.5 * (1 - scale)), p.heatCapacityJPerK() * scale, p.lossWPerK(),
                    p.ambientC(), p.sensorTimeConstantS(), p.deadTimeS());
            heaters.add(new BoardDefinition.HeaterDef(h.name(), h.heaterPin(), h.sensorPin(), q, h.thermistor(), h.adcNoiseLsbRms()));
        }
        return def.withHeaters(heaters);
    }
}
