package org.steptrace.sim.scenario;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.McuTraceTap;
import org.steptrace.firmware.board.ServedBoard;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.gcode.GcodeException;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.host.mcu.WallClockDriver;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.link.TcpClientLink;
import org.steptrace.link.TcpServerLink;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceWriter;

/**
 * Runs a scenario on the wall clock, as two programs would: the emulated board served on a
 * loopback TCP port, paced in real time (its timers' lateness recorded), and the host connected to
 * it. Both sides record into one trace. Real time is not reproducible: these traces are outside
 * the seed's promise, and their header says "realtime".
 */
public final class RealtimeScenarioRunner {
    private final String toolVersion;

    public RealtimeScenarioRunner(String toolVersion) {
        this.toolVersion = toolVersion;
    }

    public ScenarioRunner.Result run(Scenario s, Path traceFile) throws IOException, InterruptedException {
        BoardDefinition def = ScenarioRunner.plant(BoardLoader.load(s.board()), s.plantScale()).withFaults(s.faults());
        PrinterConfig cfg = PrinterConfig.parse(s.printerConfigText(), s.id() + ".cfg");
        double hz = def.mcu().clockFrequencyHz();
        TraceRecord.Header header = new TraceRecord.Header("steptrace", toolVersion, TraceRecord.SCHEMA_VERSION, def.name(), cfg.sha256(),
                s.seed(), hz, true, "realtime", Instant.now().toString(), s.id() + ": " + s.description());
        String failure = null;
        long t0 = System.nanoTime();
        try (TraceWriter w = TraceWriter.create(traceFile, header)) {
            McuTraceTap tap = new McuTraceTap(w, hz);
            try (ServedBoard served = new ServedBoard(def, s.seed(), new TcpServerLink("127.0.0.1", 0), false, tap,
                    (fault, atS) -> w.record(new TraceRecord.Fault(fault.kind().cliName(), fault.heater(), atS)))) {
                tap.watchPlant(served.board().plant());
                served.start();
                TcpClientLink link = TcpClientLink.connect("127.0.0.1", ((TcpServerLink) served.link()).port());
                try {
                    McuConnection conn = WallClockDriver.connect(link, 0);
                    LiveHost host = LiveHost.start(conn, cfg, w);
                    host.run(s.gcode(), s.id());
                    LiveHost.Result r = host.finish();
                    Map<String, Object> stats = new LinkedHashMap<>();
                    stats.put("print_time_s", r.printTimeS());
                    stats.put("moves", r.moves());
                    stats.put("steps_sent", r.stepsSent());
                    stats.put("mcu_step_positions", r.mcuStepPositions());
                    stats.put("wall_s", (System.nanoTime() - t0) / 1e9);
                    w.record(new TraceRecord.Stats(stats));
                } catch (McuConnection.McuSessionException | GcodeException e) {
                    failure = e.getMessage();
                    w.record(new TraceRecord.Shutdown("host", failure, null, (System.nanoTime() - t0) / 1e9));
                } finally {
                    link.close();
                }
            }
        }
        return new ScenarioRunner.Result(s, traceFile, failure, (System.nanoTime() - t0) / 1e9);
    }
}
