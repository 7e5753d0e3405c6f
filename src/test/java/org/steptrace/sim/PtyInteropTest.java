package org.steptrace.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.board.BoardLoader;
import org.steptrace.firmware.board.McuTraceTap;
import org.steptrace.firmware.board.ServedBoard;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.mcu.McuConnection;
import org.steptrace.host.mcu.WallClockDriver;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.link.PtyLink;
import org.steptrace.link.SerialLink;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSummary;
import org.steptrace.trace.TraceWriter;

/**
 * Our host and our emulator as two programs would meet: over a real pty, on the wall clock,
 * the emulator parking (not spinning) between timers. A short print with a heat-up to 60 °C
 * completes without a shutdown, and both sides leave a trace.
 */
class PtyInteropTest {
    private static boolean hasSocat() {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "socat")));
    }

    @Test
    void aShortPrintWithAHeatUpCompletesOverAPtyInRealTime(@TempDir Path dir) throws Exception {
        assumeTrue(hasSocat(), "socat is needed to make a pty; .ci/run installs it");
        BoardDefinition def = BoardLoader.builtIn("arm-corexy");
        double hz = def.mcu().clockFrequencyHz();
        Path pty = dir.resolve("printer");
        Path boardTrace = dir.resolve("board.jsonl");
        Path hostTrace = dir.resolve("host.jsonl");
        try (TraceWriter bw = TraceWriter.create(boardTrace, new TraceRecord.Header("steptrace", "test", TraceRecord.SCHEMA_VERSION,
                def.name(), null, 2L, hz, true, "realtime", "now", null));
             TraceWriter hw = TraceWriter.create(hostTrace, new TraceRecord.Header("steptrace", "test", TraceRecord.SCHEMA_VERSION,
                     pty.toString(), null, null, hz, false, "realtime", "now", "print.gcode"))) {
            McuTraceTap tap = new McuTraceTap(bw, hz);
            try (ServedBoard served = new ServedBoard(def, 2, new PtyLink(pty), false, tap, (f, t) -> {})) {
                tap.watchPlant(served.board().plant());
                served.start();
                SerialLink link = SerialLink.open(pty.toString(), 250000);
                try {
                    McuConnection conn = WallClockDriver.connect(link, 0);
                    LiveHost host = LiveHost.start(conn, PrinterConfig.load(Path.of("boards", "arm-corexy.cfg")), hw);
                    host.run(List.of("M109 S60", "G28 X Y", "M83", "G1 X30 Y30 F6000", "G1 X60 Y30 E1 F1800", "G1 X60 Y60 E1",
                            "G1 X30 Y30 F6000", "M104 S0", "M400"), "print.gcode");
                    LiveHost.Result r = host.finish();
                    assertEquals(r.commandedStepPositions(), r.mcuStepPositions());
                } finally {
                    link.close();
                }
                assertEquals(null, served.board().mcu().shutdownReason(), "no shutdown");
                var h = served.runner().latenessTotal();
                System.out.printf("pty interop: timer lateness p50 %.0f us, p99 %.0f us, max %.0f us over %d timers%n",
                        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3, h.getTotalCount());
                assertTrue(h.getTotalCount() > 1000, "lateness is measured");
            }
        }
        TraceSummary host = TraceSummary.of(hostTrace);
        TraceSummary board = TraceSummary.of(boardTrace);
        assertTrue(host.countsByType().getOrDefault("thermal", 0L) > 20 && host.countsByType().getOrDefault("step_batch", 0L) > 20,
                host.countsByType().toString());
        assertTrue(board.countsByType().getOrDefault("mcu_step_batch", 0L) > 20 && board.countsByType().getOrDefault("thermal", 0L) > 20,
                board.countsByType().toString());
    }
}
