package org.steptrace.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.steptrace.firmware.board.BoardDefinition;
import org.steptrace.firmware.plant.Mechanism;
import org.steptrace.host.config.ConfigException;
import org.steptrace.host.config.PrinterConfig;
import org.steptrace.host.gcode.GcodeException;
import org.steptrace.host.toolhead.LiveHost;
import org.steptrace.machine.Vec3;
import org.steptrace.link.VirtualWire;
import org.steptrace.sim.VirtualRun;
import org.steptrace.trace.TraceRecord;
import org.steptrace.trace.TraceSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run one G-code file on an emulated board: host and board in one process on virtual time,",
            "as fast as the CPU allows and the same for a seed. Prints print time, steps per stepper,",
            "final positions (host and emulated carriage) and any shutdown."
        })
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BoardOptions boardOptions;

    @Option(names = "--printer", paramLabel = "CFG", description = "Printer config (default: the board's own).")
    Path printer;

    @Parameters(index = "0", paramLabel = "GCODE", description = "The G-code file to run.")
    Path gcode;

    @Mixin
    TraceOptions traceOptions;

    @Option(names = "--serve-wait", defaultValue = "30", paramLabel = "S",
            description = "With --serve-traces: wait up to S seconds for a client before running (default: ${DEFAULT-VALUE}).")
    double serveWaitS;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BoardDefinition def = boardOptions.load();
        PrinterConfig cfg = boardOptions.printerConfig(printer);
        cfg.warnings().forEach(w -> err.println("warning: " + w));
        List<String> lines = Inputs.lines(gcode);
        // No wall-clock start time: a virtual run's trace is the same bytes for the same seed.
        TraceRecord.Header header = new TraceRecord.Header("steptrace", Main.Version.number(), TraceRecord.SCHEMA_VERSION, def.name(),
                cfg.sha256(), boardOptions.seed, def.mcu().clockFrequencyHz(), true, "virtual", null, gcode.getFileName().toString());
        try (TraceOptions traces = traceOptions) {
            TraceSink sink = traces.open(header, out);
            if (traces.server() != null && !traces.server().awaitClient(serveWaitS)) {
                out.println("no trace client connected within " + serveWaitS + " s; running anyway");
            }
            return run(def, cfg, lines, sink, out, err);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int run(BoardDefinition def, PrinterConfig cfg, List<String> lines, TraceSink sink, PrintWriter out, PrintWriter err) {
        VirtualRun.Outcome o;
        try {
            o = VirtualRun.run(def, cfg, boardOptions.seed, VirtualWire.Impairment.NONE, lines, gcode.toString(), sink, (fault, atS) -> {
                // A note, not an error: stdout, so that a failing run's stderr is one line.
                out.printf(Locale.ROOT, "fault %s took effect at %.3f s%n", fault.kind().cliName(), atS);
                out.flush();
            });
        } catch (GcodeException | ConfigException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        if (!o.ok()) {
            err.printf(Locale.ROOT, "error: %s (at %.3f s)%n", o.failure(), o.endS());
            err.flush();
            return 1;
        }
        LiveHost.Result r = o.result();
        r.replies().forEach(err::println);
        out.printf(Locale.ROOT, "ran %s on %s (seed %d): print time %.3f s, %d moves, %d steps, %.1f s emulated%n",
                gcode, def.name(), boardOptions.seed, r.printTimeS(), r.moves(), r.stepsSent(), o.endS());
        LiveReport.print(out, r);
        Mechanism m = o.mechanism();
        Vec3 at = m.toolhead();
        out.printf(Locale.ROOT, "toolhead (emulator): X %.4f Y %.4f Z %.4f E %.4f%n", at.x(), at.y(), at.z(), extruded(m));
        out.println("shutdowns: none");
        out.flush();
        return 0;
    }

    private static double extruded(Mechanism m) {
        return m.motors().stream().filter(x -> x.actuator() < 0).findFirst().map(x -> m.extruderMm(x.name())).orElse(0.0);
    }
}
